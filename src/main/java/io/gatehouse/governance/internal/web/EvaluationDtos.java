package io.gatehouse.governance.internal.web;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The wire shapes of golden sets and evaluation runs (issue 23) for the OpenAPI document; the
 * resources build the answers with JSON-P ({@code governance.internal.Evidence}, {@code
 * GoldenSets}) and these records describe exactly those shapes.
 */
public final class EvaluationDtos {
    private EvaluationDtos() {}

    @Schema(description = "One side's counts of an evaluation run")
    public record EvaluationSideCounts(
            @Schema(required = true, description = "passed / cases, 0 to 1") double passRate,
            @Schema(required = true) int passed,
            @Schema(required = true) int failed,
            @Schema(required = true) int errors) {}

    @Schema(description = "A case whose outcome differs between the candidate and what is live")
    public record EvaluationDiffering(
            @Schema(required = true) String caseId,
            @Schema(
                            required = true,
                            enumeration = {"pass", "fail", "error"})
                    String candidate,
            @Schema(
                            required = true,
                            enumeration = {"pass", "fail", "error"})
                    String live) {}

    @Schema(description = "An evaluation run of a golden set against a change (its evidence)")
    public record EvaluationEvidence(
            @Schema(
                            enumeration = {"evaluation"},
                            description = "evaluation (a replay entry says replay)")
                    String type,
            @Schema(required = true) String runId,
            @Schema(required = true) String goldenSet,
            @Schema(required = true) int goldenSetVersion,
            @Schema(required = true, description = "The change's revision the run tested")
                    int revision,
            @Schema(
                            required = true,
                            enumeration = {"submit", "revise", "rebase", "on_demand"})
                    String trigger,
            @Schema(
                            description =
                                    "Who asked for the run: the transition's actor for submit,"
                                            + " revise and rebase, the caller for on_demand")
                    String requestedBy,
            @Schema(
                            required = true,
                            enumeration = {"running", "passed", "failed", "error"},
                            description =
                                    "running (queued or under way), passed (the candidate's pass"
                                            + " rate reached minPassRate), failed, error (could not"
                                            + " complete: budget spent, every case errored)")
                    String status,
            @Schema(required = true, description = "The candidate's counts (so far while running)")
                    EvaluationSideCounts candidate,
            @Schema(description = "What is live's counts; null when nothing is live yet")
                    EvaluationSideCounts live,
            @Schema(required = true) List<EvaluationDiffering> differing,
            @Schema(description = "When it was first claimed") String startedAt,
            @Schema(description = "When it ended") String finishedAt,
            @Schema(
                            description =
                                    "A failed run only (GET /api/v1/changes/{id}): true while it"
                                            + " blocks publishing its revision (unless overridden):"
                                            + " no later run of the same revision and set version"
                                            + " was asked for by someone who authored none of the"
                                            + " change")
                    Boolean blocking,
            @Schema(
                            description =
                                    "A failed run only: the later run, asked for by a reviewer or"
                                            + " admin outside the change's authors, that"
                                            + " superseded it; null while it blocks")
                    String supersededBy) {}

    @Schema(description = "One case's result on one side")
    public record EvaluationCaseResult(
            @Schema(required = true) String caseId,
            @Schema(
                            required = true,
                            enumeration = {"candidate", "live"})
                    String side,
            @Schema(
                            required = true,
                            enumeration = {"pass", "fail", "error"})
                    String outcome,
            @Schema(required = true, description = "The gateway's status for the call") int status,
            @Schema(
                            required = true,
                            description =
                                    "Each expectation's verdict: {type, verdict pass|fail|error,"
                                            + " score (similarity, judge), detail}")
                    List<Map<String, Object>> checks,
            @Schema(description = "Hex SHA-256 of the answer's text") String outputSha256,
            @Schema(enumeration = {"allowed", "redacted", "denied"}) String policy,
            @Schema(description = "Why the case is an error") String error,
            @Schema(required = true) long latencyMs,
            @Schema(required = true) long inputTokens,
            @Schema(required = true) long outputTokens,
            @Schema(required = true) long costMicros,
            @Schema(description = "The gateway request (audit, lineage)") String requestId,
            @Schema(required = true) String recordedAt) {}

    @Schema(description = "EvaluationBound kind and target")
    public record EvaluationBound(
            @Schema(required = true) String kind, @Schema(required = true) String target) {}

    @Schema(description = "An evaluation run with its per-case results")
    public record EvaluationRun(
            @Schema(required = true) String runId,
            @Schema(required = true) String changeId,
            @Schema(required = true) String goldenSet,
            @Schema(required = true) int goldenSetVersion,
            @Schema(required = true) int revision,
            @Schema(required = true) String trigger,
            @Schema(
                            required = true,
                            enumeration = {"running", "passed", "failed", "error"})
                    String status,
            @Schema(required = true) EvaluationSideCounts candidate,
            EvaluationSideCounts live,
            @Schema(required = true) List<EvaluationDiffering> differing,
            @Schema(required = true) EvaluationBound bound,
            String error,
            String startedAt,
            String finishedAt,
            @Schema(required = true) List<EvaluationCaseResult> results) {}

    @Schema(description = "The runs an on-demand request queued")
    public record EvaluationsQueued(@Schema(required = true) List<EvaluationEvidence> data) {}

    @Schema(description = "A live golden set")
    public record GoldenSetSummary(
            @Schema(required = true) String name,
            @Schema(required = true) int version,
            @Schema(required = true, description = "The change that published this version")
                    String changeId,
            @Schema(required = true) String publishedBy,
            @Schema(required = true) String publishedAt,
            @Schema(required = true, description = "[{kind, target}]")
                    List<Map<String, Object>> binds,
            @Schema(required = true) double minPassRate,
            @Schema(required = true, description = "How many cases") int cases) {}

    @Schema(description = "The tenant's live golden sets")
    public record GoldenSetList(@Schema(required = true) List<GoldenSetSummary> data) {}

    @Schema(description = "A golden set's live version with its content")
    public record GoldenSet(
            @Schema(required = true) String name,
            @Schema(required = true) int version,
            @Schema(required = true) String changeId,
            @Schema(required = true) String publishedBy,
            @Schema(required = true) String publishedAt,
            @Schema(
                            required = true,
                            description =
                                    "{binds, minPassRate, cases}: see docs/governance.md, Golden sets"
                                            + " and evidence")
                    Map<String, Object> content) {}
}
