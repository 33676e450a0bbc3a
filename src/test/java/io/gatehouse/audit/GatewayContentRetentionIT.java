package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.chain.CanonicalJson;
import io.gatehouse.audit.chain.ChainHash;
import io.gatehouse.audit.chain.JsonReader;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.GatewayTraffic;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real gateway request under each retention mode (docs/audit.md, "Content retention"): what its
 * {@code gateway.request} event carries, what {@code audit_contents} holds, and what {@code GET
 * /api/v1/audit/contents/{hash}} answers; a streamed request keeps the text the client was sent.
 */
class GatewayContentRetentionIT {
    static final Http HTTP = Http.local();
    static final String SECRET_MAIL = "ann@example.com";
    static final String ANSWER_MAIL = "bob@example.com";
    static StandInProvider standIn;

    @BeforeAll
    static void start() {
        standIn = StandInProvider.start();
    }

    @AfterAll
    static void stop() {
        standIn.stop();
    }

    /** The request's event: its content hash (or null). */
    static String contentHash(String requestId) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT content_hash FROM audit_events WHERE request_id = ?"
                                        + " AND action = 'gateway.request'")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the request's event").isTrue();
                return rs.getString(1);
            }
        }
    }

    /** The tenant's kept bodies: [form, body] rows. */
    static List<String[]> stored(TestTenant t) throws Exception {
        List<String[]> out = new ArrayList<>();
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT form, body::text FROM audit_contents WHERE chain_id = ?")) {
            ps.setString(1, t.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        return out;
    }

    @Test
    void modeNoneKeepsNoHashAndNoContent() throws Exception {
        TestTenant t = GatewayTraffic.tenant(standIn, "/cr-none/v1", "none", "fine");
        String rid = GatewayTraffic.chat(t, "hello " + SECRET_MAIL);
        assertThat(contentHash(rid)).as("no hash under none").isNull();
        assertThat(stored(t)).as("a tenant that keeps no content keeps none").isEmpty();
    }

    @Test
    void modeHashedKeepsTheHashOfTheFullBodiesOnly() throws Exception {
        TestTenant t = GatewayTraffic.tenant(standIn, "/cr-hashed/v1", "hashed", "fine");
        String rid = GatewayTraffic.chat(t, "hello " + SECRET_MAIL);
        String hash = contentHash(rid);
        assertThat(hash).matches("[0-9a-f]{64}");
        Map<String, Object> full =
                Map.of(
                        "model",
                        "fw",
                        "messages",
                        List.of(Map.of("role", "user", "content", "hello " + SECRET_MAIL)),
                        "answer",
                        "fine");
        assertThat(hash)
                .as("the SHA-256 of the canonical full bodies")
                .isEqualTo(ChainHash.sha256Hex(CanonicalJson.write(full)));
        assertThat(stored(t)).isEmpty();
        Http.Response read = HTTP.get("/api/v1/audit/contents/" + hash, t.auth("auditor"));
        assertThat(read.status()).as(read.body()).isEqualTo(404);
    }

    @Test
    void modeRedactedKeepsWhatThePolicyProduced() throws Exception {
        TestTenant t =
                GatewayTraffic.tenant(
                        standIn, "/cr-redacted/v1", "redacted", "write to " + ANSWER_MAIL);
        Changes.publishPolicy(t, "redact-mail", GatewayTraffic.redactMail());
        String rid = GatewayTraffic.chat(t, "mail " + SECRET_MAIL + " please");
        String hash = contentHash(rid);
        assertThat(hash).matches("[0-9a-f]{64}");
        List<String[]> rows = stored(t);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)[0]).isEqualTo("redacted");
        assertThat(rows.get(0)[1])
                .doesNotContain(SECRET_MAIL)
                .doesNotContain(ANSWER_MAIL)
                .contains("[EMAIL]");
        Http.Response read = HTTP.get("/api/v1/audit/contents/" + hash, t.auth("auditor"));
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        JsonObject body = read.json();
        assertThat(body.getString("form")).isEqualTo("redacted");
        assertThat(body.getJsonObject("body").getString("answer")).isEqualTo("write to [EMAIL]");
        assertThat(
                        body.getJsonObject("body")
                                .getJsonArray("messages")
                                .getJsonObject(0)
                                .getString("content"))
                .isEqualTo("mail [EMAIL] please");

        // a request the policy denies has no redacted form: only its hash
        Changes.publishPolicy(t, "no-ip", Changes.noIpPolicy());
        Http.Response denied =
                HTTP.post(
                        "/v1/chat/completions",
                        "{\"model\":\"fw\",\"messages\":[{\"role\":\"user\",\"content\":"
                                + "\"call 10.1.2.3\"}]}",
                        "Authorization",
                        "Bearer " + t.apiKey());
        assertThat(denied.status()).as(denied.body()).isEqualTo(403);
        assertThat(contentHash(denied.header("x-request-id"))).matches("[0-9a-f]{64}");
        assertThat(stored(t)).as("nothing kept of the denied request").hasSize(1);
    }

    @Test
    void modeFullKeepsTheRequestAsSentAndTheAnswerAsReceived() throws Exception {
        TestTenant t = GatewayTraffic.tenant(standIn, "/cr-full/v1", "full", "hi there");
        String rid = GatewayTraffic.chat(t, "hello " + SECRET_MAIL);
        String hash = contentHash(rid);
        List<String[]> rows = stored(t);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)[0]).isEqualTo("full");
        Http.Response read = HTTP.get("/api/v1/audit/contents/" + hash, t.auth("auditor"));
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        JsonObject body = read.json().getJsonObject("body");
        assertThat(body.getString("model")).isEqualTo("fw");
        assertThat(body.getString("answer")).isEqualTo("hi there");
        assertThat(body.getJsonArray("messages").getJsonObject(0).getString("content"))
                .isEqualTo("hello " + SECRET_MAIL);
        assertThat(ChainHash.sha256Hex(CanonicalJson.write(JsonReader.parse(body.toString()))))
                .as("the kept body proves itself against the event's hash")
                .isEqualTo(hash);
        // the read is audited
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND"
                                            + " action = 'audit.content.read' AND target_id = ?",
                                    t.id(),
                                    hash))
                    .isEqualTo(1);
        }
    }

    @Test
    void aStreamedRequestKeepsTheTextTheClientWasSent() throws Exception {
        String path = "/cr-stream/v1";
        standIn.answerStream(
                path + "/chat/completions",
                chunk("{\"content\":\"Hel\"}", null)
                        + chunk("{\"content\":\"lo, \"}", null)
                        + chunk("{\"content\":\"world\"}", "stop")
                        + "data: [DONE]\n\n");
        TestTenant t = standIn.tenant("openai", path, "pm", "mx", "chat,streaming", "fw");
        GatewayTraffic.retention(t, "full");
        Http.Response r =
                HTTP.post(
                        "/v1/chat/completions",
                        "{\"model\":\"fw\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                                + "\"content\":\"say hello\"}]}",
                        "Authorization",
                        "Bearer " + t.apiKey());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("[DONE]");
        String hash = contentHash(r.header("x-request-id"));
        Http.Response read = HTTP.get("/api/v1/audit/contents/" + hash, t.auth("auditor"));
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        JsonObject body = read.json().getJsonObject("body");
        assertThat(body.getString("answer")).isEqualTo("Hello, world");
        assertThat(body.getJsonArray("messages").getJsonObject(0).getString("content"))
                .isEqualTo("say hello");
    }

    static String chunk(String delta, String finish) {
        return "data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mx\","
                + "\"choices\":[{\"index\":0,\"delta\":"
                + delta
                + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"")
                + "}]}\n\n";
    }
}
