package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The set of suspended tenants fails closed (docs/security.md, "Suspension"): when the server must
 * re-read it and cannot, every authenticated request is refused with 503 rather than let through
 * with a set that may be missing a suspension.
 *
 * <p>Only the re-read is made to fail, not the whole database: a row-level security policy,
 * installed by the owner role for this test and removed afterwards, raises an error for any read of
 * one suspended tenant's row. Reads of other tenants' rows (the request's own tenant, the slug
 * cache) and the audit trail work as before, so the 503 can come only from the suspended-tenant
 * check: a build that treated an unreadable set as empty would answer 200.
 */
class SuspendedTenantsFailClosedIT {
    private static final Http HTTP = Http.local();

    @Test
    void anUnreadableSuspendedListRefusesRequestsWith503AndRecoversWhenReadable() throws Exception {
        String[] platform = {
            "Authorization",
            "Bearer "
                    + TestTenant.login(
                            TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD)
        };
        TestTenant caller = TestTenant.fresh();
        TestTenant victim = TestTenant.fresh();
        String[] victimToken = victim.auth("admin");
        assertThat(patch(victim.id(), "suspended", platform)).isEqualTo(200);
        // this instance has re-read the set since the suspension (change feed), so it is not
        // stale when the guard below is installed
        Http.Response cut = await(victimToken, status -> status == 403);
        assertThat(cut.status()).as(cut.toString()).isEqualTo(403);
        String[] token = caller.auth("admin");
        assertThat(HTTP.get("/api/v1/me", token).status())
                .as("positive control: the caller's tenant is active")
                .isEqualTo(200);

        String s = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String fn = "it_tenant_read_fails_" + s;
        String policy = "it_tenant_read_fails_" + s;
        try {
            try (Connection c = Db.asOwner();
                    Statement st = c.createStatement()) {
                st.execute(
                        "CREATE FUNCTION "
                                + fn
                                + "(row_id uuid) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN"
                                + " IF row_id = '"
                                + victim.id()
                                + "'::uuid THEN RAISE EXCEPTION 'test: this tenant row cannot be"
                                + " read'; END IF; RETURN true; END $$");
                st.execute("GRANT EXECUTE ON FUNCTION " + fn + "(uuid) TO PUBLIC");
                st.execute(
                        "CREATE POLICY "
                                + policy
                                + " ON edge_tenants FOR ALL USING ("
                                + fn
                                + "(id)) WITH CHECK (true)");
                st.execute("ALTER TABLE edge_tenants ENABLE ROW LEVEL SECURITY");
            }
            // A tenant status change on any instance reaches this one as a row of the change feed,
            // which makes it re-read the set. The row is written here directly: an API call would
            // itself need the set, and this instance may already be re-reading it (the feed
            // delivers the victim's own suspension a second time, up to half a second later).
            try (Connection c = Db.asOwner();
                    Statement st = c.createStatement()) {
                st.execute("INSERT INTO shared_change_feed (topic) VALUES ('tenant')");
            }
            Http.Response refused = await(token, status -> status == 503);
            assertThat(refused.status())
                    .as("while the suspended set cannot be read: " + refused)
                    .isEqualTo(503);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.json().getString("code", refused.json().toString()))
                    .isEqualTo("database_unavailable");
            assertThat(refused.body()).doesNotContain("Exception").doesNotContain("at io.");
            // API keys take the same check
            Http.Response byKey =
                    HTTP.post(
                            "/v1/chat/completions",
                            "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                            caller.keyAuth());
            assertThat(byKey.status()).as(byKey.toString()).isEqualTo(503);
        } finally {
            try (Connection c = Db.asOwner();
                    Statement st = c.createStatement()) {
                st.execute("ALTER TABLE edge_tenants DISABLE ROW LEVEL SECURITY");
                st.execute("DROP POLICY IF EXISTS " + policy + " ON edge_tenants");
                st.execute("DROP FUNCTION IF EXISTS " + fn + "(uuid)");
            }
        }
        Http.Response back = await(token, status -> status == 200);
        assertThat(back.status()).as("readable again: " + back).isEqualTo(200);
        assertThat(patch(victim.id(), "active", platform)).isEqualTo(200);
    }

    private static int patch(String tenantId, String status, String[] auth) {
        return HTTP.method(
                        "PATCH",
                        "/api/v1/tenants/" + tenantId,
                        "{\"status\":\"" + status + "\"}",
                        auth)
                .status();
    }

    /** Asks until the answer's status satisfies {@code done}, for at most 15 s; the last answer. */
    private static Http.Response await(String[] token, IntPredicate done)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            Http.Response r = HTTP.get("/api/v1/me", token);
            if (done.test(r.status()) || System.currentTimeMillis() > deadline) {
                return r;
            }
            Thread.sleep(100); // poll interval, not the time under test
        }
    }
}
