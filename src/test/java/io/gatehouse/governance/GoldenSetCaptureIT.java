package io.gatehouse.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.GatewayTraffic;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.StandInProvider;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.sql.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/golden-sets/capture} (issue 23): case skeletons from the tenant's retained
 * requests; another tenant's request is {@code not_found}, a request kept only as a hash {@code
 * not_retained}; author/admin only; bad input names its field.
 */
class GoldenSetCaptureIT {
    static final Http HTTP = Http.local();
    static final String PATH = "/api/v1/golden-sets/capture";
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
        return GatewayTraffic.tenant(standIn, path, mode, "Refunds take 30 days.");
    }

    static String ids(String... ids) {
        StringBuilder sb = new StringBuilder("{\"requestIds\":[");
        for (int i = 0; i < ids.length; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(ids[i]).append('"');
        }
        return sb.append("]}").toString();
    }

    @Test
    void aRetainedRequestBecomesACaseAndTheRestAreMissing() throws Exception {
        TestTenant t = tenant("/gc-full/v1", "full");
        TestTenant other = tenant("/gc-other/v1", "full");
        TestTenant hashed = tenant("/gc-hashed/v1", "hashed");
        String rid = GatewayTraffic.chat(t, "Can I get a refund?");
        String otherRid = GatewayTraffic.chat(other, "secret of the other tenant");
        String hashedRid = GatewayTraffic.chat(hashed, "kept only as a hash");

        Http.Response r = HTTP.post(PATH, ids(rid, otherRid, "req_nothing"), t.auth("author"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonObject out = r.json();
        assertThat(out.getJsonArray("cases")).hasSize(1);
        JsonObject c = out.getJsonArray("cases").getJsonObject(0);
        String caseId = c.getString("id");
        assertThat(caseId).startsWith("captured-").matches("[A-Za-z0-9._-]{1,64}");
        assertThat(c.getJsonArray("expect")).isEmpty();
        assertThat(c.getJsonObject("input").getString("model")).isEqualTo("fw");
        assertThat(
                        c.getJsonObject("input")
                                .getJsonArray("messages")
                                .getJsonObject(0)
                                .getString("content"))
                .isEqualTo("Can I get a refund?");
        assertThat(c.getJsonObject("source").getString("requestId")).isEqualTo(rid);
        assertThat(c.getJsonObject("source").getString("contentHash")).matches("[0-9a-f]{64}");
        assertThat(out.getJsonObject("answers").getString(caseId))
                .isEqualTo("Refunds take 30 days.");
        assertThat(out.getJsonArray("missing")).hasSize(2);
        assertThat(out.getJsonArray("missing").getJsonObject(0).getString("requestId"))
                .isEqualTo(otherRid);
        assertThat(out.getJsonArray("missing").getJsonObject(0).getString("reason"))
                .as("another tenant's request is not found, its content never shown")
                .isEqualTo("not_found");
        assertThat(r.body()).doesNotContain("secret of the other tenant");
        assertThat(out.getJsonArray("missing").getJsonObject(1).getString("reason"))
                .isEqualTo("not_found");
        try (Connection db = Db.asApp()) {
            assertThat(
                            Db.count(
                                    db,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND"
                                            + " action = 'audit.content.read' AND"
                                            + " details->>'content.purpose' = 'golden_set.capture'",
                                    t.id()))
                    .as("the read is audited")
                    .isEqualTo(1);
        }

        Http.Response notKept = HTTP.post(PATH, ids(hashedRid), hashed.auth("admin"));
        assertThat(notKept.status()).as(notKept.body()).isEqualTo(200);
        assertThat(notKept.json().getJsonArray("cases")).isEmpty();
        assertThat(notKept.json().getJsonArray("missing").getJsonObject(0).getString("reason"))
                .isEqualTo("not_retained");
    }

    @Test
    void onlyAuthorsAndAdminsOfTheTenantCapture() throws Exception {
        TestTenant t = TestTenant.fresh();
        assertThat(HTTP.post(PATH, ids("req_x")).status()).isEqualTo(401);
        assertThat(HTTP.post(PATH, ids("req_x"), t.auth("reviewer")).status()).isEqualTo(403);
        assertThat(HTTP.post(PATH, ids("req_x"), t.auth("auditor")).status()).isEqualTo(403);
    }

    @Test
    void badInputIsAProblemNamingTheField() throws Exception {
        TestTenant t = TestTenant.fresh();
        assertProblem(HTTP.post(PATH, "{}", t.auth("author")), "requestIds");
        assertProblem(HTTP.post(PATH, "{\"requestIds\":[]}", t.auth("author")), "requestIds");
        assertProblem(
                HTTP.post(PATH, "{\"requestIds\":[\"a\",7]}", t.auth("author")), "requestIds[1]");
        assertProblem(
                HTTP.post(PATH, "{\"requestIds\":[\"a\"],\"extra\":1}", t.auth("author")), "extra");
        String[] many = new String[51];
        for (int i = 0; i < many.length; i++) {
            many[i] = "req_" + i;
        }
        assertProblem(HTTP.post(PATH, ids(many), t.auth("author")), "requestIds");
        Http.Response notJson = HTTP.post(PATH, "{nope", t.auth("author"));
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.header("Content-Type")).startsWith("application/problem+json");
    }

    static void assertProblem(Http.Response r, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().getString("param")).isEqualTo(field);
        assertThat(r.body()).doesNotContain("Exception");
    }
}
