package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A state change and its audit event commit together (docs/audit.md): when the event cannot be
 * appended, the change is rolled back. The append is made to fail for one marked action only, by a
 * trigger on {@code audit_events} that the owner role installs for the test and drops afterwards;
 * everything else keeps recording. Also: signing a checkpoint is idempotent per chain head.
 */
class AuditTransactionsIT {
    private static final Http HTTP = Http.local();

    /** Runs {@code body} while appends whose details contain {@code marker} fail. */
    private static void withFailingAppends(String marker, Callable<Void> body) throws Exception {
        String s = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String fn = "it_refuse_marked_" + s;
        try (Connection c = Db.asOwner();
                Statement st = c.createStatement()) {
            st.execute(
                    "CREATE FUNCTION "
                            + fn
                            + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " IF NEW.details::text LIKE '%"
                            + marker
                            + "%' THEN RAISE EXCEPTION 'test: this audit append fails'; END IF;"
                            + " RETURN NEW; END $$");
            st.execute(
                    "CREATE TRIGGER "
                            + fn
                            + " BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION "
                            + fn
                            + "()");
        }
        try {
            body.call();
        } finally {
            try (Connection c = Db.asOwner();
                    Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER IF EXISTS " + fn + " ON audit_events");
                st.execute("DROP FUNCTION IF EXISTS " + fn + "()");
            }
        }
    }

    /**
     * Runs {@code body} while rows of {@code table} whose {@code column} is {@code marker} fail at
     * commit: a deferred constraint trigger, so the state change fails after its event was
     * appended. An event appended outside the state's transaction would survive; it must not.
     */
    private static void withFailingCommits(
            String table, String column, String marker, Callable<Void> body) throws Exception {
        String s = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String fn = "it_refuse_at_commit_" + s;
        try (Connection c = Db.asOwner();
                Statement st = c.createStatement()) {
            st.execute(
                    "CREATE FUNCTION "
                            + fn
                            + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " IF NEW."
                            + column
                            + " = '"
                            + marker
                            + "' THEN RAISE EXCEPTION 'test: this commit fails'; END IF;"
                            + " RETURN NULL; END $$");
            st.execute(
                    "CREATE CONSTRAINT TRIGGER "
                            + fn
                            + " AFTER INSERT ON "
                            + table
                            + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "
                            + fn
                            + "()");
        }
        try {
            body.call();
        } finally {
            try (Connection c = Db.asOwner();
                    Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER IF EXISTS " + fn + " ON " + table);
                st.execute("DROP FUNCTION IF EXISTS " + fn + "()");
            }
        }
    }

    private static long eventsMentioning(String marker) throws Exception {
        try (Connection c = Db.asApp()) {
            return Db.count(
                    c,
                    "SELECT count(*) FROM audit_events WHERE details::text LIKE ?",
                    "%" + marker + "%");
        }
    }

    /** The other direction: a key whose row fails at commit leaves no event either. */
    @Test
    void aKeyThatFailsAtCommitLeavesNoEvent() throws Exception {
        TestTenant t = TestTenant.fresh();
        String marker = "commit-must-fail-" + UUID.randomUUID();
        String[] admin = t.auth("admin");
        withFailingCommits(
                "edge_api_keys",
                "name",
                marker,
                () -> {
                    Http.Response refused =
                            HTTP.post("/api/v1/keys", "{\"name\":\"" + marker + "\"}", admin);
                    assertThat(refused.status()).as(refused.toString()).isBetween(500, 599);
                    assertThat(refused.header("Content-Type"))
                            .startsWith("application/problem+json");
                    assertThat(refused.body()).doesNotContain("Exception");
                    return null;
                });
        assertThat(HTTP.get("/api/v1/keys", admin).body()).doesNotContain(marker);
        assertThat(eventsMentioning(marker)).as("the event rolled back with its key").isZero();
        // positive control: the same call without the trigger records both
        String unmarked = "commit-ok-" + UUID.randomUUID();
        assertThat(HTTP.post("/api/v1/keys", "{\"name\":\"" + unmarked + "\"}", admin).status())
                .isEqualTo(201);
        assertThat(eventsMentioning(unmarked)).isEqualTo(1);
    }

    /** The same for the audit module's own JDBC path: a hold that fails at commit. */
    @Test
    void aLegalHoldThatFailsAtCommitLeavesNoEvent() throws Exception {
        TestTenant t = TestTenant.fresh();
        String marker = "commit-must-fail-" + UUID.randomUUID();
        String[] auditor = t.auth("auditor");
        withFailingCommits(
                "audit_legal_holds",
                "reason",
                marker,
                () -> {
                    Http.Response refused =
                            HTTP.post(
                                    "/api/v1/audit/retention/holds",
                                    "{\"reason\":\"" + marker + "\"}",
                                    auditor);
                    assertThat(refused.status()).as(refused.toString()).isBetween(500, 599);
                    return null;
                });
        assertThat(HTTP.get("/api/v1/audit/retention/holds", auditor).body())
                .doesNotContain(marker);
        assertThat(eventsMentioning(marker)).as("the event rolled back with its hold").isZero();
        String unmarked = "commit-ok-" + UUID.randomUUID();
        assertThat(
                        HTTP.post(
                                        "/api/v1/audit/retention/holds",
                                        "{\"reason\":\"" + unmarked + "\"}",
                                        auditor)
                                .status())
                .isEqualTo(201);
        assertThat(eventsMentioning(unmarked)).isEqualTo(1);
    }

