package io.gatehouse.governance.internal.web;

import io.gatehouse.governance.internal.persistence.JpaReviewStats;
import io.gatehouse.governance.internal.persistence.JpaReviewStats.PublishTimes;
import io.gatehouse.governance.internal.persistence.JpaReviewStats.Waiting;
import io.gatehouse.governance.internal.persistence.JpaReviewStats.WaitingByKind;
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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The review workflow's numbers: what waits for review, and how long changes take to publish. */
@Path("api/v1/stats/reviews")
@RequestScoped
@Tag(name = "Statistics")
@SecurityRequirement(name = "jwt")
public class ReviewStatsResource {
    static final int LISTED = 100;

    @Inject JpaReviewStats queries;
    @Inject CurrentCaller callers;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN, Role.REVIEWER, Role.AUDITOR})
    @Operation(
            summary = "Reviews waiting and their age",
            description =
                    "Changes in review (state in_review): how many per kind, the oldest one's age,"
                            + " and the oldest 100 with their age in seconds. tenant: platform admins"
                            + " only.")
    @APIResponse(
            responseCode = "200",
            description = "The review queue",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ReviewQueue.class)))
    @APIResponse(responseCode = "503", description = StatsTimeout.TIMED_OUT)
    public JsonObject waiting(@QueryParam("tenant") String tenantParam) {
        TenantId tenant =
                TenantScope.of(
                        callers.require(), tenantParam, Role.ADMIN, Role.REVIEWER, Role.AUDITOR);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long total = 0;
        Long oldest = null;
        JsonArrayBuilder kinds = Json.createArrayBuilder();
        for (WaitingByKind k : queries.waitingByKind(tenant.value())) {
            total += k.count();
            Long age = age(k.oldestSubmittedAt(), now);
            if (age != null && (oldest == null || age > oldest)) {
                oldest = age;
            }
            kinds.add(
                    TimeSeriesJson.nullable(
                            Json.createObjectBuilder()
                                    .add("kind", k.kind())
                                    .add("waiting", k.count()),
                            "oldestAgeSeconds",
                            age));
        }
        JsonArrayBuilder changes = Json.createArrayBuilder();
        for (Waiting w : queries.waiting(tenant.value(), LISTED)) {
            JsonObjectBuilder o =
                    Json.createObjectBuilder()
                            .add("id", w.id().toString())
                            .add("kind", w.kind())
                            .add("target", w.target())
                            .add("risk", w.risk())
                            .add("author", w.author());
            if (w.submittedAt() == null) {
                o.addNull("submittedAt");
            } else {
                o.add("submittedAt", w.submittedAt().toString());
            }
            changes.add(TimeSeriesJson.nullable(o, "ageSeconds", age(w.submittedAt(), now)));
        }
        JsonObjectBuilder out = TimeSeriesJson.snapshot(tenant, now).add("waiting", total);
        return TimeSeriesJson.nullable(out, "oldestAgeSeconds", oldest)
                .add("byKind", kinds)
                .add("changes", changes)
                .build();
    }

    @GET
    @Path("/time-to-publish")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN, Role.REVIEWER, Role.AUDITOR})
    @Operation(
            summary = "Time from submit to publish per kind over time",
            description =
                    "Changes published in each bucket (rollbacks left out), with the median, 95th"
                            + " percentile and longest time in seconds from their last submission to"
                            + " publish."
                            + TimeBuckets.DESCRIPTION)
    @APIResponse(
            responseCode = "200",
            description = "One series per kind",
            content =
                    @Content(schema = @Schema(implementation = GovernanceDtos.TimeToPublish.class)))
    @APIResponse(responseCode = "503", description = StatsTimeout.TIMED_OUT)
    public JsonObject timeToPublish(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("step") String step,
            @QueryParam("tenant") String tenantParam) {
        TenantId tenant =
                TenantScope.of(
                        callers.require(), tenantParam, Role.ADMIN, Role.REVIEWER, Role.AUDITOR);
        TimeBuckets window = TimeBuckets.parse(from, to, step);
        JsonArrayBuilder kinds = Json.createArrayBuilder();
        TimeSeriesJson.byGroup(
                        queries.publishTimes(
                                tenant.value(), window.from(), window.to(), window.stepSeconds()),
                        window,
                        PublishTimes::kind,
                        PublishTimes::bucket,
                        PublishTimes[]::new,
                        ReviewStatsResource::merge)
                .forEach(
                        (kind, rows) -> {
                            long published = 0;
                            for (PublishTimes p : rows) {
                                published += p == null ? 0 : p.published();
                            }
                            kinds.add(
                                    Json.createObjectBuilder()
                                            .add("kind", kind)
                                            .add("published", published)
                                            .add(
                                                    "points",
                                                    TimeSeriesJson.points(
                                                            window,
                                                            rows,
                                                            ReviewStatsResource::publishPoint)));
                        });
        return TimeSeriesJson.period(tenant, window).add("kinds", kinds).build();
    }

    private static void publishPoint(JsonObjectBuilder o, PublishTimes p) {
        o.add("published", p == null ? 0 : p.published());
        if (p == null) {
            o.addNull("p50Seconds").addNull("p95Seconds").addNull("maxSeconds");
        } else {
            o.add("p50Seconds", p.p50()).add("p95Seconds", p.p95()).add("maxSeconds", p.max());
        }
    }

    private static Long age(Instant since, Instant now) {
        return since == null ? null : Math.max(0, Duration.between(since, now).getSeconds());
    }

    /**
     * Two database buckets that land in one slot (rounding at the window's ends): the published
     * counts are summed, never dropped; the percentiles are the busier bucket's, the max the
     * larger.
     */
    static PublishTimes merge(PublishTimes a, PublishTimes b) {
        PublishTimes busier = b.published() > a.published() ? b : a;
        return new PublishTimes(
                a.kind(),
                a.bucket(),
                a.published() + b.published(),
                busier.p50(),
                busier.p95(),
                Math.max(a.max(), b.max()));
    }
}
