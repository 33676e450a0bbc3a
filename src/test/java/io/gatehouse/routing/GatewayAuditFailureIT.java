package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalTime;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * A gateway request whose audit event cannot be written (docs/gateway.md, step 9: the answer leaves
 * only after the audit write returned; a failed write fails the request). A test-only trigger,
 * installed by the owner role, refuses the one event whose client request id is the marker;
 * everything else keeps recording. The client gets OpenAI's error JSON, 503 {@code
 * audit_unavailable}, no completion; the request is settled against the key's limits exactly once
 * (the provider did the work), not twice and not left reserved, and no event of it exists.
 */
class GatewayAuditFailureIT {
    private static final Http HTTP = Http.local();
    private static final String CHAT =
            "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"account for me\"}]}";
    private static final String STREAM =
            "{\"model\":\"sandbox\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"account for me\"}]}";

    /** Runs {@code body} while the append of events mentioning {@code marker} fails. */
    private static <T> T withFailingAppends(String marker, Callable<T> body) throws Exception {
        String fn = "it_refuse_gateway_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = Db.asOwner();
                Statement st = c.createStatement()) {
            // a data error (check_violation): the writer isolates it, only this event fails
            st.execute(
                    "CREATE FUNCTION "
                            + fn
                            + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " IF NEW.details::text LIKE '%"
                            + marker
                            + "%' THEN RAISE EXCEPTION 'test: this audit append fails'"
                            + " USING ERRCODE = 'check_violation'; END IF;"
                            + " RETURN NEW; END $$");
            st.execute(
                    "CREATE TRIGGER "
                            + fn
                            + " BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION "
                            + fn
                            + "()");
        }
        try {
            return body.call();
        } finally {
            try (Connection c = Db.asOwner();
                    Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER IF EXISTS " + fn + " ON audit_events");
                st.execute("DROP FUNCTION IF EXISTS " + fn + "()");
            }
        }
    }

    private static long events(String clientRequestId) throws Exception {
        try (Connection c = Db.asApp()) {
            return Db.count(
                    c,
                    "SELECT count(*) FROM audit_events WHERE action = 'gateway.request'"
                            + " AND details->>'client.request_id' = ?",
                    clientRequestId);
        }
    }

    private static long remaining(Http.Response r, String what) {
        String v = r.header("x-ratelimit-remaining-" + what);
        assertThat(v).as("x-ratelimit-remaining-%s on %s", what, r).isNotNull();
        return Long.parseLong(v);
    }

    private static Http.Response post(String body, String key, String clientRequestId) {
        return HTTP.post(
                "/v1/chat/completions",
                body,
                "Authorization",
                "Bearer " + key,
                "X-Request-Id",
                clientRequestId);
    }

    private static void sameMinute() throws InterruptedException {
        // the limits count per clock minute: do not straddle a boundary
        int second = LocalTime.now().getSecond();
        if (second > 40) {
            Thread.sleep((61 - second) * 1000L);
        }
    }

    private static String newKey() {
        return HTTP.post(
                        "/api/v1/keys",
                        "{\"name\":\"audit-failure\",\"rpmLimit\":100,\"tpmLimit\":1000000}",
                        TestTenant.demo().auth("admin"))
                .json()
                .getString("key");
    }

    @Test
    void aJsonRequestWhoseAuditWriteFailsGets503AndIsSettledOnce() throws Exception {
        String key = newKey();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String marker = "audit-fails-" + run;
        sameMinute();
        Http.Response before = post(CHAT, key, "audit-ok-a-" + run);
        Http.Response failed = withFailingAppends(marker, () -> post(CHAT, key, marker));
        Http.Response after = post(CHAT, key, "audit-ok-b-" + run);

        assertThat(before.status()).as(before.toString()).isEqualTo(200);
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        assertThat(failed.status()).as(failed.toString()).isEqualTo(503);
        assertThat(failed.header("Content-Type")).startsWith("application/json");
        assertThat(failed.json().getJsonObject("error").getString("code"))
                .isEqualTo("audit_unavailable");
        assertThat(failed.body()).doesNotContain("choices").doesNotContain("Exception");
        assertThat(failed.header("x-request-id")).startsWith("req_");

        // one request each, and the failed one's tokens charged exactly as much as a recorded
        // twin's: settled once, not twice, not left at its reservation
        assertThat(remaining(before, "requests") - remaining(failed, "requests")).isEqualTo(1);
        assertThat(remaining(failed, "requests") - remaining(after, "requests")).isEqualTo(1);
        long used = remaining(before, "tokens") - remaining(failed, "tokens");
        assertThat(used).as("a recorded request's real usage").isPositive();
        assertThat(remaining(failed, "tokens") - remaining(after, "tokens")).isEqualTo(used);

        assertThat(events(marker)).as("no event of the failed request").isZero();
        assertThat(events("audit-ok-a-" + run)).isEqualTo(1);
        assertThat(events("audit-ok-b-" + run)).as("recording goes on").isEqualTo(1);
    }

    /**
     * A stream's answer is out before its record (docs/gateway.md, Streaming): when the record
     * fails, the client gets an error event with the same code instead of {@code [DONE]}, and the
     * stream is settled once.
     */
    @Test
    void aStreamWhoseAuditWriteFailsEndsWithAnErrorEventAndIsSettledOnce() throws Exception {
        String key = newKey();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String marker = "audit-fails-stream-" + run;
        sameMinute();
        Http.Response before = post(STREAM, key, "audit-ok-sa-" + run);
        Http.Response failed = withFailingAppends(marker, () -> post(STREAM, key, marker));
        Http.Response after = post(CHAT, key, "audit-ok-sb-" + run);

        assertThat(before.body()).contains("data: [DONE]");
        assertThat(failed.status()).as("the headers left before the record").isEqualTo(200);
        assertThat(failed.body()).contains("account for me").doesNotContain("[DONE]");
        String last = failed.body().trim();
        last = last.substring(last.lastIndexOf("data: ") + 6);
        assertThat(last).contains("\"code\":\"audit_unavailable\"");

        long used = remaining(before, "tokens") - remaining(failed, "tokens");
        assertThat(used).isPositive();
        long settledStream = remaining(failed, "tokens") - remaining(after, "tokens");
        assertThat(settledStream)
                .as("the failed stream settled like its recorded twin")
                .isEqualTo(used);
        assertThat(remaining(failed, "requests") - remaining(after, "requests")).isEqualTo(1);
        assertThat(events(marker)).isZero();
        assertThat(events("audit-ok-sa-" + run)).isEqualTo(1);
    }
}
