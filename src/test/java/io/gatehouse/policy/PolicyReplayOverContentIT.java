package io.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.GatewayTraffic;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The policy bench's traffic replay over retained content (issue 21): a draft's PII rule redacts a
 * replayed request the live policies let through, the row says it was replayed over content, the
 * read is audited, requests without retained content are {@code summaryOnly}, and another tenant's
 * retained content is never replayed.
 */
class PolicyReplayOverContentIT {
    static final Http HTTP = Http.local();
    static StandInProvider standIn;

    @BeforeAll
    static void start() {
        standIn = StandInProvider.start();
    }

    @AfterAll
    static void stop() {
        standIn.stop();
    }

    static TestTenant tenant(String path, String mode) throws Exception {
        return GatewayTraffic.tenant(standIn, path, mode, "noted");
    }

    static JsonObject bench(TestTenant t, String role) {
        Http.Response r =
                HTTP.post(
                        "/api/v1/policies/test",
                        Json.createObjectBuilder()
                                .add("name", "pii")
                                .add("policy", GatewayTraffic.redactMail())
                                .add("traffic", Json.createObjectBuilder().add("limit", 50))
                                .build()
                                .toString(),
                        t.auth(role));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().getJsonObject("traffic");
    }

    static List<String> changedIds(JsonObject traffic) {
        List<String> ids = new ArrayList<>();
        for (JsonValue v : traffic.getJsonArray("changes")) {
            ids.add(v.asJsonObject().getString("requestId"));
        }
        return ids;
    }

