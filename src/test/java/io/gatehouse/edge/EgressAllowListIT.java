package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The per-tenant egress allow-list API: platform admins only (200, 401, 403 for a tenant admin on
 * its own and another tenant, 404 for an unknown tenant), destinations checked (400 problem JSON)
 * and stored in canonical form, every change audited in the tenant's chain; a replacement based on
 * a stale read (If-Match with an older ETag) is refused with 409 problem JSON.
 */
class EgressAllowListIT {
    static final Http HTTP = Http.local();

    static String[] platform() {
        return new String[] {
            "Authorization",
            "Bearer "
                    + TestTenant.login(
                            TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD)
        };
    }

    static String path(String tenantId) {
        return "/api/v1/platform/tenants/" + tenantId + "/egress-allowlist";
    }

    static Http.Response put(String tenantId, String entries, String... auth) {
        return HTTP.method("PUT", path(tenantId), "{\"entries\":" + entries + "}", auth);
    }

    @Test
    void platformAdminsReadAndReplaceTheListInCanonicalForm() {
        TestTenant t = TestTenant.fresh();
        Http.Response empty = HTTP.get(path(t.id()), platform());
        assertThat(empty.status()).as(empty.toString()).isEqualTo(200);
        assertThat(empty.json().getString("tenantId")).isEqualTo(t.id());
        assertThat(empty.json().getJsonArray("entries")).isEmpty();

        Http.Response set =
                put(
                        t.id(),
                        "[{\"destination\":\"10.20.0.0/16\",\"note\":\"GPU pool\"},"
                                + "{\"destination\":\"Models.Corp.Example\",\"port\":8000},"
                                + "{\"destination\":\"10.1.2.3/8\",\"port\":443}]",
                        platform());
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        Http.Response read = HTTP.get(path(t.id()), platform());
        for (JsonObject list : new JsonObject[] {set.json(), read.json()}) {
            JsonArray e = list.getJsonArray("entries");
            assertThat(e).hasSize(3);
            assertThat(e.getJsonObject(0).getString("destination")).isEqualTo("10.20.0.0/16");
            assertThat(e.getJsonObject(0).getString("note")).isEqualTo("GPU pool");
            assertThat(e.getJsonObject(1).getString("destination"))
                    .isEqualTo("models.corp.example");
            assertThat(e.getJsonObject(1).getInt("port")).isEqualTo(8000);
            assertThat(e.getJsonObject(2).getString("destination")).isEqualTo("10.0.0.0/8");
            assertThat(list.getString("updatedBy")).isNotBlank();
        }
        assertThat(put(t.id(), "[]", platform()).json().getJsonArray("entries")).isEmpty();
        assertThat(HTTP.get(path(t.id()), platform()).json().getJsonArray("entries")).isEmpty();
    }

    @Test
    void onlyPlatformAdminsMayReadOrChangeIt() {
        TestTenant a = TestTenant.fresh();
        TestTenant b = TestTenant.fresh();
        assertThat(HTTP.get(path(a.id())).status()).isEqualTo(401);
        assertThat(put(a.id(), "[{\"destination\":\"10.0.0.0/8\"}]").status()).isEqualTo(401);
        for (TestTenant who : new TestTenant[] {a, b}) {
            // a tenant admin may configure URLs, never which internal networks they may reach
            Http.Response read = HTTP.get(path(a.id()), who.auth("admin"));
            assertThat(read.status()).as(read.toString()).isEqualTo(403);
            Http.Response write =
                    put(a.id(), "[{\"destination\":\"10.0.0.0/8\"}]", who.auth("admin"));
            assertThat(write.status()).as(write.toString()).isEqualTo(403);
        }
        assertThat(put(a.id(), "[{\"destination\":\"127.0.0.1\"}]", a.keyAuth()).status())
                .isIn(401, 403);
        assertThat(HTTP.get(path(a.id()), platform()).json().getJsonArray("entries")).isEmpty();
    }

    @Test
    void anUnknownTenantIsNotFound() {
        String unknown = UUID.randomUUID().toString();
        assertThat(HTTP.get(path(unknown), platform()).status()).isEqualTo(404);
        assertThat(put(unknown, "[{\"destination\":\"10.0.0.0/8\"}]", platform()).status())
                .isEqualTo(404);
        assertThat(HTTP.get(path("not-a-tenant"), platform()).status()).isEqualTo(404);
    }

