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
 * The drift canaries' tables (V72): scheduled runs in {@code governance_evaluation_runs} (once per
 * set and due time: a unique index), their answers ({@code governance_canary_results}), the
 * baseline answers, the measures per run, route and model, and whether each measure is past its
 * threshold ({@code governance_canary_drift}, turned by one statement so that a crossing is
 * reported once across instances). Statements join the caller's JTA transaction when there is one
 * (recording a baseline), else each commits.
 *
 * <p>Long on purpose: one class for the canary tables, as the module's other persistence classes;
 * SQL and row mapping only.
 */
@ApplicationScoped
public class CanaryRows {
    @Resource(lookup = "jdbc/gatehouse")
    DataSource dataSource;

    /** The live version of a set that carries a canary. */
    public record LiveSet(UUID tenantId, String name, int version, String content) {}

    /** One answer of a canary run, as stored. */
    public record Result(
            UUID runId,
            String caseId,
            String watch,
            UUID tenantId,
            String route,
            String model,
            String outcome,
            int status,
            String answer,
            String error,
            long latencyMs,
            long costMicros,
            String requestId) {}

    /** One run's measures of a route and model. */
    public record Measures(
            UUID runId,
            UUID tenantId,
            String goldenSet,
            String route,
            String model,
            Instant scheduledFor,
            String measures) {}

    /** A canary run of the series, newest first. */
    public record RunRow(
            UUID id,
            int goldenSetVersion,
            String status,
            Instant scheduledFor,
            Instant startedAt,
            Instant finishedAt,
            String error) {}

    /** A measure's drift state. */
    public record Drift(
            String route,
            String model,
            String measure,
            boolean crossed,
            Double value,
            double threshold,
            UUID runId,
            Instant since) {}

    /** How a drift state turned: {@code crossed} now, and whether this statement turned it. */
    public record Turn(boolean crossed, boolean turned) {}