    /** The JTA path ({@code recordInTransaction}): creating an API key. */
    @Test
    void aKeyWhoseEventCannotBeAppendedIsNotCreated() throws Exception {
        TestTenant t = TestTenant.fresh();
        String marker = "append-must-fail-" + UUID.randomUUID();
        String[] admin = t.auth("admin");
        withFailingAppends(
                marker,
                () -> {
                    Http.Response refused =
                            HTTP.post("/api/v1/keys", "{\"name\":\"" + marker + "\"}", admin);
                    assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
                    assertThat(refused.json().getString("code")).isEqualTo("audit_unavailable");
                    // positive control: an unmarked key is created while the trigger is in place
                    assertThat(HTTP.post("/api/v1/keys", "{\"name\":\"unmarked\"}", admin).status())
                            .isEqualTo(201);
                    return null;
                });
        assertThat(HTTP.get("/api/v1/keys", admin).body())
                .contains("unmarked")
                .doesNotContain(marker);
        try (Connection c = Db.asApp()) {
            assertThat(Db.count(c, "SELECT count(*) FROM edge_api_keys WHERE name = ?", marker))
                    .as("the key row rolled back with its event")
                    .isZero();
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE details::text LIKE ?",
                                    "%" + marker + "%"))
                    .isZero();
        }
    }

    /** The audit module's own JDBC path ({@code AuditAppend}): placing a legal hold. */
    @Test
    void aLegalHoldWhoseEventCannotBeAppendedIsNotPlaced() throws Exception {
        TestTenant t = TestTenant.fresh();
        String marker = "append-must-fail-" + UUID.randomUUID();
        String[] auditor = t.auth("auditor");
        withFailingAppends(
                marker,
                () -> {
                    Http.Response refused =
                            HTTP.post(
                                    "/api/v1/audit/retention/holds",
                                    "{\"reason\":\"" + marker + "\"}",
                                    auditor);
                    assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
                    // positive control
                    assertThat(
                                    HTTP.post(
                                                    "/api/v1/audit/retention/holds",
                                                    "{\"reason\":\"unmarked\"}",
                                                    auditor)
                                            .status())
                            .isEqualTo(201);
                    return null;
                });
        assertThat(HTTP.get("/api/v1/audit/retention/holds", auditor).body())
                .contains("unmarked")
                .doesNotContain(marker);
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_legal_holds WHERE tenant_id = ?::uuid",
                                    t.id()))
                    .as("only the unmarked hold exists")
                    .isEqualTo(1);
        }
    }

    /**
     * Signing twice, or many times at once, for the same head makes one checkpoint, and every call
     * answers that stored checkpoint.
     */
    @Test
    void signingOneHeadTwiceOrAtOnceMakesOneCheckpoint() throws Exception {
        TestTenant t = TestTenant.fresh();
        String[] auditor = t.auth("auditor"); // the login is an event: before the head is read
        Http.Response first = HTTP.post("/api/v1/audit/checkpoints", "", auditor);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        Http.Response second = HTTP.post("/api/v1/audit/checkpoints", "", auditor);
        assertThat(second.body())
                .as("the second call answers the stored checkpoint")
                .isEqualTo(first.body());
        long headSeq = first.json().getJsonNumber("headSeq").longValue();
        assertThat(checkpoints(t.id(), headSeq)).isEqualTo(1);

        // a new head, then eight calls at once on it
        assertThat(
                        HTTP.post("/api/v1/keys", "{\"name\":\"moves the head\"}", t.auth("admin"))
                                .status())
                .isEqualTo(201);
        int n = 8;
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<Http.Response>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                calls.add(
                        pool.submit(
                                () -> {
                                    start.await(30, TimeUnit.SECONDS);
                                    return HTTP.post("/api/v1/audit/checkpoints", "", auditor);
                                }));
            }
            List<String> bodies = new ArrayList<>();
            for (Future<Http.Response> f : calls) {
                Http.Response r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                bodies.add(r.body());
            }
            long newHead =
                    HTTP.post("/api/v1/audit/checkpoints", "", auditor)
                            .json()
                            .getJsonNumber("headSeq")
                            .longValue();
            assertThat(newHead).isGreaterThan(headSeq);
            assertThat(bodies)
                    .as("every concurrent call answers the one stored checkpoint")
                    .containsOnly(bodies.get(0));
            assertThat(checkpoints(t.id(), newHead)).isEqualTo(1);
            assertThat(HTTP.get("/api/v1/audit/verify", auditor).json().getBoolean("valid"))
                    .isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    private static long checkpoints(String chain, long headSeq) throws Exception {
        try (Connection c = Db.asApp()) {
            return Db.count(
                    c,
                    "SELECT count(*) FROM audit_checkpoints WHERE chain_id = ? AND head_seq = ?",
                    chain,
                    headSeq);
        }
    }
}
