package io.gatehouse.governance.internal.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code governance_evaluation_runs} and {@code governance_evaluation_results} (V66): evaluation
 * runs as durable jobs. A run is claimed with {@code FOR UPDATE SKIP LOCKED} under a lease (owner
 * and {@code lease_until}) that the runner's heartbeat renews; a run whose lease lapsed (its
 * instance died) is claimed again and resumes. Results are inserted {@code ON CONFLICT DO NOTHING}
 * and the final status is written only {@code WHERE lease_owner = me AND status = 'running'}, so a
 * run completes once even when two instances touched it. Enqueueing joins the caller's JTA
 * transaction (the triggering change transition); everything else runs on the runner's threads
 * without one (each statement commits). A run of a change's revision and golden set is queued at
 * most once at a time (V73's partial unique index; {@link #enqueue} answers the one in the way). No
 * statement here reads another module's tables (ModuleTablesTest): whether the tenant is suspended
 * is the gateway's answer to the run's calls, not a join.
 *
 * <p>Long on purpose: every statement of the job's life (enqueue, claim, cap, lease, record,
 * finish) is here, next to the others whose conditions it relies on (the owner and status tests
 * that make a run complete once).
 */
@ApplicationScoped
public class EvaluationRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** A run as stored. */
    public record Run(
            UUID id,
            UUID tenantId,
            UUID changeId,
            int revision,
            String goldenSet,
            int goldenSetVersion,
            String boundKind,
            String boundTarget,
            String trigger,
            String requestedBy,
            String status,
            String leaseOwner,
            Instant leaseUntil,
            int claims,
            String summary,
            String error,
            Instant createdAt,
            Instant startedAt,
            Instant finishedAt) {}

    /** One case's result on one side, as stored. */
    public record Result(
            UUID runId,
            String caseId,
            String side,
            UUID tenantId,
            String outcome,
            String outputSha256,
            String scores,
            int status,
            String policy,
            String error,
            long latencyMs,
            long inputTokens,
            long outputTokens,
            long costMicros,
            String requestId,
            Instant recordedAt) {}

    /** How often a run is claimed before it ends as an error (its instances keep dying). */
    public static final int MAX_CLAIMS = 5;

    private static final String RUN_COLUMNS =
            "id, tenant_id, change_id, revision, golden_set, golden_set_version, bound_kind,"
                    + " bound_target, trigger, requested_by, status, lease_owner, lease_until, claims,"
                    + " summary, error, created_at, started_at, finished_at";

    private static final String RESULT_COLUMNS =
            "run_id, case_id, side, tenant_id, outcome, output_sha256, scores, status, policy, error,"
                    + " latency_ms, input_tokens, output_tokens, cost_micros, request_id, recorded_at";

    /**
     * A queued run (in the caller's transaction), unless a run of the same change, revision and
     * golden set is queued or running already (V73's partial unique index: INSERT ... ON CONFLICT
     * DO NOTHING; a concurrent transaction inserting the same run makes this one wait for its
     * outcome). Answers the run queued, or the one already queued or running.
     */
    public Queued enqueue(
            UUID id,
            UUID tenant,
            UUID changeId,
            int revision,
            String goldenSet,
            int goldenSetVersion,
            String boundKind,
            String boundTarget,
            String trigger,
            String requestedBy,
            String requestId) {
        // the run in the way may end between the insert and the read: then try again
        for (int attempt = 0; attempt < 3; attempt++) {
            int inserted =
                    update(
                            "INSERT INTO governance_evaluation_runs (id, tenant_id, change_id,"
                                    + " revision, golden_set, golden_set_version, bound_kind,"
                                    + " bound_target, trigger, requested_by, request_id, status)"
                                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued') ON CONFLICT"
                                    + " (change_id, revision, golden_set) WHERE status IN"
                                    + " ('queued', 'running') DO NOTHING",
                            id,
                            tenant,
                            changeId,
                            revision,
                            goldenSet,
                            goldenSetVersion,
                            boundKind,
                            boundTarget,
                            trigger,
                            requestedBy,
                            requestId);
            if (inserted == 1) {
                return new Queued(id, true);
            }
            Optional<UUID> existing = activeRun(changeId, revision, goldenSet);
            if (existing.isPresent()) {
                return new Queued(existing.get(), false);
            }
        }
        throw new IllegalStateException(
                "An evaluation run of change " + changeId + " could not be queued");
    }

    /** What {@link #enqueue} did: queued {@code id}, or found it queued or running already. */
    public record Queued(UUID id, boolean created) {}

    /**
     * Claims the oldest claimable run for {@code owner}: queued, or running under a lease that has
     * lapsed. Rows another instance is claiming are skipped. The claim sets the lease and counts
     * itself; {@code started_at} keeps the first claim's time.
     */
    public Optional<Run> claim(String owner, long leaseSeconds) {
        // the tenant's status is the edge's: a suspended tenant's run is claimed too, its calls
        // are refused (403 tenant_suspended) and the runner postpones it until the tenant is back
        List<Run> r =
                runs(
                        "UPDATE governance_evaluation_runs SET status = 'running', lease_owner = ?,"
                                + " lease_until = now() + make_interval(secs => ?), claims = claims + 1,"
                                + " started_at = coalesce(started_at, now()) WHERE id = (SELECT r.id FROM"
                                + " governance_evaluation_runs r WHERE r.status = 'queued' OR"
                                + " (r.status = 'running' AND r.lease_until < now() AND r.claims < ?)"
                                + " ORDER BY r.created_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING "
                                + RUN_COLUMNS,
                        owner,
                        (double) leaseSeconds,
                        MAX_CLAIMS);
        return r.stream().findFirst();
    }

    /**
     * Ends as {@code error} every run claimed {@link #MAX_CLAIMS} times whose last lease lapsed
     * (its instances keep dying); answers the runs this call ended, as they are now. One statement
     * ({@code UPDATE ... RETURNING}): when two instances end the same run, only one of them gets it
     * back, so its {@code evaluation.run.finish} event is written once.
     */
    public List<Run> endInterrupted() {
        return runs(
                "UPDATE governance_evaluation_runs SET status = 'error', error = ?, finished_at ="
                        + " now(), lease_until = NULL WHERE status = 'running' AND lease_until < now()"
                        + " AND claims >= ? RETURNING "
                        + RUN_COLUMNS,
                INTERRUPTED,
                MAX_CLAIMS);
    }

    /** The error of a run ended by {@link #endInterrupted}. */
    public static final String INTERRUPTED = "The run was interrupted " + MAX_CLAIMS + " times";

    /**
     * Gives the run back for later (the tenant's evaluation share is spent for now): no owner, not
     * claimable for {@code seconds}, and this claim not counted against {@link #MAX_CLAIMS}.
     */
    public boolean postpone(UUID run, String owner, long seconds) {
        return update(
                        "UPDATE governance_evaluation_runs SET lease_owner = NULL, lease_until = now()"
                                + " + make_interval(secs => ?), claims = greatest(claims - 1, 1) WHERE id"
                                + " = ? AND lease_owner = ? AND status = 'running'",
                        (double) seconds,
                        run,
                        owner)
                == 1;
    }

    /** Renews the lease; false when {@code owner} no longer holds it (lapsed and claimed). */
    public boolean heartbeat(UUID run, String owner, long leaseSeconds) {
        return update(
                        "UPDATE governance_evaluation_runs SET lease_until = now() + make_interval(secs"
                                + " => ?) WHERE id = ? AND lease_owner = ? AND status = 'running'",
                        (double) leaseSeconds,
                        run,
                        owner)
                == 1;
    }

    /**
     * The final status, written only while {@code owner} holds the run: true when this call
     * finished it.
     */
    public boolean finish(UUID run, String owner, String status, String summary, String error) {
        return update(
                        "UPDATE governance_evaluation_runs SET status = ?, summary = ?, error = ?,"
                                + " finished_at = now(), lease_until = NULL WHERE id = ? AND lease_owner = ?"
                                + " AND status = 'running'",
                        status,
                        summary,
                        error,
                        run,
                        owner)
                == 1;
    }

    /**
     * Records a result unless one is recorded for its run, case and side, and only while {@code
     * owner} holds the run (a runner whose lease lapsed records nothing more); true when written.
     */
    public boolean record(Result r, String owner) {
        return update(
                        "INSERT INTO governance_evaluation_results (run_id, case_id, side, tenant_id,"
                                + " outcome, output_sha256, scores, status, policy, error, latency_ms,"
                                + " input_tokens, output_tokens, cost_micros, request_id) SELECT ?, ?, ?,"
                                + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM"
                                + " governance_evaluation_runs WHERE id = ? AND lease_owner = ? AND status"
                                + " = 'running') ON CONFLICT (run_id, case_id, side) DO NOTHING",
                        r.runId(),
                        r.caseId(),
                        r.side(),
                        r.tenantId(),
                        r.outcome(),
                        r.outputSha256(),
                        r.scores(),
                        r.status(),
                        r.policy(),
                        r.error(),
                        r.latencyMs(),
                        r.inputTokens(),
                        r.outputTokens(),
                        r.costMicros(),
                        r.requestId(),
                        r.runId(),
                        owner)
                == 1;
    }

    /** The run of this change's revision and golden set that is queued or running, if any. */
    Optional<UUID> activeRun(UUID changeId, int revision, String goldenSet) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT id FROM governance_evaluation_runs WHERE change_id = ? AND"
                                        + " revision = ? AND golden_set = ? AND status IN ('queued',"
                                        + " 'running')")) {
            ps.setObject(1, changeId);
            ps.setInt(2, revision);
            ps.setString(3, goldenSet);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read evaluation runs", e);
        }
    }

    /** The content of a change's revision (what the candidate side runs). */
    public Optional<String> revisionContent(UUID changeId, int revision) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT content FROM governance_change_revisions WHERE change_id = ?"
                                        + " AND revision = ?")) {
            ps.setObject(1, changeId);
            ps.setInt(2, revision);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read a change's revision", e);
        }
    }

    /** A run of the tenant. */
    public Optional<Run> find(UUID tenant, UUID id) {
        return runs(
                        "SELECT "
                                + RUN_COLUMNS
                                + " FROM governance_evaluation_runs WHERE tenant_id = ? AND id = ?",
                        tenant,
                        id)
                .stream()
                .findFirst();
    }

    /** A change's runs, oldest first. */
    public List<Run> ofChange(UUID tenant, UUID changeId) {
        return runs(
                "SELECT "
                        + RUN_COLUMNS
                        + " FROM governance_evaluation_runs WHERE tenant_id = ? AND change_id = ?"
                        + " ORDER BY created_at, id",
                tenant,
                changeId);
    }

    /** A run's results, by case and side. */
    public List<Result> results(UUID tenant, UUID run) {
        List<Result> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT "
                                        + RESULT_COLUMNS
                                        + " FROM governance_evaluation_results WHERE tenant_id = ? AND"
                                        + " run_id = ? ORDER BY case_id, side")) {
            ps.setObject(1, tenant);
            ps.setObject(2, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new Result(
                                    rs.getObject(1, UUID.class),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getObject(4, UUID.class),
                                    rs.getString(5),
                                    rs.getString(6),
                                    rs.getString(7),
                                    rs.getInt(8),
                                    rs.getString(9),
                                    rs.getString(10),
                                    rs.getLong(11),
                                    rs.getLong(12),
                                    rs.getLong(13),
                                    rs.getLong(14),
                                    rs.getString(15),
                                    rs.getTimestamp(16).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read evaluation results", e);
        }
        return out;
    }

    private List<Run> runs(String sql, Object... params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            List<Run> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new Run(
                                    rs.getObject(1, UUID.class),
                                    rs.getObject(2, UUID.class),
                                    rs.getObject(3, UUID.class),
                                    rs.getInt(4),
                                    rs.getString(5),
                                    rs.getInt(6),
                                    rs.getString(7),
                                    rs.getString(8),
                                    rs.getString(9),
                                    rs.getString(10),
                                    rs.getString(11),
                                    rs.getString(12),
                                    instant(rs.getTimestamp(13)),
                                    rs.getInt(14),
                                    rs.getString(15),
                                    rs.getString(16),
                                    instant(rs.getTimestamp(17)),
                                    instant(rs.getTimestamp(18)),
                                    instant(rs.getTimestamp(19))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read evaluation runs", e);
        }
    }

    private int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot write an evaluation run", e);
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
