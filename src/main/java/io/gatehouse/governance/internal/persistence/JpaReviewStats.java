package io.gatehouse.governance.internal.persistence;

import io.gatehouse.shared.StatsTimeout;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The review workflow's numbers for dashboards, straight from {@code governance_changes}: what
 * waits for review and since when, and how long changes took from submit to publish.
 */
@ApplicationScoped
public class JpaReviewStats {
    @PersistenceContext(unitName = "gatehouse")
    EntityManager em;

    @Inject
    @ConfigProperty(
            name = StatsTimeout.TIMEOUT_SETTING,
            defaultValue = "" + StatsTimeout.DEFAULT_TIMEOUT_SECONDS)
    int timeoutSeconds;

    /** Runs a native query under the statistics timeout (503 stats_timeout when it runs out). */
    private List<?> timed(Query q, String what) {
        q.setHint("jakarta.persistence.query.timeout", timeoutSeconds * 1000);
        try {
            return q.getResultList();
        } catch (RuntimeException e) {
            throw StatsTimeout.failure(e, timeoutSeconds, what);
        }
    }

    /** A change waiting for review. */
    public record Waiting(
            UUID id, String kind, String target, String risk, String author, Instant submittedAt) {}

    /** The tenant's changes in review, oldest submission first, at most {@code limit}. */
    public List<Waiting> waiting(UUID tenant, int limit) {
        List<?> rows =
                timed(
                        em.createNativeQuery(
                                        "SELECT id, kind, target, risk, author_name, "
                                                + MILLIS.formatted("submitted_at")
                                                + " FROM governance_changes WHERE tenant_id = ?1 AND state = 'in_review'"
                                                + " ORDER BY submitted_at NULLS LAST, id LIMIT ?2")
                                .setParameter(1, tenant)
                                .setParameter(2, limit),
                        "the review queue");
        List<Waiting> out = new ArrayList<>();
        for (Object o : rows) {
            Object[] r = (Object[]) o;
            out.add(
                    new Waiting(
                            r[0] instanceof UUID u ? u : UUID.fromString(r[0].toString()),
                            (String) r[1],
                            (String) r[2],
                            (String) r[3],
                            (String) r[4],
                            instant(r[5])));
        }
        return out;
    }

    /** How many changes of a kind wait, and the earliest submission among them. */
    public record WaitingByKind(String kind, long count, Instant oldestSubmittedAt) {}

    public List<WaitingByKind> waitingByKind(UUID tenant) {
        List<?> rows =
                timed(
                        em.createNativeQuery(
                                        "SELECT kind, count(*), "
                                                + MILLIS.formatted("min(submitted_at)")
                                                + " FROM governance_changes"
                                                + " WHERE tenant_id = ?1 AND state = 'in_review' GROUP BY kind ORDER BY kind")
                                .setParameter(1, tenant),
                        "the review queue");
        List<WaitingByKind> out = new ArrayList<>();
        for (Object o : rows) {
            Object[] r = (Object[]) o;
            out.add(new WaitingByKind((String) r[0], ((Number) r[1]).longValue(), instant(r[2])));
        }
        return out;
    }

    /** Published changes of a kind in one bucket: how many, and submit-to-publish seconds. */
    public record PublishTimes(
            String kind, long bucket, long published, double p50, double p95, double max) {}

    /**
     * Changes published in {@code [from, to)}, by kind and bucket ({@code step} seconds from {@code
     * from}). Rollbacks are left out: they publish at once, without review.
     */
    public List<PublishTimes> publishTimes(
            UUID tenant, Instant from, Instant to, long stepSeconds) {
        double fromEpoch = from.getEpochSecond() + from.getNano() / 1e9;
        List<?> rows =
                timed(
                        em.createNativeQuery(
                                        "SELECT kind, floor((extract(epoch FROM published_at)::float8 - ?1) / ?2)::bigint AS b,"
                                                + " count(*),"
                                                + " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - submitted_at)::float8),"
                                                + " percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - submitted_at)::float8),"
                                                + " max(extract(epoch FROM published_at - submitted_at)::float8)"
                                                + " FROM governance_changes WHERE tenant_id = ?3 AND published_at >= ?4"
                                                + " AND published_at < ?5 AND submitted_at IS NOT NULL AND rollback_of IS NULL"
                                                + " GROUP BY kind, b ORDER BY kind, b")
                                .setParameter(1, fromEpoch)
                                .setParameter(2, stepSeconds)
                                .setParameter(3, tenant)
                                .setParameter(4, from)
                                .setParameter(5, to),
                        "the publish times");
        List<PublishTimes> out = new ArrayList<>();
        for (Object o : rows) {
            Object[] r = (Object[]) o;
            out.add(
                    new PublishTimes(
                            (String) r[0],
                            ((Number) r[1]).longValue(),
                            ((Number) r[2]).longValue(),
                            ((Number) r[3]).doubleValue(),
                            ((Number) r[4]).doubleValue(),
                            ((Number) r[5]).doubleValue()));
        }
        return out;
    }

    /** A timestamp selected as epoch milliseconds (no driver-specific date types). */
    private static final String MILLIS = "(extract(epoch FROM %s) * 1000)::bigint";

    private static Instant instant(Object o) {
        return o == null ? null : Instant.ofEpochMilli(((Number) o).longValue());
    }
}
