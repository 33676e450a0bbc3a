package io.gatehouse.routing.internal.web;

import io.gatehouse.audit.GatewayRequestLog;
import io.gatehouse.audit.GatewayRequestLog.Grouping;
import io.gatehouse.audit.GatewayRequestLog.SeriesRow;
import io.gatehouse.audit.TimeBuckets;
import io.gatehouse.routing.internal.persistence.BreakerStateRows;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TenantScope;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Time series of the gateway's traffic, latency objective and budgets for dashboards and scripts.
 * Read from the audit trail in PostgreSQL (every instance's requests), never from one instance's
 * memory. Tenant admins and auditors see their tenant; a platform admin names any with {@code
 * tenant}.
 */
@Path("api/v1/stats")
@RequestScoped
@Tag(name = "Statistics")
@SecurityRequirement(name = "jwt")
public class StatsResource {
    static final String PERIOD =
            " from/to: ISO-8601 instants (default: the last 24 hours), step: ISO-8601 duration PT1M..P31D"
                    + " (default PT1H), at most 1000 buckets; bucket i covers [from + i*step, from +"
                    + " (i+1)*step). tenant: another tenant's id, platform admins only.";

    @Inject GatewayRequestLog log;
    @Inject UsageReports reports;
    @Inject CurrentCaller callers;
    @Inject BreakerStateRows breakerStates;

    @Inject
    @ConfigProperty(name = "gatehouse.sla.latency-objective-ms", defaultValue = "2000")
    long objectiveMs;

    @GET
    @Path("/gateway")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN, Role.AUDITOR})
    @Operation(
            summary = "Gateway requests, errors, latency percentiles, tokens and cost over time",
            description = "groupBy: route (default), provider, model or none." + PERIOD)
    @APIResponse(
            responseCode = "200",
            description = "One series per group",
            content = @Content(schema = @Schema(implementation = StatsDtos.GatewayStats.class)))
    public JsonObject gateway(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("step") String step,
            @QueryParam("groupBy") String groupBy,
            @QueryParam("tenant") String tenantParam) {
        TenantId tenant = TenantScope.of(callers.require(), tenantParam, Role.ADMIN, Role.AUDITOR);
        String g = groupBy == null || groupBy.isBlank() ? "route" : groupBy.trim();
        Grouping grouping = null;
        if (!g.equals("none")) {
            grouping =
                    Grouping.fromWireName(g)
                            .filter(x -> x != Grouping.KEY)
                            .orElseThrow(
                                    () ->
                                            new ValidationException(
                                                    "groupBy",
                                                    "groupBy must be route, provider, model or none"));
        }
        TimeBuckets window = TimeBuckets.parse(from, to, step);
        Map<String, SeriesRow[]> byGroup = new LinkedHashMap<>();
        for (SeriesRow r : log.series(tenant, window, grouping, objectiveMs)) {
            byGroup.computeIfAbsent(r.group(), k -> new SeriesRow[window.count()])[
                            index(window, r.bucket())] =
                    r;
        }
        JsonArrayBuilder series = Json.createArrayBuilder();
        byGroup.forEach(
                (group, rows) -> {
                    JsonArrayBuilder points = Json.createArrayBuilder();
                    for (int i = 0; i < rows.length; i++) {
                        SeriesRow r = rows[i];
                        JsonObjectBuilder p =
                                Json.createObjectBuilder().add("time", window.start(i).toString());
                        p.add("requests", r == null ? 0 : r.requests());
                        p.add("errors", r == null ? 0 : r.errors());
                        nullable(p, "p50Ms", r == null ? null : r.p50Ms());
                        nullable(p, "p95Ms", r == null ? null : r.p95Ms());
                        nullable(p, "p99Ms", r == null ? null : r.p99Ms());
                        p.add("inputTokens", r == null ? 0 : r.inputTokens());
                        p.add("outputTokens", r == null ? 0 : r.outputTokens());
                        p.add("costMicros", r == null ? 0 : r.costMicros());
                        points.add(p);
                    }
                    series.add(
                            Json.createObjectBuilder().add("group", group).add("points", points));
                });
        return period(tenant, window).add("groupBy", g).add("series", series).build();
    }

    @GET
    @Path("/sla")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN, Role.AUDITOR})
    @Operation(
            summary = "SLA adherence of routes against the latency objective",
            description =
                    "Per route and bucket: requests, those answered below 500 within the objective"
                            + " (gatehouse.sla.latency-objective-ms, default 2000) and their share."
                            + PERIOD)
    @APIResponse(
            responseCode = "200",
            description = "One entry per route that had requests",
            content = @Content(schema = @Schema(implementation = StatsDtos.SlaStats.class)))
    public JsonObject sla(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("step") String step,
            @QueryParam("tenant") String tenantParam) {
        TenantId tenant = TenantScope.of(callers.require(), tenantParam, Role.ADMIN, Role.AUDITOR);
        TimeBuckets window = TimeBuckets.parse(from, to, step);
        Map<String, SeriesRow[]> byRoute = new LinkedHashMap<>();
        for (SeriesRow r : log.series(tenant, window, Grouping.ROUTE, objectiveMs)) {
            byRoute.computeIfAbsent(r.group(), k -> new SeriesRow[window.count()])[
                            index(window, r.bucket())] =
                    r;
        }
        JsonArrayBuilder routes = Json.createArrayBuilder();
        byRoute.forEach(
                (route, rows) -> {
                    JsonArrayBuilder points = Json.createArrayBuilder();
                    long requests = 0;
                    long within = 0;
                    for (int i = 0; i < rows.length; i++) {
                        long n = rows[i] == null ? 0 : rows[i].requests();
                        long w = rows[i] == null ? 0 : rows[i].withinObjective();
                        requests += n;
                        within += w;
                        JsonObjectBuilder p =
                                Json.createObjectBuilder()
                                        .add("time", window.start(i).toString())
                                        .add("requests", n)
                                        .add("withinObjective", w);
                        nullable(p, "adherence", n == 0 ? null : (double) w / n);
                        points.add(p);
                    }
                    JsonObjectBuilder o =
                            Json.createObjectBuilder()
                                    .add("route", route)
                                    .add("requests", requests)
                                    .add("withinObjective", within);
                    nullable(o, "adherence", requests == 0 ? null : (double) within / requests);
                    routes.add(o.add("points", points));
                });
        return period(tenant, window).add("objectiveMs", objectiveMs).add("routes", routes).build();
    }

    @GET
    @Path("/budget")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN, Role.AUDITOR})
    @Operation(
            summary = "Budget use against the tenant's limits",
            description =
                    "Spent in the current UTC day and month (from the audit trail) against the daily"
                            + " and monthly budget. tenant: platform admins only.")
    @APIResponse(
            responseCode = "200",
            description = "The budgets",
            content = @Content(schema = @Schema(implementation = StatsDtos.BudgetStats.class)))
    public JsonObject budget(@QueryParam("tenant") String tenantParam) {
        TenantId tenant = TenantScope.of(callers.require(), tenantParam, Role.ADMIN, Role.AUDITOR);
        JsonObject b = reports.budget(tenant);
        return Json.createObjectBuilder()
                .add("tenant", tenant.toString())
                .add("daily", b.get("daily"))
                .add("monthly", b.get("monthly"))
                .build();
    }

    @GET
    @Path("/breakers")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN, Role.AUDITOR})
    @Operation(
            summary = "Circuit-breaker state per instance (read-only)",
            description =
                    "The last state each instance wrote for the breakers of the tenant's providers and"
                            + " global ones: closed, open or half_open (an open breaker whose open period"
                            + " has passed reads as half_open). A provider an instance never called has no"
                            + " entry for it (closed). tenant: platform admins only.")
    @APIResponse(
            responseCode = "200",
            description = "The breakers",
            content = @Content(schema = @Schema(implementation = StatsDtos.BreakerStats.class)))
    public JsonObject breakers(@QueryParam("tenant") String tenantParam) {
        TenantId tenant = TenantScope.of(callers.require(), tenantParam, Role.ADMIN, Role.AUDITOR);
        JsonArrayBuilder list = Json.createArrayBuilder();
        try {
            for (BreakerStateRows.Row r : breakerStates.list(tenant.value())) {
                list.add(
                        Json.createObjectBuilder()
                                .add("instance", r.instance())
                                .add("provider", r.provider())
                                .add("state", r.state())
                                .add("changedAt", r.changedAt().toString()));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot read the breaker states", e);
        }
        return Json.createObjectBuilder()
                .add("tenant", tenant.toString())
                .add("asOf", java.time.Instant.now().toString())
                .add("breakers", list)
                .build();
    }

    private static JsonObjectBuilder period(TenantId tenant, TimeBuckets window) {
        return Json.createObjectBuilder()
                .add("tenant", tenant.toString())
                .add("from", window.from().toString())
                .add("to", window.to().toString())
                .add("step", window.step().toString());
    }

    /** The bucket's index, kept inside the window against rounding at its very end. */
    static int index(TimeBuckets window, long bucket) {
        return (int) Math.max(0, Math.min(window.count() - 1, bucket));
    }

    private static void nullable(JsonObjectBuilder b, String name, Double value) {
        if (value == null) {
            b.addNull(name);
        } else {
            b.add(name, value);
        }
    }
}