    @Test
    void invalidEntriesAreRefusedWithProblemJsonNamingTheField() {
        TestTenant t = TestTenant.fresh();
        assertThat(put(t.id(), "[{\"destination\":\"10.9.0.0/16\"}]", platform()).status())
                .isEqualTo(200);
        for (String bad :
                new String[] {
                    "10.0.0.0/33",
                    "10.0.0.0/x",
                    "0.0.0.0/0",
                    "::/0",
                    "256.1.1.1",
                    "not a host!",
                    "*.com",
                    ""
                }) {
            Http.Response r =
                    put(
                            t.id(),
                            "[{\"destination\":\"10.1.0.0/16\"},{\"destination\":\"" + bad + "\"}]",
                            platform());
            assertThat(r.status()).as(bad + ": " + r).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.json().getString("param")).isEqualTo("entries[1].destination");
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        Http.Response port =
                put(t.id(), "[{\"destination\":\"10.1.0.0/16\",\"port\":0}]", platform());
        assertThat(port.status()).isEqualTo(400);
        assertThat(port.json().getString("param")).isEqualTo("entries[0].port");
        Http.Response dup =
                put(
                        t.id(),
                        "[{\"destination\":\"10.1.2.3/8\"},{\"destination\":\"10.0.0.0/8\"}]",
                        platform());
        assertThat(dup.status()).isEqualTo(400);
        assertThat(HTTP.method("PUT", path(t.id()), "{}", platform()).status()).isEqualTo(400);
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 101; i++) {
            many.append(i == 0 ? "" : ",")
                    .append("{\"destination\":\"10.0.")
                    .append(i)
                    .append(".0/24\"}");
        }
        assertThat(put(t.id(), many.append("]").toString(), platform()).status()).isEqualTo(400);
        // nothing refused was stored
        JsonArray stored = HTTP.get(path(t.id()), platform()).json().getJsonArray("entries");
        assertThat(stored).hasSize(1);
        assertThat(stored.getJsonObject(0).getString("destination")).isEqualTo("10.9.0.0/16");
    }

    static String[] with(String[] auth, String... more) {
        String[] all = java.util.Arrays.copyOf(auth, auth.length + more.length);
        System.arraycopy(more, 0, all, auth.length, more.length);
        return all;
    }

    @Test
    void aReplacementBasedOnAStaleReadIsRefused() {
        TestTenant t = TestTenant.fresh();
        Http.Response never = HTTP.get(path(t.id()), platform());
        assertThat(never.status()).isEqualTo(200);
        String first = never.header("ETag");
        assertThat(first).isEqualTo("\"never\"");
        // "*" means "the list exists": it was never set
        Http.Response star =
                put(
                        t.id(),
                        "[{\"destination\":\"10.9.0.0/16\"}]",
                        with(platform(), "If-Match", "*"));
        assertThat(star.status()).as(star.toString()).isEqualTo(409);

        // two platform admins read the same version
        Http.Response mine =
                put(
                        t.id(),
                        "[{\"destination\":\"10.1.0.0/16\"},{\"destination\":\"10.2.0.0/16\"}]",
                        with(platform(), "If-Match", first));
        assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
        String read = HTTP.get(path(t.id()), platform()).header("ETag");
        assertThat(read).isEqualTo(mine.header("ETag")).isNotEqualTo(first);

        // the first removes 10.2.0.0/16; the second, from the same read, adds 10.3.0.0/16 and would
        // bring the removed entry back: refused, with problem JSON and nothing changed
        Http.Response removal =
                put(
                        t.id(),
                        "[{\"destination\":\"10.1.0.0/16\"}]",
                        with(platform(), "If-Match", read));
        assertThat(removal.status()).as(removal.toString()).isEqualTo(200);
        Http.Response stale =
                put(
                        t.id(),
                        "[{\"destination\":\"10.1.0.0/16\"},{\"destination\":\"10.2.0.0/16\"},"
                                + "{\"destination\":\"10.3.0.0/16\"}]",
                        with(platform(), "If-Match", read));
        assertThat(stale.status()).as(stale.toString()).isEqualTo(409);
        assertThat(stale.header("Content-Type")).startsWith("application/problem+json");
        assertThat(stale.json().getString("code")).isEqualTo("stale_allowlist");
        assertThat(stale.body()).doesNotContain("Exception").doesNotContain("\tat ");
        Http.Response now = HTTP.get(path(t.id()), platform());
        assertThat(now.json().getJsonArray("entries")).hasSize(1);
        assertThat(now.header("ETag")).isEqualTo(removal.header("ETag"));

        // read again, redo: accepted (also as a weak tag or among several)
        Http.Response redo =
                put(
                        t.id(),
                        "[{\"destination\":\"10.1.0.0/16\"},{\"destination\":\"10.3.0.0/16\"}]",
                        with(platform(), "If-Match", "\"x\", W/" + now.header("ETag")));
        assertThat(redo.status()).as(redo.toString()).isEqualTo(200);
        assertThat(redo.json().getJsonArray("entries")).hasSize(2);
        // without If-Match the replacement stays unconditional (API clients of before)
        assertThat(put(t.id(), "[]", platform()).status()).isEqualTo(200);
    }

    /**
     * Two first-ever saves of a list that has no row yet, at the same time (several rounds, each on
     * a fresh tenant): never a 500 from the second insert. Unconditional saves both succeed one
     * after the other; saves based on the same "never" read: one is stored, the other is refused
     * with 409 {@code stale_allowlist}.
     */
    @Test
    void twoConcurrentFirstSavesAreSerialised() throws Exception {
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                boolean conditional = round % 2 == 1;
                TestTenant t = TestTenant.fresh();
                String[] auth =
                        conditional ? with(platform(), "If-Match", "\"never\"") : platform();
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                java.util.List<java.util.concurrent.Future<Http.Response>> saves =
                        new java.util.ArrayList<>();
                for (String net : new String[] {"10.41.0.0/16", "10.42.0.0/16"}) {
                    saves.add(
                            pool.submit(
                                    () -> {
                                        go.await();
                                        return put(
                                                t.id(),
                                                "[{\"destination\":\"" + net + "\"}]",
                                                auth);
                                    }));
                }
                go.countDown();
                java.util.List<Integer> statuses = new java.util.ArrayList<>();
                for (java.util.concurrent.Future<Http.Response> f : saves) {
                    Http.Response r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                    assertThat(r.status()).as(r.toString()).isIn(200, 409);
                    if (r.status() == 409) {
                        assertThat(r.json().getString("code")).isEqualTo("stale_allowlist");
                    }
                    statuses.add(r.status());
                }
                if (conditional) {
                    assertThat(statuses).containsExactlyInAnyOrder(200, 409);
                } else {
                    assertThat(statuses).containsExactly(200, 200);
                }
                JsonArray stored =
                        HTTP.get(path(t.id()), platform()).json().getJsonArray("entries");
                assertThat(stored).hasSize(1);
                assertThat(stored.getJsonObject(0).getString("destination"))
                        .isIn("10.41.0.0/16", "10.42.0.0/16");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theConditionalReplacementKeepsItsAccessRules() {
        TestTenant a = TestTenant.fresh();
        TestTenant b = TestTenant.fresh();
        String tag = HTTP.get(path(a.id()), platform()).header("ETag");
        String body = "[{\"destination\":\"10.0.0.0/8\"}]";
        assertThat(put(a.id(), body, "If-Match", tag).status()).isEqualTo(401);
        for (TestTenant who : new TestTenant[] {a, b}) {
            Http.Response r = put(a.id(), body, with(who.auth("admin"), "If-Match", tag));
            assertThat(r.status()).as(r.toString()).isEqualTo(403);
        }
        assertThat(
                        put(UUID.randomUUID().toString(), body, with(platform(), "If-Match", tag))
                                .status())
                .isEqualTo(404);
        Http.Response ok = put(a.id(), body, with(platform(), "If-Match", tag));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.header("ETag")).isNotBlank().isNotEqualTo(tag);
    }

    @Test
    void everyChangeIsAuditedInTheTenantsChain() {
        TestTenant t = TestTenant.fresh();
        String[] platform = platform();
        String platformAdmin = HTTP.get("/api/v1/me", platform).json().getString("userId");
        assertThat(put(t.id(), "[{\"destination\":\"10.20.0.0/16\"}]", platform).status())
                .isEqualTo(200);
        Http.Response r =
                HTTP.method(
                        "PUT",
                        path(t.id()),
                        "{\"entries\":[{\"destination\":\"192.168.5.0/24\",\"port\":8443}]}",
                        platform[0],
                        platform[1]);
        assertThat(r.status()).isEqualTo(200);
        String rid = r.header("x-request-id"); // the server's own id (a client's is kept apart)
        // the tenant's own auditor sees who opened which network for the tenant
        Http.Response events =
                HTTP.get(
                        "/api/v1/audit/events?action=egress.allowlist.update&requestId=" + rid,
                        t.auth("auditor"));
        assertThat(events.status()).as(events.toString()).isEqualTo(200);
        JsonArray list = events.json().getJsonArray("events");
        assertThat(list).hasSize(1);
        JsonObject e = list.getJsonObject(0);
        assertThat(e.getString("actor")).isEqualTo(platformAdmin);
        assertThat(e.getString("targetType")).isEqualTo("tenant");
        assertThat(e.getString("targetId")).isEqualTo(t.id());
        JsonObject d = e.getJsonObject("details");
        assertThat(d.getJsonArray("entries").getString(0)).isEqualTo("192.168.5.0/24:8443");
        assertThat(d.getJsonArray("added").getString(0)).isEqualTo("192.168.5.0/24:8443");
        assertThat(d.getJsonArray("removed").getString(0)).isEqualTo("10.20.0.0/16");
        // refused changes leave no event behind
        put(t.id(), "[{\"destination\":\"10.0.0.0/33\"}]", platform);
        assertThat(
                        HTTP.get(
                                        "/api/v1/audit/events?action=egress.allowlist.update",
                                        t.auth("auditor"))
                                .json()
                                .getJsonArray("events"))
                .hasSize(2);
    }
}
