package io.gatehouse.routing.internal.web;

import io.gatehouse.audit.GatewayRequestLog;
import io.gatehouse.audit.GatewayRequestLog.Grouping;
import io.gatehouse.audit.GatewayRequestLog.SeriesRow;
import io.gatehouse.routing.internal.persistence.BreakerStateRows;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.StatsTimeout;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TenantScope;
import io.gatehouse.shared.TimeBuckets;
import io.gatehouse.shared.TimeSeriesJson;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    @Inject GatewayRequestLog log;
    @Inject UsageReports reports;
    @Inject CurrentCaller callers;
    @Inject BreakerStateRows breakerStates;

    @Inject
    @ConfigProperty(name = "gatehouse.sla.latency-objective-ms", defaultValue = "2000")
    long objectiveMs;

    @Inject
    @ConfigProperty(
            name = StatsTimeout.TIMEOUT_SETTING,
            defaultValue = "" + StatsTimeout.DEFAULT_TIMEOUT_SECONDS)
    int timeoutSeconds;

    @GET
    @Path("/gateway")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN, Role.AUDITOR})
    @Operation(
            summary = "Gateway requests, errors, latency percentiles, tokens and cost over time",
            description =
                    "groupBy: route (default), provider, model or none." + TimeBuckets.DESCRIPTION)
    @APIResponse(
            responseCode = "200",
            description = "One series per group",
            content = @Content(schema = @Schema(implementation = StatsDtos.GatewayStats.class)))
    @APIResponse(responseCode = "503", description = StatsTimeout.TIMED_OUT)
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
        JsonArrayBuilder series = Json.createArrayBuilder();
        rowsByGroup(tenant, window, grouping)
                .forEach(
                        (group, rows) ->
                                series.add(
                                        Json.createObjectBuilder()
                                                .add("group", group)
                                                .add(
                                                        "points",
                                                        TimeSeriesJson.points(
                                                                window,
                                                                rows,
                                                                StatsResource::gatewayPoint))));
        return TimeSeriesJson.period(tenant, window)
                .add("groupBy", g)
                .add("series", series)
                .build();
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
                            + TimeBuckets.DESCRIPTION)
    @APIResponse(
            responseCode = "200",
            description = "One entry per route that had requests",
            content = @Content(schema = @Schema(implementation = StatsDtos.SlaStats.class)))
    @APIResponse(responseCode = "503", description = StatsTimeout.TIMED_OUT)
    public JsonObject sla(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("step") String step,
            @QueryParam("tenant") String tenantParam) {
        TenantId tenant = TenantScope.of(callers.require(), tenantParam, Role.ADMIN, Role.AUDITOR);
        TimeBuckets window = TimeBuckets.parse(from, to, step);
        JsonArrayBuilder routes = Json.createArrayBuilder();
        rowsByGroup(tenant, window, Grouping.ROUTE)
                .forEach(
                        (route, rows) -> {
                            long requests = 0;
                            long within = 0;
                            for (SeriesRow r : rows) {
                                requests += r == null ? 0 : r.requests();
                                within += r == null ? 0 : r.withinObjective();
                            }
                            JsonObjectBuilder o =
                                    Json.createObjectBuilder()
                                            .add("route", route)
                                            .add("requests", requests)
                                            .add("withinObjective", within);
                            TimeSeriesJson.nullable(o, "adherence", share(within, requests));
                            routes.add(
                                    o.add(
                                            "points",
                                            TimeSeriesJson.points(
                                                    window, rows, StatsResource::slaPoint)));
                        });
        return TimeSeriesJson.period(tenant, window)
                .add("objectiveMs", objectiveMs)
                .add("routes", routes)
                .build();
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
    @APIResponse(responseCode = "503", description = StatsTimeout.TIMED_OUT)
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
                            + " entry for it (closed). Instance names are shown to platform admins only"
                            + " (instancesNamed true); tenants see instance-1, instance-2, ... numbered"
                            + " within the answer. tenant: platform admins only.")
    @APIResponse(
            responseCode = "200",
            description = "The breakers",
            content = @Content(schema = @Schema(implementation = StatsDtos.BreakerStats.class)))
    @APIResponse(responseCode = "503", description = StatsTimeout.TIMED_OUT)
    public JsonObject breakers(@QueryParam("tenant") String tenantParam) {
        Caller caller = callers.require();
        TenantId tenant = TenantScope.of(caller, tenantParam, Role.ADMIN, Role.AUDITOR);
        List<BreakerStateRows.Row> rows;
        try {
            rows = breakerStates.list(tenant.value(), timeoutSeconds);
        } catch (java.sql.SQLException e) {
            throw StatsTimeout.failure(e, timeoutSeconds, "the breaker states");
        }
        // Instance names are the platform's (host names, pod names): only a platform admin sees
        // them; a tenant sees each instance under a number, stable within the answer.
        boolean named = caller.roles().contains(Role.PLATFORM_ADMIN);
        Map<String, String> anonymous = new TreeMap<>();
        rows.forEach(r -> anonymous.put(r.instance(), null));
        int n = 0;
        for (Map.Entry<String, String> e : anonymous.entrySet()) {
            e.setValue("instance-" + ++n);
        }
        JsonArrayBuilder list = Json.createArrayBuilder();
        for (BreakerStateRows.Row r : rows) {
            list.add(
                    Json.createObjectBuilder()
                            .add("instance", named ? r.instance() : anonymous.get(r.instance()))
                            .add("provider", r.provider())
                            .add("state", r.state())
                            .add("changedAt", r.changedAt().toString()));
        }
        return TimeSeriesJson.snapshot(tenant, Instant.now())
                .add("instancesNamed", named)
                .add("breakers", list)
                .build();
    }

    /** The gateway series of the tenant, per group, one slot per bucket. */
    private Map<String, SeriesRow[]> rowsByGroup(
            TenantId tenant, TimeBuckets window, Grouping grouping) {
        return TimeSeriesJson.byGroup(
                log.series(tenant, window, grouping, objectiveMs),
                window,
                SeriesRow::group,
                SeriesRow::bucket,
                SeriesRow[]::new,
                StatsResource::merge);
    }

    /**
     * Two database buckets that land in one slot (rounding at the window's ends): their counts are
     * summed, never dropped; the percentiles are the busier bucket's (they cannot be combined).
     */
    static SeriesRow merge(SeriesRow a, SeriesRow b) {
        SeriesRow busier = b.requests() > a.requests() ? b : a;
        return new SeriesRow(
                a.group(),
                a.bucket(),
                a.requests() + b.requests(),
                a.errors() + b.errors(),
                busier.p50Ms(),
                busier.p95Ms(),
                busier.p99Ms(),
                a.inputTokens() + b.inputTokens(),
                a.outputTokens() + b.outputTokens(),
                a.costMicros() + b.costMicros(),
                a.withinObjective() + b.withinObjective());
    }

    private static void gatewayPoint(JsonObjectBuilder p, SeriesRow r) {
        p.add("requests", r == null ? 0 : r.requests());
        p.add("errors", r == null ? 0 : r.errors());
        TimeSeriesJson.nullable(p, "p50Ms", r == null ? null : r.p50Ms());
        TimeSeriesJson.nullable(p, "p95Ms", r == null ? null : r.p95Ms());
        TimeSeriesJson.nullable(p, "p99Ms", r == null ? null : r.p99Ms());
        p.add("inputTokens", r == null ? 0 : r.inputTokens());
        p.add("outputTokens", r == null ? 0 : r.outputTokens());
        p.add("costMicros", r == null ? 0 : r.costMicros());
    }

    private static void slaPoint(JsonObjectBuilder p, SeriesRow r) {
        long n = r == null ? 0 : r.requests();
        long w = r == null ? 0 : r.withinObjective();
        p.add("requests", n).add("withinObjective", w);
        TimeSeriesJson.nullable(p, "adherence", share(w, n));
    }

    private static Double share(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }
}