    /** The live version of every tenant's sets whose content has a canary. */
    public List<LiveSet> liveWithCanary() {
        List<LiveSet> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT tenant_id, name, version, content FROM (SELECT DISTINCT ON"
                                        + " (tenant_id, name) tenant_id, name, version, content FROM"
                                        + " governance_golden_sets ORDER BY tenant_id, name, version"
                                        + " DESC) s WHERE content LIKE '%\"canary\"%'");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(
                        new LiveSet(
                                rs.getObject(1, UUID.class),
                                rs.getString(2),
                                rs.getInt(3),
                                rs.getString(4)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the canaries", e);
        }
        return out;
    }

    /**
     * Queues the scheduled run of {@code set} due at {@code scheduledFor} unless one is queued for
     * that set and time already (by any instance); true when this call queued it.
     */
    public boolean enqueue(
            UUID id, UUID tenant, String set, int version, Instant scheduledFor, String by) {
        return update(
                        "INSERT INTO governance_evaluation_runs (id, tenant_id, change_id,"
                                + " revision, golden_set, golden_set_version, bound_kind, bound_target,"
                                + " trigger, requested_by, status, scheduled_for) VALUES (?, ?, NULL,"
                                + " 0, ?, ?, 'canary', ?, 'schedule', ?, 'queued', ?) ON CONFLICT"
                                + " (tenant_id, golden_set, scheduled_for) WHERE scheduled_for IS NOT"
                                + " NULL DO NOTHING",
                        id,
                        tenant,
                        set,
                        version,
                        set,
                        by,
                        Timestamp.from(scheduledFor))
                == 1;
    }

    /** The due time a scheduled run was queued for. */
    public Instant scheduledFor(UUID run) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT scheduled_for FROM governance_evaluation_runs WHERE id"
                                        + " = ?")) {
            ps.setObject(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getTimestamp(1) != null
                        ? rs.getTimestamp(1).toInstant()
                        : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read a canary run", e);
        }
    }

    /** Records an answer unless one is recorded for its run, case and watched target. */
    public boolean record(Result r) {
        return update(
                        "INSERT INTO governance_canary_results (run_id, case_id, watch, tenant_id,"
                                + " route, model, outcome, status, answer, error, latency_ms,"
                                + " cost_micros, request_id, answer_sha256, answer_length) VALUES"
                                + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT"
                                + " (run_id, case_id, watch) DO NOTHING",
                        r.runId(),
                        r.caseId(),
                        r.watch(),
                        r.tenantId(),
                        r.route(),
                        r.model(),
                        r.outcome(),
                        r.status(),
                        r.answer(),
                        r.error(),
                        r.latencyMs(),
                        r.costMicros(),
                        r.requestId(),
                        r.answer() == null ? null : sha256(r.answer()),
                        r.answer() == null ? null : r.answer().length())
                == 1;
    }

    /**
     * Drops the answer text of a finished run (V74): the tenant keeps no readable content. With
     * {@code keepHash} its SHA-256 stays (setting hashed or redacted), else only its length (none).
     * Answers how many answers lost their text.
     */
    public int forgetAnswers(UUID tenant, UUID run, boolean keepHash) {
        return update(
                "UPDATE governance_canary_results SET answer = NULL, answer_sha256 = CASE WHEN ?"
                        + " THEN answer_sha256 END WHERE tenant_id = ? AND run_id = ? AND (answer"
                        + " IS NOT NULL OR answer_sha256 IS NOT NULL AND NOT ?)",
                keepHash,
                tenant,
                run,
                keepHash);
    }

    /** How many of the run's answers still have their text (V74: retention may have dropped it). */
    public long keptAnswers(UUID tenant, UUID run) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*) FROM governance_canary_results WHERE tenant_id = ?"
                                        + " AND run_id = ? AND status = 200 AND answer IS NOT"
                                        + " NULL")) {
            ps.setObject(1, tenant);
            ps.setObject(2, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read canary results", e);
        }
    }

    /** The tenants that have canary answers (the retention purge visits each). */
    public List<UUID> tenantsWithResults() {
        List<UUID> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT DISTINCT tenant_id FROM governance_canary_results")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read canary results", e);
        }
        return out;
    }

    /**
     * Deletes the tenant's canary answers recorded before {@code before}, on {@code c} (audit's
     * connection, under the tenant's hold lock: neither committed nor closed here).
     */
    public long purge(Connection c, UUID tenant, Instant before) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "DELETE FROM governance_canary_results WHERE tenant_id = ? AND"
                                + " recorded_at < ?")) {
            ps.setObject(1, tenant);
            ps.setTimestamp(2, Timestamp.from(before));
            return ps.executeUpdate();
        }
    }

    static String sha256(String s) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A run's answers, by watched target and case. */
    public List<Result> results(UUID tenant, UUID run) {
        List<Result> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT run_id, case_id, watch, tenant_id, route, model, outcome,"
                                        + " status, answer, error, latency_ms, cost_micros, request_id"
                                        + " FROM governance_canary_results WHERE tenant_id = ? AND"
                                        + " run_id = ? ORDER BY watch, case_id")) {
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
                                    rs.getString(13)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read canary results", e);
        }
        return out;
    }

    /** A baseline answer: its watched target, case, text and the run it came from. */
    public record Baseline(String watch, String caseId, String answer, UUID runId, Instant at) {}

    /** The set's baseline answers. */
    public List<Baseline> baseline(UUID tenant, String set) {
        List<Baseline> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT watch, case_id, answer, run_id, recorded_at FROM"
                                        + " governance_canary_baselines WHERE tenant_id = ? AND"
                                        + " golden_set = ?")) {
            ps.setObject(1, tenant);
            ps.setString(2, set);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new Baseline(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getObject(4, UUID.class),
                                    rs.getTimestamp(5).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read a canary baseline", e);
        }
        return out;
    }

    /**
     * Takes the answers of {@code run} as the baseline of the cases that have none yet (the first
     * run's answers); answers how many became baseline.
     */
    public int seedBaseline(UUID tenant, String set, UUID run, String by) {
        return update(
                "INSERT INTO governance_canary_baselines (tenant_id, golden_set, watch, case_id,"
                        + " answer, run_id, recorded_by) SELECT tenant_id, ?, watch, case_id, answer,"
                        + " run_id, ? FROM governance_canary_results WHERE tenant_id = ? AND run_id = ?"
                        + " AND status = 200 AND answer IS NOT NULL ON CONFLICT DO NOTHING",
                set,
                by,
                tenant,
                run);
    }

    /** Forgets the set's baseline (in the caller's transaction, before a new one is seeded). */
    public int clearBaseline(UUID tenant, String set) {
        return update(
                "DELETE FROM governance_canary_baselines WHERE tenant_id = ? AND golden_set = ?",
                tenant,
                set);
    }

    /** The set's scheduled runs, newest first. */
    public List<RunRow> runs(UUID tenant, String set, int limit) {
        List<RunRow> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT id, golden_set_version, status, scheduled_for, started_at,"
                                        + " finished_at, error FROM governance_evaluation_runs WHERE"
                                        + " tenant_id = ? AND golden_set = ? AND trigger = 'schedule'"
                                        + " ORDER BY scheduled_for DESC LIMIT ?")) {
            ps.setObject(1, tenant);
            ps.setString(2, set);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new RunRow(
                                    rs.getObject(1, UUID.class),
                                    rs.getInt(2),
                                    rs.getString(3),
                                    instant(rs.getTimestamp(4)),
                                    instant(rs.getTimestamp(5)),
                                    instant(rs.getTimestamp(6)),
                                    rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read canary runs", e);
        }
        return out;
    }

    /** The set's newest finished (passed or failed) scheduled run. */
    public Optional<UUID> lastFinished(UUID tenant, String set) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT id FROM governance_evaluation_runs WHERE tenant_id = ? AND"
                                        + " golden_set = ? AND trigger = 'schedule' AND status IN"
                                        + " ('passed', 'failed') ORDER BY scheduled_for DESC LIMIT"
                                        + " 1")) {
            ps.setObject(1, tenant);
            ps.setString(2, set);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read canary runs", e);
        }
    }

    /** Whether {@code run} is a finished scheduled run of the set. */
    public boolean isFinishedRunOf(UUID tenant, String set, UUID run) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT 1 FROM governance_evaluation_runs WHERE tenant_id = ? AND"
                                        + " golden_set = ? AND id = ? AND trigger = 'schedule' AND"
                                        + " status IN ('passed', 'failed')")) {
            ps.setObject(1, tenant);
            ps.setString(2, set);
            ps.setObject(3, run);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read canary runs", e);
        }
    }

    /** Stores a run's measures of a route and model (once). */
    public void insertMeasures(Measures m) {
        update(
                "INSERT INTO governance_canary_measures (run_id, tenant_id, golden_set, route,"
                        + " model, scheduled_for, measures) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO"
                        + " NOTHING",
                m.runId(),
                m.tenantId(),
                m.goldenSet(),
                m.route(),
                m.model(),
                Timestamp.from(m.scheduledFor()),
                m.measures());
    }

    /** The measures of the set's newest runs (up to {@code runs} of them), newest first. */
    public List<Measures> series(UUID tenant, String set, int runs) {
        return measures(
                "SELECT run_id, tenant_id, golden_set, route, model, scheduled_for, measures FROM"
                        + " governance_canary_measures WHERE tenant_id = ? AND golden_set = ? AND"
                        + " scheduled_for IN (SELECT DISTINCT scheduled_for FROM"
                        + " governance_canary_measures WHERE tenant_id = ? AND golden_set = ? ORDER BY"
                        + " scheduled_for DESC LIMIT ?) ORDER BY scheduled_for DESC, route, model",
                tenant,
                set,
                tenant,
                set,
                runs);
    }

    /** The measures of one run. */
    public List<Measures> ofRun(UUID run) {
        return measures(
                "SELECT run_id, tenant_id, golden_set, route, model, scheduled_for, measures FROM"
                        + " governance_canary_measures WHERE run_id = ?",
                run);
    }

    /**
     * The newest measures of each route and model of every live set with a canary (the gauges),
     * from runs of the last {@code days} days.
     */
    public List<Measures> latest(int days) {
        return measures(
                "SELECT DISTINCT ON (m.tenant_id, m.golden_set, m.route, m.model) m.run_id,"
                        + " m.tenant_id, m.golden_set, m.route, m.model, m.scheduled_for, m.measures"
                        + " FROM governance_canary_measures m WHERE m.scheduled_for > now() -"
                        + " make_interval(days => ?) ORDER BY m.tenant_id, m.golden_set, m.route,"
                        + " m.model, m.scheduled_for DESC",
                days);
    }

    /**
     * Sets a measure's drift state as of the run due at {@code asOf} (an older run than the one
     * that last set it changes nothing) and answers whether this statement turned it: the first
     * state recorded counts as turned only when it is crossed.
     */
    public Optional<Turn> turn(
            UUID tenant,
            String set,
            String route,
            String model,
            String measure,
            boolean crossed,
            double value,
            double threshold,
            UUID run,
            Instant asOf) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO governance_canary_drift AS d (tenant_id, golden_set,"
                                        + " route, model, measure, crossed, changed, value, threshold,"
                                        + " run_id, as_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON"
                                        + " CONFLICT (tenant_id, golden_set, route, model, measure) DO"
                                        + " UPDATE SET changed = (d.crossed <> EXCLUDED.crossed), since"
                                        + " = CASE WHEN d.crossed <> EXCLUDED.crossed THEN now() ELSE"
                                        + " d.since END, crossed = EXCLUDED.crossed, value ="
                                        + " EXCLUDED.value, threshold = EXCLUDED.threshold, run_id ="
                                        + " EXCLUDED.run_id, as_of = EXCLUDED.as_of WHERE d.as_of <"
                                        + " EXCLUDED.as_of RETURNING crossed, changed")) {
            ps.setObject(1, tenant);
            ps.setString(2, set);
            ps.setString(3, route);
            ps.setString(4, model);
            ps.setString(5, measure);
            ps.setBoolean(6, crossed);
            ps.setBoolean(7, crossed);
            ps.setDouble(8, value);
            ps.setDouble(9, threshold);
            ps.setObject(10, run);
            ps.setTimestamp(11, Timestamp.from(asOf));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Turn(rs.getBoolean(1), rs.getBoolean(2)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot write a canary's drift state", e);
        }
    }

    /** The set's drift states. */
    public List<Drift> drift(UUID tenant, String set) {
        List<Drift> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT route, model, measure, crossed, value, threshold, run_id,"
                                        + " since FROM governance_canary_drift WHERE tenant_id = ? AND"
                                        + " golden_set = ? ORDER BY route, model, measure")) {
            ps.setObject(1, tenant);
            ps.setString(2, set);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double v = rs.getDouble(5);
                    out.add(
                            new Drift(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getBoolean(4),
                                    rs.wasNull() ? null : v,
                                    rs.getDouble(6),
                                    rs.getObject(7, UUID.class),
                                    rs.getTimestamp(8).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read a canary's drift state", e);
        }
        return out;
    }

    private List<Measures> measures(String sql, Object... params) {
        List<Measures> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new Measures(
                                    rs.getObject(1, UUID.class),
                                    rs.getObject(2, UUID.class),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5),
                                    rs.getTimestamp(6).toInstant(),
                                    rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read canary measures", e);
        }
        return out;
    }

    private int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot write a canary", e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
