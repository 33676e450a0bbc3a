package io.gatehouse.policy.internal.web;

import io.gatehouse.audit.GatewayRequestLog;
import io.gatehouse.audit.GatewayRequestLog.RuleCount;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.StatsTimeout;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TenantScope;
import io.gatehouse.shared.TimeBuckets;
import io.gatehouse.shared.TimeSeriesJson;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Policy denials and redactions by rule over time, read from the decisions the policy stage wrote
 * into the tenant's {@code gateway.request} events (enforced decisions; shadow ones are not
 * counted).
 */
@Path("api/v1/stats/policy")
@RequestScoped
@Tag(name = "Statistics")
@SecurityRequirement(name = "jwt")
public class PolicyStatsResource {
    @Inject GatewayRequestLog log;
    @Inject CurrentCaller callers;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN, Role.AUDITOR})
    @Operation(
            summary = "Policy rule matches (denials, redactions) by rule over time",
            description =
                    "Counts each rule in details.policy.input.matched and details.policy.output.matched"
                            + " of the tenant's gateway events."
                            + TimeBuckets.DESCRIPTION)
    @APIResponse(
            responseCode = "200",
            description = "One series per rule and effect",
            content = @Content(schema = @Schema(implementation = PolicyDtos.PolicyRuleStats.class)))
    @APIResponse(responseCode = "503", description = StatsTimeout.TIMED_OUT)
    public JsonObject rules(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("step") String step,
            @QueryParam("tenant") String tenantParam) {
        TenantId tenant = TenantScope.of(callers.require(), tenantParam, Role.ADMIN, Role.AUDITOR);
        TimeBuckets window = TimeBuckets.parse(from, to, step);
        List<RuleCount> matches = log.policyRuleMatches(tenant, window);
        Map<String, Long> totals = new TreeMap<>();
        for (RuleCount r : matches) {
            totals.merge(effect(r), r.count(), Long::sum);
        }
        JsonArrayBuilder rules = Json.createArrayBuilder();
        TimeSeriesJson.byGroup(
                        matches,
                        window,
                        r -> r.rule() + "\n" + effect(r),
                        RuleCount::bucket,
                        RuleCount[]::new,
                        (a, b) ->
                                new RuleCount(
                                        a.bucket(), a.rule(), a.effect(), a.count() + b.count()))
                .forEach(
                        (key, rows) -> {
                            int cut = key.indexOf('\n');
                            long total = 0;
                            for (RuleCount r : rows) {
                                total += r == null ? 0 : r.count();
                            }
                            rules.add(
                                    Json.createObjectBuilder()
                                            .add("rule", key.substring(0, cut))
                                            .add("effect", key.substring(cut + 1))
                                            .add("total", total)
                                            .add(
                                                    "points",
                                                    TimeSeriesJson.points(
                                                            window,
                                                            rows,
                                                            (p, r) ->
                                                                    p.add(
                                                                            "count",
                                                                            r == null
                                                                                    ? 0
                                                                                    : r.count()))));
                        });
        JsonObjectBuilder t = Json.createObjectBuilder();
        totals.forEach((effect, count) -> t.add(effect, count.longValue()));
        return TimeSeriesJson.period(tenant, window).add("totals", t).add("rules", rules).build();
    }

    private static String effect(RuleCount r) {
        return r.effect() == null ? "" : r.effect();
    }
}
