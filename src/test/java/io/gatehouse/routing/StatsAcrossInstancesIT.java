package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's numbers come from the database, not from the instance that answers (issue 22):
 * traffic served by a second instance, and the circuit breaker it opened, are read from the first.
 */
class StatsAcrossInstancesIT {
    static final String SECOND = "gatehouse-second-stats";
    static LibertyInstance second;

    @BeforeAll
    static void start() throws Exception {
        second = LibertyInstance.start(SECOND, Map.of("GATEHOUSE_INSTANCE_NAME", SECOND));
        second.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void trafficAndABreakerOfTheSecondInstanceAreReadOnTheFirst() throws Exception {
        TestTenant t = TestTenant.fresh();
        Instant from = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        CatalogFixture.provider(
                t.id(),
                "down",
                "sandbox",
                null,
                "{\"failStatus\": 503, \"breakerFailures\": 2, \"breakerOpenMs\": 600000}",
                "m-down",
                "chat");
        CatalogFixture.provider(t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
        CatalogFixture.route(t.id(), "flaky", "chat", "priority", 0, "down/m-down", "sb/sb-chat");
        String body = "{\"model\":\"flaky\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        Http.Response r = null;
        int sent = 0;
        for (int i = 0; i < 50; i++) { // the second instance's catalog may lag a moment
            r = second.http().post("/v1/chat/completions", body, t.keyAuth());
            sent++;
            if (r.status() == 200) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        for (int i = 0; i < 2; i++) {
            r = second.http().post("/v1/chat/completions", body, t.keyAuth());
            sent++;
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
        }

        // read on the first instance, which never called the failing provider
        Http first = Http.local();
        JsonObject down = null;
        for (int i = 0; i < 50 && down == null; i++) {
            Http.Response b = first.get("/api/v1/stats/breakers", t.auth("admin"));
            assertThat(b.status()).as(b.toString()).isEqualTo(200);
            down =
                    b.json().getJsonArray("breakers").getValuesAs(JsonObject.class).stream()
                            .filter(x -> x.getString("provider").equals("down"))
                            .filter(x -> x.getString("state").equals("open"))
                            .findFirst()
                            .orElse(null);
            if (down == null) {
                Thread.sleep(200);
            }
        }
        assertThat(down).as("the second instance's open breaker").isNotNull();
        // a tenant sees the instance numbered, never its name (the platform's host or pod name)
        assertThat(down.getString("instance")).matches("instance-[0-9]+");
        assertThat(first.get("/api/v1/stats/breakers", t.auth("auditor")).body())
                .doesNotContain(SECOND);
        // the platform admin sees which instance it is
        String platform =
                TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
        List<JsonObject> all =
                first.get(
                                "/api/v1/stats/breakers?tenant=" + t.id(),
                                "Authorization",
                                "Bearer " + platform)
                        .json()
                        .getJsonArray("breakers")
                        .getValuesAs(JsonObject.class);
        assertThat(all)
                .filteredOn(x -> x.getString("provider").equals("down"))
                .extracting(x -> x.getString("instance"))
                .containsExactly(SECOND);
        // another tenant sees none of it
        TestTenant other = TestTenant.fresh();
        assertThat(first.get("/api/v1/stats/breakers", other.auth("admin")).body())
                .doesNotContain("\"down\"");

        String period =
                "from="
                        + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8)
                        + "&to="
                        + URLEncoder.encode(
                                Instant.now().plus(1, ChronoUnit.MINUTES).toString(),
                                StandardCharsets.UTF_8)
                        + "&step=PT1M&groupBy=none";
        Http.Response series = first.get("/api/v1/stats/gateway?" + period, t.auth("admin"));
        assertThat(series.status()).as(series.toString()).isEqualTo(200);
        long requests =
                series
                        .json()
                        .getJsonArray("series")
                        .getJsonObject(0)
                        .getJsonArray("points")
                        .getValuesAs(JsonObject.class)
                        .stream()
                        .mapToLong(p -> ((JsonNumber) p.get("requests")).longValue())
                        .sum();
        // every request the second instance answered, none of them served by the first
        assertThat(requests).isEqualTo(sent);
    }
}
