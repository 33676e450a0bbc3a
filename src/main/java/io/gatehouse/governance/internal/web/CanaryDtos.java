package io.gatehouse.governance.internal.web;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** OpenAPI shapes of the drift canary's endpoints (issue 23); the JSON is built by Canaries. */
public final class CanaryDtos {
    private CanaryDtos() {}

    @Schema(description = "A drift canary's settings (content.canary of the golden set)")
    public record Settings(
            @Schema(required = true, description = "How often it runs, 5 to 1440") int everyMinutes,
            @Schema(
                            required = true,
                            description =
                                    "The route aliases it watches; empty: the bindings' live sides")
                    List<String> routes,
            @Schema(description = "The embeddings route of the distance, or null")
                    String embeddings,
            @Schema(required = true, description = "embedding or edit") String distance,
            @Schema(required = true, description = "The thresholds set, by name")
                    Map<String, Double> thresholds) {}

    @Schema(description = "One route and model's measures of a run (null: no data for it)")
    public record Measures(
            @Schema(required = true) String route,
            @Schema(required = true) String model,
            @Schema(required = true) int cases,
            @Schema(required = true) double passRate,
            Double distance,
            Double meanLength,
            Double lengthChange,
            Double jsonValidRate,
            Double refusalRate,
            @Schema(required = true) double latencyP95Ms,
            @Schema(required = true) long costMicros) {}

    @Schema(description = "A scheduled run with its measures")
    public record Run(
            @Schema(required = true) String runId,
            @Schema(required = true) int version,
            @Schema(required = true, description = "running, passed, failed or error")
                    String status,
            @Schema(required = true) String scheduledFor,
            String startedAt,
            String finishedAt,
            String error,
            @Schema(required = true) List<Measures> measures) {}

    @Schema(description = "Whether a measure of a route and model is past its threshold")
    public record Drift(
            @Schema(required = true) String route,
            @Schema(required = true) String model,
            @Schema(required = true) String measure,
            @Schema(required = true) boolean crossed,
            Double value,
            @Schema(required = true) double threshold,
            @Schema(required = true) String runId,
            @Schema(required = true) String since) {}

    @Schema(description = "Where the baseline answers come from")
    public record BaselineInfo(
            @Schema(required = true) List<String> runs,
            @Schema(required = true) int answers,
            @Schema(required = true) String recordedAt) {}

    @Schema(description = "A golden set's drift canary: settings, baseline, drift, recent runs")
    public record Series(
            @Schema(required = true) String goldenSet,
            @Schema(required = true) int version,
            @Schema(description = "null when the live version has no canary") Settings canary,
            BaselineInfo baseline,
            @Schema(required = true) List<Drift> drift,
            @Schema(required = true, description = "Newest first") List<Run> runs) {}

    @Schema(description = "Which run's answers become the baseline")
    public record BaselineRequest(
            @Schema(description = "A finished scheduled run of the set; left out: the newest")
                    String runId) {}

    @Schema(description = "The baseline recorded")
    public record Baseline(
            @Schema(required = true) String goldenSet,
            @Schema(required = true) String runId,
            @Schema(required = true) int answers,
            @Schema(required = true) int replaced) {}
}
