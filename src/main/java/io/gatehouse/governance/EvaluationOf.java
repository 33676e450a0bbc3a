package io.gatehouse.governance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Which evaluation run a gateway call belongs to (issue 23; {@link EvaluationGateway}, {@link
 * ChangeKind#evaluate}): routing records it in the call's {@code gateway.request} event under its
 * own keys ({@code evaluationRun}, {@code evaluationCase}, {@code evaluationSide}, and {@code
 * evaluationOf} with the change when the run tests one), after the stages' and the call's own
 * details, so the lineage graph can join change -> evaluation run -> the run's requests, and
 * evaluation traffic is told from production traffic.
 *
 * @param runId the evaluation run
 * @param caseId the golden set case's id
 * @param side {@code candidate} (the change's content applied), {@code live} (what is published),
 *     {@code judge} (an LLM judge's call) or {@code embedding} (semantic similarity)
 * @param changeId the change the run tests, or null (a drift canary over live routes)
 * @param revision the change's revision the run tests, or 0 without a change
 */
public record EvaluationOf(UUID runId, String caseId, String side, UUID changeId, int revision) {
    public static final String RUN = "evaluationRun";
    public static final String CASE = "evaluationCase";
    public static final String SIDE = "evaluationSide";
    public static final String OF_CHANGE = "evaluationOf";
    public static final String REVISION = "evaluationRevision";

    public static final java.util.Set<String> SIDES =
            java.util.Set.of("candidate", "live", "judge", "embedding");

    public EvaluationOf {
        if (runId == null || caseId == null || caseId.isBlank() || !SIDES.contains(side)) {
            throw new IllegalArgumentException("an evaluation call names its run, case and side");
        }
        if (changeId == null && revision != 0 || changeId != null && revision < 1) {
            throw new IllegalArgumentException("a change's revision is 1 or more, else 0");
        }
    }

    /** The audit details this call's event carries. */
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(RUN, runId.toString());
        d.put(CASE, caseId);
        d.put(SIDE, side);
        if (changeId != null) {
            d.put(OF_CHANGE, changeId.toString());
            d.put(REVISION, revision);
        }
        return d;
    }
}
