package io.gatehouse.routing.internal.web;

import io.gatehouse.audit.GatewayRequestLog;
import io.gatehouse.audit.GatewayRequestLog.Grouping;
import io.gatehouse.audit.GatewayRequestLog.UsageTotal;
import io.gatehouse.routing.internal.catalog.Prices;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TimeBuckets;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Usage reports shared by the tenant's and the key's usage resources. A report spans at most {@link
 * TimeBuckets#MAX_PERIOD} (400 {@code period_too_long}) and its queries run under the statistics
 * timeout (503 {@code stats_timeout}, {@link io.gatehouse.shared.StatsTimeout}).
 */
@ApplicationScoped
public class UsageReports {
    @Inject GatewayRequestLog usage;
    @Inject io.gatehouse.edge.UsageLimits limits;

    JsonObject report(TenantId tenant, String from, String to, String groupBy, String keyId) {
        Instant t = to == null || to.isBlank() ? Instant.now() : instant("to", to);
        Instant f =
                from == null || from.isBlank()
                        ? t.minus(Duration.ofDays(30))
                        : instant("from", from);
        if (!f.isBefore(t)) {
            throw new ValidationException("from", "from must be before to");
        }
        // the same cap as the statistics series: no caller makes one query scan years of events
        if (Duration.between(f, t).compareTo(TimeBuckets.MAX_PERIOD) > 0) {
            throw new ValidationException(
                    "period_too_long",
                    "from",
                    "from..to spans more than "
                            + TimeBuckets.MAX_PERIOD.toDays()
                            + " days: choose a later from or an earlier to");
        }
        String g = groupBy == null || groupBy.isBlank() ? "route" : groupBy;
        Grouping grouping =
                Grouping.fromWireName(g)
                        .orElseThrow(
                                () ->
                                        new ValidationException(
                                                "groupBy",
                                                "groupBy must be one of "
                                                        + Arrays.stream(Grouping.values())
                                                                .map(Grouping::wireName)
                                                                .collect(
                                                                        Collectors.joining(", "))));
        List<UsageTotal> rows = usage.usage(tenant, f, t, grouping, keyId);
        JsonArrayBuilder groups = Json.createArrayBuilder();
        long req = 0, err = 0, in = 0, out = 0, cost = 0, hits = 0;
        for (UsageTotal r : rows) {
            groups.add(row(r));
            req += r.requests();
            err += r.errors();
            in += r.inputTokens();
            out += r.outputTokens();
            cost += r.costMicros();
            hits += r.cacheHits();
        }
        return Json.createObjectBuilder()
                .add("from", f.toString())
                .add("to", t.toString())
                .add("groupBy", g)
                .add("groups", groups)
                .add("totals", row(new UsageTotal("total", req, err, in, out, cost, hits)))
                .add("budget", budget(tenant))
                .build();
    }

    /**
     * The tenant's budgets with what is spent in the current UTC day and month (from the
     * accounting).
     */
    JsonObject budget(TenantId tenant) {
        io.gatehouse.edge.Budgets b = limits.budgets(tenant);
        Instant now = Instant.now();
        java.time.LocalDate day = now.atZone(java.time.ZoneOffset.UTC).toLocalDate();
        Instant dayStart = day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        Instant monthStart =
                day.withDayOfMonth(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        return Json.createObjectBuilder()
                .add("daily", period(b.dailyMicros(), spent(tenant, dayStart, now)))
                .add("monthly", period(b.monthlyMicros(), spent(tenant, monthStart, now)))
                .build();
    }

    private long spent(TenantId tenant, Instant from, Instant to) {
        long cost = 0;
        for (UsageTotal r : usage.usage(tenant, from, to.plusMillis(1), Grouping.ROUTE, null)) {
            cost += r.costMicros();
        }
        return cost;
    }

    private static JsonObject period(Long limit, long spent) {
        var o = Json.createObjectBuilder().add("spentMicros", spent);
        if (limit == null) {
            o.addNull("limitMicros").addNull("remainingMicros");
        } else {
            o.add("limitMicros", limit).add("remainingMicros", Math.max(0, limit - spent));
        }
        return o.build();
    }

    private static JsonObject row(UsageTotal r) {
        return Json.createObjectBuilder()
                .add("group", r.group())
                .add("requests", r.requests())
                .add("errors", r.errors())
                .add("inputTokens", r.inputTokens())
                .add("outputTokens", r.outputTokens())
                .add("costMicros", r.costMicros())
                .add("cost", Prices.format(r.costMicros()))
                .add("cacheHits", r.cacheHits())
                .build();
    }

    private static Instant instant(String param, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ValidationException(param, param + " must be an ISO-8601 instant");
        }
    }
}
