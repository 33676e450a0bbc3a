package io.gatehouse.routing.internal.web;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The wire shapes of routing's time series ({@code /api/v1/stats}), for the OpenAPI document. */
public final class StatsDtos {
    private StatsDtos() {}

    @Schema(description = "One bucket of gateway traffic")
    public record GatewayPoint(
            @Schema(required = true, description = "Start of the bucket (ISO-8601)") String time,
            @Schema(required = true) long requests,
            @Schema(required = true, description = "Answers with status 400 or above") long errors,
            @Schema(description = "Median latency in ms; null without requests") Double p50Ms,
            @Schema(description = "95th percentile latency in ms") Double p95Ms,
            @Schema(description = "99th percentile latency in ms") Double p99Ms,
            @Schema(required = true) long inputTokens,
            @Schema(required = true) long outputTokens,
            @Schema(required = true, description = "Cost in millionths of the currency unit")
                    long costMicros) {}

    @Schema(description = "One group's points, one per bucket (empty buckets as zeros)")
    public record GatewaySeries(
            @Schema(required = true, description = "route, provider or model; all; (none)")
                    String group,
            @Schema(required = true) List<GatewayPoint> points) {}

    @Schema(description = "Gateway traffic over time, read from the audit trail")
    public record GatewayStats(
            @Schema(required = true) String tenant,
            @Schema(required = true) String from,
            @Schema(required = true) String to,
            @Schema(required = true, example = "PT1M") String step,
            @Schema(
                            required = true,
                            enumeration = {"route", "provider", "model", "none"})
                    String groupBy,
            @Schema(required = true) List<GatewaySeries> series) {}

    @Schema(description = "One bucket of a route's latency objective")
    public record SlaPoint(
            @Schema(required = true) String time,
            @Schema(required = true) long requests,
            @Schema(required = true, description = "Answered below 500 within the objective")
                    long withinObjective,
            @Schema(description = "withinObjective / requests; null without requests")
                    Double adherence) {}

    @Schema(description = "A route's adherence to the latency objective")
    public record SlaRoute(
            @Schema(required = true) String route,
            @Schema(required = true) long requests,
            @Schema(required = true) long withinObjective,
            @Schema(description = "Over the whole period; null without requests") Double adherence,
            @Schema(required = true) List<SlaPoint> points) {}

    @Schema(description = "SLA adherence of the tenant's routes")
    public record SlaStats(
            @Schema(required = true) String tenant,
            @Schema(required = true) String from,
            @Schema(required = true) String to,
            @Schema(required = true) String step,
            @Schema(
                            required = true,
                            description =
                                    "The latency objective in ms (gatehouse.sla.latency-objective-ms)")
                    long objectiveMs,
            @Schema(required = true) List<SlaRoute> routes) {}

    @Schema(description = "Budget use against the tenant's limits (current UTC day and month)")
    public record BudgetStats(
            @Schema(required = true) String tenant,
            @Schema(required = true) OpenAiDtos.BudgetPeriod daily,
            @Schema(required = true) OpenAiDtos.BudgetPeriod monthly) {}

    @Schema(description = "One instance's breaker of one provider")
    public record BreakerState(
            @Schema(
                            required = true,
                            description =
                                    "gatehouse.instance.name (or host:pid) for a platform admin;"
                                            + " instance-1, instance-2, ... for everyone else")
                    String instance,
            @Schema(required = true) String provider,
            @Schema(
                            required = true,
                            enumeration = {"closed", "open", "half_open"})
                    String state,
            @Schema(required = true, description = "When the instance wrote it")
                    String changedAt) {}

    @Schema(description = "Circuit breakers per instance, from the shared state table")
    public record BreakerStats(
            @Schema(required = true) String tenant,
            @Schema(required = true) String asOf,
            @Schema(
                            required = true,
                            description =
                                    "Whether instances carry their names (platform admins) or numbers")
                    boolean instancesNamed,
            @Schema(required = true) List<BreakerState> breakers) {}
}
