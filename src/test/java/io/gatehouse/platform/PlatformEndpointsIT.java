package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.MetricsScrape;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The fixed platform endpoints and the cross-cutting error and request-id behaviour. */
class PlatformEndpointsIT {
    private final Http http = Http.local();

    @Test
    void readyIncludesTheDatabase() {
        Http.Response r = http.get("/health/ready");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonObject body = r.json();
        assertThat(body.getString("status")).isEqualTo("UP");
        assertThat(body.getJsonArray("checks").getValuesAs(JsonObject.class))
                .anySatisfy(
                        c -> {
                            assertThat(c.getString("name")).isEqualTo("database");
                            assertThat(c.getString("status")).isEqualTo("UP");
                            assertThat(c.getJsonObject("data").getString("schemaVersion"))
                                    .isNotBlank();
                        });
    }

    @Test
    void liveAnswers() {
        assertThat(http.get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void metricsArePrometheusText() {
        // as the configured scraper: /metrics is not public (MetricsAccessIT)
        var r = MetricsScrape.get(TestEnv.httpsPort(), MetricsScrape.USER, MetricsScrape.PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
        assertThat(r.body()).contains("# TYPE").contains("jvm_");
    }

    @Test
    void openApiDocumentIsServedWithItsUi() {
        Http.Response doc = http.get("/openapi");
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.body()).contains("openapi:").contains("Gatehouse");
        assertThat(http.get("/openapi/ui/").status()).isEqualTo(200);
    }

    @Test
    void theServerMintsEveryRequestIdAndEchoesTheClientsApart() {
        assertThat(http.get("/health/live").status()).isEqualTo(200);
        Http.Response sent = http.get("/api/v1/nothing-here", "X-Request-Id", "trace-me-42");
        assertThat(sent.status()).as("unauthenticated callers cannot probe paths").isEqualTo(401);
        assertThat(sent.header("X-Request-Id")).matches("req_[0-9a-f]{24}");
        assertThat(sent.header("X-Client-Request-Id")).isEqualTo("trace-me-42");
        assertThat(sent.json().getString("requestId")).isEqualTo(sent.header("X-Request-Id"));
        Http.Response generated = http.get("/api/v1/nothing-here");
        assertThat(generated.header("X-Request-Id")).matches("req_[0-9a-f]{24}");
        assertThat(generated.header("X-Client-Request-Id")).isNull();
        Http.Response unsafe = http.get("/api/v1/nothing-here", "X-Request-Id", "a b");
        assertThat(unsafe.header("X-Request-Id")).matches("req_[0-9a-f]{24}");
        assertThat(unsafe.header("X-Client-Request-Id")).isNull();
    }

    @Test
    void unknownManagementPathIsProblemJson() {
        Http.Response r =
                http.get(
                        "/api/v1/nothing-here",
                        "X-Request-Id",
                        "rid-1",
                        TestTenant.demo().auth("admin")[0],
                        TestTenant.demo().auth("admin")[1]);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        JsonObject p = r.json();
        assertThat(p.getInt("status")).isEqualTo(404);
        assertThat(p.getString("title")).isEqualTo("Not Found");
        assertThat(p.getString("type")).isEqualTo("urn:gatehouse:problem:not_found");
        assertThat(p.getString("requestId"))
                .isEqualTo(r.header("X-Request-Id"))
                .isNotEqualTo("rid-1");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
    }

    @Test
    void unknownOpenAiPathIsOpenAiErrorJson() {
        Http.Response r = http.get("/v1/nothing-here", TestTenant.demo().keyAuth());
        assertThat(r.status()).isEqualTo(404);
        JsonObject err = r.json().getJsonObject("error");
        assertThat(err.getString("message")).isNotBlank();
        assertThat(err.getString("type")).isEqualTo("invalid_request_error");
        assertThat(err.getString("code")).isEqualTo("not_found");
        assertThat(err.isNull("param")).isTrue();
    }
}
