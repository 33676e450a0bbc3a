package io.gatehouse.audit.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.chain.CanonicalJson;
import io.gatehouse.audit.chain.ChainHash;
import io.gatehouse.audit.chain.JsonReader;
import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.shared.TenantId;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Sentences of docs/audit.md that no other test proved, each over HTTP against the running server:
 * one event per gateway request, a stored body proven genuine by its hash, the export recorded
 * before its first byte, display data shown beside the hash and outside it.
 */
class AuditTrailClaimsIT {
    static final Http HTTP = Http.local();

    /** A fresh tenant with a sandbox route. */
    private static TestTenant tenantWithRoute() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(t.id(), "sandbox", "chat", "priority", 0, "sb/sb-chat");
        return t;
    }

    private static Http.Response chat(TestTenant t, String text) throws InterruptedException {
        Http.Response r = null;
        for (int i = 0; i < 50; i++) {
            r =
                    HTTP.post(
                            "/v1/chat/completions",
                            "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\""
                                    + text
                                    + "\"}]}",
                            t.keyAuth());
            if (r.status() == 200) {
                return r;
            }
            Thread.sleep(200); // the new route is seen through the catalog's revision check
        }
        return r;
    }

    /** "One write per gateway request: its event carries its accounting." */
    @Test
    void aGatewayRequestIsOneEventCarryingItsAccounting() throws Exception {
        TestTenant t = tenantWithRoute();
        Http.Response r = chat(t, "count me once");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        String requestId = r.header("X-Request-Id");

        Http.Response found =
                HTTP.get("/api/v1/audit/events?requestId=" + requestId, t.auth("auditor"));
        assertThat(found.status()).isEqualTo(200);
        List<JsonObject> events = found.json().getJsonArray("events").getValuesAs(JsonObject.class);
        assertThat(events).hasSize(1);
        JsonObject e = events.get(0);
        assertThat(e.getString("action")).isEqualTo("gateway.request");
        JsonObject usage = e.getJsonObject("usage");
        assertThat(usage.getString("provider")).isEqualTo("sb");
        assertThat(usage.getString("model")).isEqualTo("sb-chat");
        assertThat(usage.getInt("statusCode")).isEqualTo(200);
        assertThat(usage.getJsonNumber("inputTokens").longValue()).isPositive();
        assertThat(usage.getJsonNumber("outputTokens").longValue()).isPositive();
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND request_id = ?",
                                    t.id(),
                                    requestId))
                    .as("rows written for the request")
                    .isEqualTo(1);
        }
    }

    /**
     * "With full, a stored body can be proven genuine by hashing it and comparing with the event's
     * contentHash"; contentHash is SHA-256 of the CanonicalJson text of the bodies, which the
     * stored jsonb value gives back once canonicalised. The event is appended with its bodies by
     * the server's own appender (the gateway attaches none yet), then checked the way an auditor
     * would.
     */
    @Test
    void aStoredBodyHashesToTheContentHashItsEventCarries() throws Exception {
        TestTenant t = TestTenant.fresh();
        String requestId = "req-it-" + UUID.randomUUID();
        TenantId tenant = TenantId.of(t.id());
        new ChainFixture(tenant)
                .appendWithContent(
                        io.gatehouse.audit.AuditEvent.of(tenant, "api_key", "k1", "gateway.request")
                                .requestId(requestId)
                                .content(
                                        java.util.Map.of(
                                                "messages",
                                                List.of(
                                                        java.util.Map.of(
                                                                "role",
                                                                "user",
                                                                "content",
                                                                "prove me genuine \u00e9")),
                                                "temperature",
                                                new java.math.BigDecimal("0.5")),
                                        null)
                                .build(),
                        io.gatehouse.audit.internal.persistence.ContentRetention.FULL);
        JsonObject e =
                HTTP.get("/api/v1/audit/events?requestId=" + requestId, t.auth("auditor"))
                        .json()
                        .getJsonArray("events")
                        .getJsonObject(0);
        String contentHash = e.getString("contentHash");
        Http.Response content =
                HTTP.get("/api/v1/audit/contents/" + contentHash, t.auth("auditor"));
        assertThat(content.status()).as(content.toString()).isEqualTo(200);
        assertThat(content.json().getString("form")).isEqualTo("full");
        // The auditor's check: the canonical JSON of the body hashes to the event's contentHash...
        assertThat(ChainHash.sha256Hex(CanonicalJson.write(toJava(content.json().get("body")))))
                .isEqualTo(contentHash);
        // ...and so does the stored value, canonicalised: jsonb re-orders and re-spaces the text,
        // so the stored text itself is not what was hashed.
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT body FROM audit_contents WHERE chain_id = ? AND content_hash = ? AND form = 'full'")) {
            ps.setString(1, t.id());
            ps.setString(2, contentHash);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                String stored = rs.getString(1);
                assertThat(ChainHash.sha256Hex(CanonicalJson.write(JsonReader.parse(stored))))
                        .isEqualTo(contentHash);
                assertThat(stored).as("jsonb's text, not the hashed one").contains(": ");
            }
        }
        // the event, contentHash included, is part of a chain that verifies
        assertThat(HTTP.get("/api/v1/audit/verify", t.auth("auditor")).json().getBoolean("valid"))
                .isTrue();
    }

    /**
     * "Every export is first recorded as an audit.export event (durably, before the first byte)":
     * an export without an end includes its own event, by the auditor, with its request id.
     */
    @Test
    void anExportIsRecordedBeforeItsFirstByteSoItContainsItsOwnEvent() {
        TestTenant t = TestTenant.fresh();
        String auditor = HTTP.get("/api/v1/me", t.auth("auditor")).json().getString("userId");
        Http.Response export = HTTP.get("/api/v1/audit/export?format=jsonl", t.auth("auditor"));
        assertThat(export.status()).isEqualTo(200);
        List<JsonObject> lines =
                export.body()
                        .lines()
                        .map(l -> Json.createReader(new StringReader(l)).readObject())
                        .toList();
        List<JsonObject> events =
                lines.stream().filter(l -> l.getString("record").equals("event")).toList();
        JsonObject last = events.get(events.size() - 1);
        assertThat(last.getString("action")).isEqualTo("audit.export");
        assertThat(last.getString("actor")).isEqualTo(auditor);
        assertThat(last.getString("requestId")).isEqualTo(export.header("X-Request-Id"));
        assertThat(last.getJsonObject("details").getString("format")).isEqualTo("jsonl");
        JsonObject trailer = lines.get(lines.size() - 1);
        assertThat(trailer.getString("record")).isEqualTo("trailer");
        assertThat(trailer.getJsonNumber("lastSeq").longValue())
                .isEqualTo(last.getJsonNumber("seq").longValue());
    }

    /**
     * "Search results and export event lines show it as a display member next to hash; verifiers
     * ignore it": an event with display data, appended to a tenant's chain by the server's own
     * appender, read back through the API.
     */
    @Test
    void displayDataIsShownBesideTheHashAndNeverHashed() throws Exception {
        TestTenant t = TestTenant.fresh();
        String action = "it.display_" + UUID.randomUUID().toString().substring(0, 8);
        ChainFixture f = new ChainFixture(TenantId.of(t.id()));
        f.appendEvents(f.event(action).display("user.display_name", "Ann \u00c9").build());

        Http.Response found = HTTP.get("/api/v1/audit/events?action=" + action, t.auth("auditor"));
        assertThat(found.status()).isEqualTo(200);
        JsonObject e = found.json().getJsonArray("events").getJsonObject(0);
        assertThat(e.getJsonObject("display").getString("user.display_name"))
                .isEqualTo("Ann \u00c9");
        assertThat(e.getString("hash")).hasSize(64);
        assertThat(e.getJsonObject("details").toString()).doesNotContain("Ann");

        Http.Response export = HTTP.get("/api/v1/audit/export?format=jsonl", t.auth("auditor"));
        JsonObject line =
                export.body()
                        .lines()
                        .map(l -> Json.createReader(new StringReader(l)).readObject())
                        .filter(l -> action.equals(l.getString("action", null)))
                        .findFirst()
                        .orElseThrow();
        assertThat(line.getJsonObject("display").getString("user.display_name"))
                .isEqualTo("Ann \u00c9");
        assertThat(line.getString("hash")).isEqualTo(e.getString("hash"));

        // Rewriting the display data breaks nothing: it is not evidence.
        ChainFixture.tamper(
                "UPDATE audit_events SET display = '{\"user.display_name\":\"Mallory\"}'::jsonb"
                        + " WHERE chain_id = ? AND action = ?",
                t.id(),
                action);
        assertThat(
                        HTTP.get("/api/v1/audit/events?action=" + action, t.auth("auditor"))
                                .json()
                                .getJsonArray("events")
                                .getJsonObject(0)
                                .getJsonObject("display")
                                .getString("user.display_name"))
                .isEqualTo("Mallory");
        Http.Response verify = HTTP.get("/api/v1/audit/verify", t.auth("auditor"));
        assertThat(verify.json().getBoolean("valid")).as(verify.body()).isTrue();
    }

    private static Object toJava(jakarta.json.JsonValue v) {
        return JsonReader.parse(v.toString());
    }
}
