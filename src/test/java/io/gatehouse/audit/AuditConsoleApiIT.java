package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.chain.OfflineVerifier;
import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.HttpFrom;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit side of the operators' and auditors' console (issue 22) over HTTP: actors by name and
 * role beside the hashed form (search, JSON Lines and CSV exports, the chain still verifying),
 * single-use export tickets instead of bearer tokens in URLs, and the event detail endpoint. Each
 * with 401, 403, another tenant's object (404) and bad input.
 */
class AuditConsoleApiIT {
    static final Http HTTP = Http.local();

    static TestTenant t;
    static TestTenant other;
    static String keyEventId;
    static String gatewayEventId;

    @TempDir Path dir;

    @BeforeAll
    static void events() throws Exception {
        t = TestTenant.fresh();
        other = TestTenant.fresh();
        Http.Response created =
                HTTP.post(
                        "/api/v1/keys",
                        "{\"name\":\"billing app\",\"allowedRoutes\":[\"sandbox\"]}",
                        t.auth("admin"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        keyEventId = newest("key.create").getString("id");
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(t.id(), "sandbox", "chat", "priority", 0, "sb/sb-chat");
        Http.Response chat =
                HTTP.post(
                        "/v1/chat/completions",
                        "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        t.keyAuth());
        assertThat(chat.status()).as(chat.toString()).isEqualTo(200);
        gatewayEventId = newest("gateway.request").getString("id");
    }

    /** The tenant's newest event of an action. */
    private static JsonObject newest(String action) {
        Http.Response r =
                HTTP.get("/api/v1/audit/events?limit=1&action=" + action, t.auth("auditor"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonObject> events = r.json().getJsonArray("events").getValuesAs(JsonObject.class);
        assertThat(events).as(r.body()).hasSize(1);
        return events.get(0);
    }

    // ------------------------------------------------------------ actors by name and role

    @Test
    void actorsNameAndRolesAreStoredBesideTheHashAndCarriedByEveryExport() throws Exception {
        JsonObject e = newest("key.create");
        assertThat(e.getString("actor")).isNotEqualTo(t.username("admin")); // the id is hashed
        JsonObject display = e.getJsonObject("display");
        assertThat(display.getString("actor.name")).isEqualTo(t.username("admin"));
        assertThat(display.getJsonArray("actor.roles").getValuesAs(JsonString.class))
                .extracting(JsonString::getString)
                .containsExactly("admin");
        // an API key's requests carry the key's name
        assertThat(newest("gateway.request").getJsonObject("display").getString("actor.name"))
                .isEqualTo(keyName());

        Http.Response jsonl = HTTP.get("/api/v1/audit/export?format=jsonl", t.auth("auditor"));
        assertThat(jsonl.status()).isEqualTo(200);
        String line =
                jsonl.body().lines().filter(l -> l.contains(keyEventId)).findFirst().orElseThrow();
        assertThat(line).contains("\"actor.name\":\"" + t.username("admin") + "\"");
        Http.Response csv = HTTP.get("/api/v1/audit/export?format=csv", t.auth("auditor"));
        assertThat(csv.body().lines().findFirst().orElseThrow())
                .endsWith(",actor_name,actor_roles");
        String row =
                csv.body().lines().filter(l -> l.contains(keyEventId)).findFirst().orElseThrow();
        assertThat(row).endsWith("," + t.username("admin") + ",admin");

        // the names are outside the hashed form: the chain and the export still verify
        assertThat(HTTP.get("/api/v1/audit/verify", t.auth("auditor")).json().getBoolean("valid"))
                .isTrue();
        assertThat(verifyOffline(jsonl.body())).isZero();
    }

    /** The name TestTenant.fresh() gives the key the tenant's requests use. */
    private static String keyName() {
        return "test key";
    }

    private int verifyOffline(String export) throws Exception {
        Path file = Files.writeString(dir.resolve("export.jsonl"), export);
        Http.Response keys = HTTP.get("/.well-known/gatehouse-audit-keys.json");
        Path keyFile = Files.writeString(dir.resolve("keys.json"), keys.body());
        List<String> args =
                new java.util.ArrayList<>(List.of(file.toString(), "--keys", keyFile.toString()));
        // the checkpoint job may have signed this chain meanwhile: pin the test server's keys
        for (JsonValue k : keys.json().getJsonArray("keys")) {
            args.add("--pin");
            args.add(k.asJsonObject().getString("fingerprint"));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = OfflineVerifier.run(args.toArray(String[]::new), ps, ps);
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return code;
    }

    // ------------------------------------------------------------ export tickets

    @Test
    void aTicketDownloadsTheExportOnceWithoutABearerToken() throws Exception {
        String from = Instant.now().minusSeconds(3600).toString();
        Http.Response issued =
                HTTP.post(
                        "/api/v1/audit/export/tickets",
                        "{\"format\":\"jsonl\",\"from\":\"" + from + "\"}",
                        t.auth("auditor"));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        JsonObject ticket = issued.json();
        assertThat(ticket.getString("ticket")).startsWith("gh_xt_");
        assertThat(Instant.parse(ticket.getString("expiresAt")))
                .isBetween(Instant.now().plusSeconds(30), Instant.now().plusSeconds(90));
        String url = ticket.getString("url");
        assertThat(url).doesNotContain("Bearer");

        Http.Response export = HTTP.get(url);
        assertThat(export.status()).as(export.toString()).isEqualTo(200);
        assertThat(export.header("Content-Type")).startsWith("application/x-ndjson");
        assertThat(export.header("Content-Disposition")).contains("attachment");
        assertThat(export.body()).contains(keyEventId).contains("\"from\":\"" + from + "\"");
        verifyOffline(export.body());

        // single use: the second GET is refused, as problem JSON
        Http.Response again = HTTP.get(url);
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.header("Content-Type")).startsWith("application/problem+json");
        assertThat(again.body()).contains("invalid_ticket");

        // the export was audited, as the ticket's holder, by ticket
        JsonObject audited =
                HTTP
                        .get("/api/v1/audit/events?action=audit.export", t.auth("auditor"))
                        .json()
                        .getJsonArray("events")
                        .getValuesAs(JsonObject.class)
                        .stream()
                        .filter(e -> e.getJsonObject("details").getString("via").equals("ticket"))
                        .findFirst()
                        .orElseThrow();
        assertThat(audited.getJsonObject("display").getString("actor.name"))
                .isEqualTo(t.username("auditor"));
    }

    @Test
    void anExpiredUnknownMismatchedOrForeignTicketIsRefused() throws Exception {
        // expired: the database's clock decides
        String expired = ticket(t, "{}");
        try (Connection c = Db.asOwner();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE audit_export_tickets SET expires_at = now() - interval '1 second'"
                                        + " WHERE used_at IS NULL AND chain_id = ?")) {
            ps.setString(1, t.id());
            assertThat(ps.executeUpdate()).isPositive();
        }
        assertRefused(HTTP.get("/api/v1/audit/export?ticket=" + expired), 401, "invalid_ticket");
        assertRefused(HTTP.get("/api/v1/audit/export?ticket=gh_xt_madeup"), 401, "invalid_ticket");
        assertRefused(HTTP.get("/api/v1/audit/export?ticket="), 401, "invalid_ticket");

        // bound to its parameters: a different format spends it and is refused
        String jsonl = ticket(t, "{\"format\":\"jsonl\"}");
        assertRefused(
                HTTP.get("/api/v1/audit/export?format=csv&ticket=" + jsonl),
                403,
                "ticket_mismatch");
        assertRefused(HTTP.get("/api/v1/audit/export?ticket=" + jsonl), 401, "invalid_ticket");

        // bound to its caller: someone else's bearer token beside it is refused
        String mine = ticket(t, "{}");
        assertRefused(
                HTTP.get("/api/v1/audit/export?ticket=" + mine, other.auth("auditor")),
                403,
                "ticket_not_yours");
        // and another tenant's auditor never gets a ticket for this chain
        Http.Response foreign =
                HTTP.post(
                        "/api/v1/audit/export/tickets",
                        "{\"chain\":\"" + t.id() + "\"}",
                        other.auth("auditor"));
        assertThat(foreign.status()).isEqualTo(404);

        // the bearer-token export still works
        assertThat(HTTP.get("/api/v1/audit/export", t.auth("auditor")).status()).isEqualTo(200);
    }

    /**
     * Failed redemptions (unknown tickets) are audited per failure with the client address and
     * never the ticket, and an address with more than ten in a minute is refused (429, Retry-After)
     * without its tickets being looked up, even a valid one, which another address can still
     * redeem. The client is the address behind the trusted proxy 127.0.0.2 (deploy/local/test.sh),
     * unique to this run.
     */
    @Test
    void failedRedemptionsAreAuditedAndRateLimitedPerClientAddress() throws Exception {
        HttpFrom proxy = HttpFrom.address("127.0.0.2");
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        String client = "198.18." + r.nextInt(0, 256) + "." + r.nextInt(1, 255);
        String marker = "gh_xt_guess" + java.util.UUID.randomUUID().toString().replace("-", "");
        for (int i = 0; i < 10; i++) {
            assertRefused(
                    proxy.get(
                            "/api/v1/audit/export?ticket=" + marker + i, "X-Forwarded-For", client),
                    401,
                    "invalid_ticket");
        }
        Http.Response limited =
                proxy.get("/api/v1/audit/export?ticket=" + marker + "x", "X-Forwarded-For", client);
        assertRefused(limited, 429, "rate_limited");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
        // a valid ticket is not even looked up from there; it stays good for another address
        String valid = ticket(t, "{}");
        assertRefused(
                proxy.get("/api/v1/audit/export?ticket=" + valid, "X-Forwarded-For", client),
                429,
                "rate_limited");
        assertThat(HTTP.get("/api/v1/audit/export?ticket=" + valid).status()).isEqualTo(200);

        try (Connection c = Db.asOwner()) {
            String byReason =
                    "SELECT count(*) FROM audit_events WHERE action = 'auth.ticket'"
                            + " AND outcome = 'denied' AND details->>'client' = ? AND details->>'reason' = ?";
            assertThat(Db.count(c, byReason, client, "invalid")).isEqualTo(10);
            // only the first refusal of the window is audited (the rest are counted in metrics)
            assertThat(Db.count(c, byReason, client, "rate_limited")).isEqualTo(1);
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE details::text LIKE ?",
                                    "%" + marker + "%"))
                    .as("no audit event carries a ticket")
                    .isZero();
        }
    }

    /**
     * A ticket is re-checked at redemption: the user it was issued to must still be active and the
     * tenant not suspended; otherwise it is refused as problem JSON (401 / 403) and nothing is
     * exported (no audit.export event, no events in the body).
     */
    @Test
    void aDisabledUsersOrSuspendedTenantsTicketExportsNothing() throws Exception {
        TestTenant disabled = TestTenant.fresh();
        String ticket = ticket(disabled, "{}");
        try (Connection c = Db.asOwner();
                PreparedStatement ps =
                        c.prepareStatement("SELECT id FROM edge_users WHERE username = ?")) {
            ps.setString(1, disabled.username("auditor"));
            var rs = ps.executeQuery();
            assertThat(rs.next()).isTrue();
            String userId = rs.getString(1);
            Http.Response patched =
                    HTTP.method(
                            "PATCH",
                            "/api/v1/users/" + userId,
                            "{\"status\":\"disabled\"}",
                            disabled.auth("admin"));
            assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        }
        Http.Response refused = HTTP.get("/api/v1/audit/export?ticket=" + ticket);
        assertRefused(refused, 401, "invalid_ticket");
        assertThat(exports(disabled)).isZero();

        TestTenant suspended = TestTenant.fresh();
        String ticket2 = ticket(suspended, "{}");
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        String[] asPlatform = {"Authorization", "Bearer " + platform};
        Http.Response s =
                HTTP.method(
                        "PATCH",
                        "/api/v1/tenants/" + suspended.id(),
                        "{\"status\":\"suspended\"}",
                        asPlatform);
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        try {
            assertRefused(
                    HTTP.get("/api/v1/audit/export?ticket=" + ticket2), 403, "tenant_suspended");
            assertThat(exports(suspended)).isZero();
        } finally {
            HTTP.method(
                    "PATCH",
                    "/api/v1/tenants/" + suspended.id(),
                    "{\"status\":\"active\"}",
                    asPlatform);
        }
    }

    /**
     * A ticket is revoked with the token it was issued with: after the token is logged out, or the
     * user's tokens are revoked by a role change (tokens_valid_after), redeeming it is 401 and
     * exports nothing, as the token itself would be refused; a ticket of a good token still works.
     */
    @Test
    void aTicketIsRevokedWithTheTokenItWasIssuedWith() throws Exception {
        TestTenant loggedOut = TestTenant.fresh();
        String ticket = ticket(loggedOut, "{}");
        Http.Response logout = HTTP.post("/api/v1/auth/logout", "{}", loggedOut.auth("auditor"));
        assertThat(logout.status()).as(logout.toString()).isEqualTo(204);
        assertRefused(HTTP.get("/api/v1/audit/export?ticket=" + ticket), 401, "invalid_ticket");
        assertThat(exports(loggedOut)).isZero();

        TestTenant changed = TestTenant.fresh();
        String ticket2 = ticket(changed, "{}");
        Http.Response patched =
                HTTP.method(
                        "PATCH",
                        "/api/v1/users/" + userId(changed.username("auditor")),
                        "{\"roles\":[\"auditor\"]}",
                        changed.auth("admin"));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertRefused(HTTP.get("/api/v1/audit/export?ticket=" + ticket2), 401, "invalid_ticket");
        assertThat(exports(changed)).isZero();

        TestTenant good = TestTenant.fresh();
        Http.Response ok = HTTP.get("/api/v1/audit/export?ticket=" + ticket(good, "{}"));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(exports(good)).isEqualTo(1);
    }

    private static String userId(String username) throws Exception {
        try (Connection c = Db.asOwner();
                PreparedStatement ps =
                        c.prepareStatement("SELECT id FROM edge_users WHERE username = ?")) {
            ps.setString(1, username);
            var rs = ps.executeQuery();
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    /** How many exports of the tenant's chain were audited (each export is, before its bytes). */
    private static long exports(TestTenant tenant) throws Exception {
        try (Connection c = Db.asOwner()) {
            return Db.count(
                    c,
                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND action = 'audit.export'",
                    tenant.id());
        }
    }

    @Test
    void ticketsNeedAnAuditorAndValidParameters() {
        assertThat(HTTP.post("/api/v1/audit/export/tickets", "{}").status()).isEqualTo(401);
        assertRefused(
                HTTP.post("/api/v1/audit/export/tickets", "{}", t.auth("admin")), 403, "forbidden");
        assertRefused(HTTP.get("/api/v1/audit/export", t.auth("admin")), 403, "forbidden");
        for (String body :
                List.of(
                        "{\"format\":\"xml\"}",
                        "{\"from\":\"yesterday\"}",
                        "{\"from\":\"2026-02-01T00:00:00Z\",\"to\":\"2026-01-01T00:00:00Z\"}",
                        "{\"format\":1}",
                        "{\"colour\":\"red\"}",
                        "[1]",
                        "{")) {
            Http.Response r = HTTP.post("/api/v1/audit/export/tickets", body, t.auth("auditor"));
            assertThat(r.status()).as(body + " " + r.body()).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.body()).doesNotContain("Exception");
        }
    }

    private static String ticket(TestTenant tenant, String body) {
        Http.Response r = HTTP.post("/api/v1/audit/export/tickets", body, tenant.auth("auditor"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return URLEncoder.encode(r.json().getString("ticket"), StandardCharsets.UTF_8);
    }

    private static void assertRefused(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.body()).contains(code).doesNotContain("Exception");
    }

    // ------------------------------------------------------------ event detail

    @Test
    void anEventInDetailShowsActorUsagePolicyAndContent() {
        Http.Response r = HTTP.get("/api/v1/audit/events/" + gatewayEventId, t.auth("auditor"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonObject d = r.json();
        assertThat(d.getJsonObject("event").getString("id")).isEqualTo(gatewayEventId);
        assertThat(d.getJsonObject("event").getString("hash")).hasSize(64);
        JsonObject actor = d.getJsonObject("actor");
        assertThat(actor.getString("kind")).isEqualTo("api_key");
        assertThat(actor.getString("name")).isEqualTo(keyName());
        assertThat(d.getJsonObject("usage").getString("provider")).isEqualTo("sb");
        assertThat(d.getJsonObject("usage").getString("model")).isEqualTo("sb-chat");
        // the tenant keeps content hashed (the default): the event names its content's hash, and
        // no body is kept to show (docs/audit.md, "Content retention")
        assertThat(d.getString("contentHash")).hasSize(64);
        assertThat(d.getJsonObject("content").getBoolean("retained")).isFalse();
        assertThat(d.getJsonObject("content").get("form")).isEqualTo(JsonValue.NULL);

        JsonObject key = HTTP.get("/api/v1/audit/events/" + keyEventId, t.auth("auditor")).json();
        assertThat(key.getJsonObject("actor").getString("name")).isEqualTo(t.username("admin"));
        assertThat(key.getJsonObject("actor").getJsonArray("roles").getString(0))
                .isEqualTo("admin");
        assertThat(key.get("usage")).isEqualTo(JsonValue.NULL);
        assertThat(key.get("policy")).isEqualTo(JsonValue.NULL);
    }

    @Test
    void anEventNeedsAnAuditorOfItsOwnTenant() {
        String path = "/api/v1/audit/events/" + keyEventId;
        assertThat(HTTP.get(path).status()).isEqualTo(401);
        assertRefused(HTTP.get(path, t.auth("admin")), 403, "forbidden");
        assertRefused(HTTP.get(path, other.auth("auditor")), 404, "not_found");
        assertRefused(
                HTTP.get("/api/v1/audit/events/not-a-uuid", t.auth("auditor")),
                400,
                "invalid_request");
        assertRefused(HTTP.get(path + "?include=everything", t.auth("auditor")), 400, "include");
        assertRefused(HTTP.get(path + "?chain=" + other.id(), t.auth("auditor")), 404, "not_found");
    }
}
