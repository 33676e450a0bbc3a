package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A client that leaves before the first byte of its stream (docs/gateway.md, step 9): the request
 * is still recorded once, as a 499, and the provider's only bulkhead permit is back, so the next
 * stream is served. Whether the container still hands the stream to the relay (which then fails to
 * write: {@code client_closed_request}) or never writes it (the request-end safety net: {@code
 * stream_not_written}), the record and the permit must follow.
 */
class StreamSafetyNetIT {
    @Test
    void aClientGoneBeforeTheFirstByteIsRecordedAndGivesBackThePermit() throws Exception {
        TestTenant t = TestTenant.fresh();
        CatalogFixture.provider(
                t.id(), "lone", "sandbox", null, "{\"delayMs\":1200}", "m", "chat,streaming");
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE routing_providers SET max_concurrency = 1 WHERE tenant_id = ?::uuid AND name = 'lone'")) {
            ps.setString(1, t.id());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        CatalogFixture.route(t.id(), "lone", "chat", "priority", 0, "lone/m");
        String body =
                "{\"model\":\"lone\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"bye\"}]}";
        // the catalog is read through its revision check: wait until the route answers
        Http.Response warm = null;
        for (int i = 0; i < 50; i++) {
            warm = Http.local().post("/v1/chat/completions", body, t.keyAuth());
            if (warm.status() == 200) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(warm.status()).as(warm.toString()).isEqualTo(200);

        String marker = "gone-" + UUID.randomUUID().toString().substring(0, 8);
        try (Socket s = new Socket("localhost", TestEnv.httpPort())) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head =
                    "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                            + "Authorization: Bearer "
                            + t.apiKey()
                            + "\r\nContent-Type: application/json\r\nX-Request-Id: "
                            + marker
                            + "\r\nContent-Length: "
                            + b.length
                            + "\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
            Thread.sleep(300); // the provider holds its first chunk for 1.2 s
            s.setSoLinger(true, 0); // leave with a reset, before any byte of the answer
        }

        String[] recorded = null;
        long deadline = System.currentTimeMillis() + 20_000;
        while (recorded == null && System.currentTimeMillis() < deadline) {
            recorded = event(marker);
            if (recorded == null) {
                Thread.sleep(200);
            }
        }
        assertThat(recorded).as("the abandoned stream's audit event").isNotNull();
        assertThat(recorded[0]).isEqualTo("499");
        assertThat(recorded[1]).isIn("client_closed_request", "stream_not_written");
        assertThat(recorded[2]).as("one event").isEqualTo("1");

        Http.Response next = Http.local().post("/v1/chat/completions", body, t.keyAuth());
        assertThat(next.status()).as("the only permit is back: %s", next).isEqualTo(200);
        assertThat(next.body()).contains("data: [DONE]");
    }

    /** status code, error and count of the request's gateway events, or null when none yet. */
    private static String[] event(String clientRequestId) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT max(status_code), max(details->>'error'), count(*) FROM audit_events"
                                        + " WHERE action = 'gateway.request' AND details->>'client.request_id' = ?")) {
            ps.setString(1, clientRequestId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(3) == 0
                        ? null
                        : new String[] {rs.getString(1), rs.getString(2), rs.getString(3)};
            }
        }
    }
}
