package io.gatehouse.audit;

/**
 * The detail keys and actions the lineage graph reads from audit events. Governance records its
 * events with these so that "everything that led to this response" can be answered from the chain.
 */
public final class LineageKeys {
    /** Detail on every change-request event: the change request's id. */
    public static final String CHANGE_ID = "changeId";

    /** Detail on a change's publish (and rollback) event: the prompt version it made live. */
    public static final String PROMPT_VERSION = "promptVersion";

    /** Detail on a change's publish (and rollback) event: the policy version it made live. */
    public static final String POLICY_VERSION = "policyVersion";

    /**
     * Detail on an {@code mcp_server} publish (and rollback) event and on each MCP tool call's
     * event: the version of the upstream MCP server (the publishing change's id).
     */
    public static final String MCP_SERVER_VERSION = "mcpServerVersion";

    /**
     * The versions a gateway request's event keeps in columns of their own and in its hashed usage,
     * under these keys and in this order (the stored and hashed form of the events written before
     * the versions became a map). Every other lineage key a stage reports is kept in the event's
     * details under {@link #VERSIONS_DETAIL}.
     */
    public static final java.util.List<String> VERSION_COLUMNS =
            java.util.List.of(PROMPT_VERSION, POLICY_VERSION);

    /** Detail on a gateway request's event: the versions without a column, by lineage key. */
    public static final String VERSIONS_DETAIL = "versions";

    /**
     * Detail on a gateway request's event made as a test call through a change's draft (issue 21):
     * the change request's id; lineage of the request shows that change.
     */
    public static final String TEST_CALL_OF = "testCallOf";

    /**
     * Detail on a gateway request's event made for an evaluation run (issue 23,
     * governance.EvaluationOf): the run's id; with {@link #EVALUATION_CASE}, {@link
     * #EVALUATION_SIDE}, and {@link #EVALUATION_OF} when the run tests a change.
     */
    public static final String EVALUATION_RUN = "evaluationRun";

    /** Detail on an evaluation's gateway request: the golden set case it ran. */
    public static final String EVALUATION_CASE = "evaluationCase";

    /** Detail on an evaluation's gateway request: candidate, live, judge or embedding. */
    public static final String EVALUATION_SIDE = "evaluationSide";

    /** Detail on an evaluation's gateway request: the change the run tests (its id). */
    public static final String EVALUATION_OF = "evaluationOf";

    /** Detail on an evaluation's gateway request: the change's revision the run tests. */
    public static final String EVALUATION_REVISION = "evaluationRevision";

    /**
     * Detail on an evaluation run's own events ({@code evaluation.run.start}, {@code
     * evaluation.run.finish}, which also carry {@link #CHANGE_ID} when the run tests a change).
     */
    public static final String RUN_ID = "runId";

    /** The actions of an evaluation run's own events start with this. */
    public static final String ACTION_EVALUATION_RUN = "evaluation.run.";

    /** Detail on change events: the kind of change (prompt, provider, route, policy). */
    public static final String CHANGE_KIND = "kind";

    /** The action of a reviewer's approval (its actor is the reviewer). */
    public static final String ACTION_APPROVE = "change.approve";

    /** Gateway request events carry their accounting (and versions) in {@link GatewayUsage}. */
    public static final String ACTION_GATEWAY_REQUEST = "gateway.request";

    private LineageKeys() {}
}
