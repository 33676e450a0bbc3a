package io.gatehouse.policy.internal.web;

import io.gatehouse.audit.GatewayRequestLog;
import io.gatehouse.audit.GatewayRequestLog.RuleCount;
import io.gatehouse.audit.TimeBuckets;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TenantScope;
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
                            + " of the tenant's gateway events. from/to: ISO-8601 instants (default: the"
                            + " last 24 hours), step: ISO-8601 duration PT1M..P31D (default PT1H), at most"
                            + " 1000 buckets. tenant: another tenant's id, platform admins only.")
    @APIResponse(
            responseCode = "200",
            description = "One series per rule and effect",
            content = @Content(schema = @Schema(implementation = PolicyDtos.PolicyRuleStats.class)))
    public JsonObject rules(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("step") String step,
            @QueryParam("tenant") String tenantParam) {
        TenantId tenant = TenantScope.of(callers.require(), tenantParam, Role.ADMIN, Role.AUDITOR);
        TimeBuckets window = TimeBuckets.parse(from, to, step);
        int n = window.count();
        Map<String, long[]> byRule = new LinkedHashMap<>();
        Map<String, Long> totals = new TreeMap<>();
        for (RuleCount r : log.policyRuleMatches(tenant, window)) {
            String effect = r.effect() == null ? "" : r.effect();
            long[] counts = byRule.computeIfAbsent(r.rule() + "\n" + effect, k -> new long[n]);
            counts[(int) Math.max(0, Math.min(n - 1, r.bucket()))] += r.count();
            totals.merge(effect, r.count(), Long::sum);
        }
        JsonArrayBuilder rules = Json.createArrayBuilder();
        byRule.forEach(
                (key, counts) -> {
                    int cut = key.indexOf('\n');
                    JsonArrayBuilder points = Json.createArrayBuilder();
                    long total = 0;
                    for (int i = 0; i < n; i++) {
                        total += counts[i];
                        points.add(
                                Json.createObjectBuilder()
                                        .add("time", window.start(i).toString())
                                        .add("count", counts[i]));
                    }
                    rules.add(
                            Json.createObjectBuilder()
                                    .add("rule", key.substring(0, cut))
                                    .add("effect", key.substring(cut + 1))
                                    .add("total", total)
                                    .add("points", points));
                });
        JsonObjectBuilder t = Json.createObjectBuilder();
        totals.forEach((effect, count) -> t.add(effect, count.longValue()));
        return Json.createObjectBuilder()
                .add("tenant", tenant.toString())
                .add("from", window.from().toString())
                .add("to", window.to().toString())
                .add("step", window.step().toString())
                .add("totals", t)
                .add("rules", rules)
                .build();
    }
}