    @Test
    void aDraftPiiRuleRedactsAReplayedRequestThatLiveLetThrough() throws Exception {
        TestTenant t = tenant("/rp-full/v1", "full");
        TestTenant other = tenant("/rp-other/v1", "full");
        String rid = GatewayTraffic.chat(t, "my mail is ann@example.com");
        String clean = GatewayTraffic.chat(t, "no personal data here");
        String otherRid = GatewayTraffic.chat(other, "reach me at eve@example.com");

        JsonObject traffic = bench(t, "author");
        assertThat(traffic.getInt("considered")).isEqualTo(2);
        assertThat(traffic.getInt("overContent")).isEqualTo(2);
        assertThat(traffic.getInt("summaryOnly")).isZero();
        assertThat(changedIds(traffic))
                .as("only the request with an address changes; never the other tenant's")
                .containsExactly(rid)
                .doesNotContain(clean, otherRid);
        JsonObject row = traffic.getJsonArray("changes").getJsonObject(0);
        assertThat(row.getString("replayedOver")).isEqualTo("full");
        assertThat(row.getJsonObject("live").getString("outcome")).isEqualTo("allow");
        JsonObject draftInput =
                row.getJsonObject("draft").getJsonObject("effect").getJsonObject("input");
        JsonArray redact = draftInput.getJsonArray("redact");
        assertThat(redact.getString(0)).isEqualTo("email");

        // reading the content for the replay is audited, in the reader's tenant only
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND"
                                            + " action = 'audit.content.read' AND"
                                            + " details->>'content.purpose' = 'policy.replay'",
                                    t.id()))
                    .isEqualTo(1);
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND"
                                            + " action = 'audit.content.read'",
                                    other.id()))
                    .as("the other tenant's content was not read")
                    .isZero();
        }
    }

    @Test
    void requestsWithoutRetainedContentKeepTheSummaryReplay() throws Exception {
        TestTenant t = tenant("/rp-hashed/v1", "hashed");
        GatewayTraffic.chat(t, "my mail is ann@example.com");
        JsonObject traffic = bench(t, "admin");
        assertThat(traffic.getInt("considered")).isEqualTo(1);
        assertThat(traffic.getInt("overContent")).isZero();
        assertThat(traffic.getInt("summaryOnly")).isEqualTo(1);
        for (JsonValue v : traffic.getJsonArray("changes")) {
            assertThat(v.asJsonObject().getString("replayedOver")).isEqualTo("summary");
        }
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND"
                                            + " action = 'audit.content.read'",
                                    t.id()))
                    .as("no body was read")
                    .isZero();
        }
    }

    /**
     * A policy change's automatic evidence (issue 23: "policy changes carry the traffic replay of
     * the test bench") replays over the retained content as the bench does: an address only in a
     * provider's answer is in no summary (the live policies have no output rule, so the answer was
     * never scanned), yet the evidence's replay finds it and shows the draft redacting it. The
     * author's test call through the draft is not replayed (production traffic only). The read is
     * audited as the bench's, {@code policy.replay}, made by the system and recorded as the
     * submitting author's, with the submit's request id and the change's id.
     */
    @Test
    void aPolicyChangesAutomaticReplayRunsOverTheRetainedContent() throws Exception {
        TestTenant t =
                GatewayTraffic.tenant(
                        standIn, "/rp-evidence/v1", "full", "Write to bob at bob@example.com");
        String rid = GatewayTraffic.chat(t, "whom do I write to?");
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("policy", "pii", GatewayTraffic.redactMail(), "no mail"),
                        t.auth("author"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().getString("id");
        // the author's test call through the draft is not production traffic: not replayed
        Http.Response testCall =
                HTTP.post(
                        "/api/v1/changes/" + id + "/test-call",
                        "{\"model\":\"fw\",\"messages\":[{\"role\":\"user\",\"content\":"
                                + "\"a test call mentioning carl@example.com\"}]}",
                        t.auth("author"));
        assertThat(testCall.status()).as(testCall.toString()).isEqualTo(200);
        String testCallRid = testCall.json().getString("requestId");
        Http.Response submit = Changes.act(t, "author", id, "submit");
        assertThat(submit.status()).as(submit.toString()).isEqualTo(200);
        String submitRid = submit.header("x-request-id");
        assertThat(submitRid).isNotBlank();
        JsonObject entry = replayEvidence(t, id);
        assertThat(entry.getString("status")).as(entry.toString()).isEqualTo("ok");
        assertThat(entry.getInt("considered"))
                .as("the test call through the draft is not replayed: " + entry)
                .isEqualTo(1);
        assertThat(entry.toString()).doesNotContain(testCallRid);
        assertThat(entry.getInt("overContent")).as(entry.toString()).isEqualTo(1);
        assertThat(entry.getInt("summaryOnly")).isZero();
        assertThat(entry.getInt("changed"))
                .as("only the content shows the answer's address")
                .isEqualTo(1);
        JsonObject row = entry.getJsonObject("traffic").getJsonArray("changes").getJsonObject(0);
        assertThat(row.getString("requestId")).isEqualTo(rid);
        assertThat(row.getString("replayedOver")).isEqualTo("full");
        assertThat(
                        row.getJsonObject("draft")
                                .getJsonObject("effect")
                                .getJsonObject("output")
                                .getJsonArray("redact")
                                .getString(0))
                .isEqualTo("email");
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND"
                                            + " action = 'audit.content.read' AND"
                                            + " details->>'content.purpose' = 'policy.replay'",
                                    t.id()))
                    .as("the evidence's read of the content is audited once")
                    .isEqualTo(1);
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND"
                                            + " action = 'audit.content.read' AND actor_kind ="
                                            + " 'user' AND actor = ? AND request_id = ? AND"
                                            + " details->>'content.purpose' = 'policy.replay' AND"
                                            + " details->>'content.change_id' = ? AND"
                                            + " details->>'content.via' = 'system:policy.evidence'",
                                    t.id(),
                                    userId(t, "author"),
                                    submitRid,
                                    id))
                    .as(
                            "the read is the submitting author's, in the submit's request, for"
                                    + " this change, made by the system")
                    .isEqualTo(1);
        }
    }

    /** The person's subject, as audit events name their actor. */
    static String userId(TestTenant t, String role) {
        return HTTP.get("/api/v1/me", t.auth(role)).json().getString("userId");
    }

    /** The change's automatic replay evidence, once computed (at most a minute). */
    static JsonObject replayEvidence(TestTenant t, String id) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        JsonObject change = null;
        while (System.nanoTime() < deadline) {
            Http.Response r = HTTP.get("/api/v1/changes/" + id, t.auth("reviewer"));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            change = r.json();
            for (JsonValue v : change.getJsonArray("evidence")) {
                if (v.asJsonObject().getString("type", "").equals("replay")) {
                    return v.asJsonObject();
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no replay evidence after a minute: " + change);
    }

    @Test
    void onlyTheBenchsRolesReplay() throws Exception {
        TestTenant t = tenant("/rp-roles/v1", "full");
        String body = "{\"name\":\"pii\",\"policy\":" + GatewayTraffic.redactMail() + "}";
        assertThat(HTTP.post("/api/v1/policies/test", body).status()).isEqualTo(401);
        assertThat(HTTP.post("/api/v1/policies/test", body, t.auth("reviewer")).status())
                .isEqualTo(403);
        assertThat(HTTP.post("/api/v1/policies/test", body, t.auth("auditor")).status())
                .isEqualTo(403);
    }
}
