package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TcpProxy;
import io.gatehouse.testing.TestEnv;
import java.time.Duration;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows the database: a second Gatehouse instance reaches PostgreSQL through a relay
 * the test cuts and restores. This also exercises the multi-instance harness.
 */
class ReadinessIT {

    @Test
    void readinessGoesDownWithTheDatabaseAndComesBack() throws Exception {
        try (TcpProxy proxy = new TcpProxy(TestEnv.dbHost(), TestEnv.dbPort());
                LibertyInstance second =
                        LibertyInstance.start(
                                "gatehouse-readiness",
                                Map.of(
                                        "GATEHOUSE_DB_HOST",
                                        "127.0.0.1",
                                        "GATEHOUSE_DB_PORT",
                                        String.valueOf(proxy.port())))) {
            second.awaitReady(Duration.ofSeconds(90));
            assertThat(second.http().get("/health/live").status()).isEqualTo(200);

            proxy.down();
            Http.Response down = awaitStatus(second.http(), s -> s == 503, Duration.ofSeconds(60));
            assertThat(down.body()).contains("\"database\"").contains("DOWN");
            assertThat(second.http().get("/health/live").status())
                    .as("liveness does not depend on the database")
                    .isEqualTo(200);

            proxy.up();
            Http.Response up = awaitStatus(second.http(), s -> s == 200, Duration.ofSeconds(60));
            assertThat(up.body()).contains("UP");
        }
    }

    private static Http.Response awaitStatus(Http http, IntPredicate want, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Http.Response last = null;
        while (System.nanoTime() < deadline) {
            last = http.get("/health/ready");
            if (want.test(last.status())) {
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("readiness never reached the expected status; last: " + last);
    }
}
