package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** Security headers, the CORS allowlist, the body size limit and the signing key rotation. */
class EdgeHeadersIT {
  private final Http http = Http.local();

  @Test
  void securityHeadersOnApiAnswers() {
    Http.Response r = http.get("/api/v1/me", TestTenant.demo().auth("admin"));
    assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'");
  }

  @Test
  void corsOnlyForAllowedOrigins() {
    String allowed = "http://console.example.test";
    Http.Response pre =
        http.send(
            HttpRequest.newBuilder(URI.create(http0() + "/api/v1/me"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()),
            "Origin", allowed, "Access-Control-Request-Method", "GET");
    assertThat(pre.status()).isEqualTo(204);
    assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo(allowed);
    Http.Response other = http.get("/api/v1/me", "Origin", "http://evil.example.test");
    assertThat(other.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void oversizedBodiesAreRefusedBeforeParsing() {
    String huge = "{\"model\":\"sandbox\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5_000_000) + "\"}]}";
    // Expect: 100-continue lets the server refuse before the client sends the body
    Http.Response v1 =
        http.send(
            HttpRequest.newBuilder(URI.create(http0() + "/v1/chat/completions"))
                .expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(huge)),
            TestTenant.demo().keyAuth());
    assertThat(v1.status()).isEqualTo(413);
    assertThat(v1.json().getJsonObject("error").getString("code")).isEqualTo("request_too_large");
    Http.Response api =
        http.send(
            HttpRequest.newBuilder(URI.create(http0() + "/api/v1/auth/login"))
                .expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(huge)));
    assertThat(api.status()).isEqualTo(413);
    assertThat(api.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void signingKeyRotationKeepsEarlierTokensValid() {
    String platform = TestTenant.login(TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD);
    String before = TestTenant.login("dave", TestTenant.DEMO_PASSWORD);
    int keysBefore = http.get("/.well-known/jwks.json").json().getJsonArray("keys").size();
    assertThat(http.post("/api/v1/platform/signing-keys/rotate", "", TestTenant.demo().auth("admin")).status())
        .isEqualTo(403);
    assertThat(http.post("/api/v1/platform/signing-keys/rotate", "", "Authorization", "Bearer " + platform).status())
        .isEqualTo(204);
    assertThat(http.get("/.well-known/jwks.json").json().getJsonArray("keys").size()).isEqualTo(keysBefore + 1);
    String after = TestTenant.login("dave", TestTenant.DEMO_PASSWORD);
    assertThat(header(after)).isNotEqualTo(header(before));
    assertThat(http.get("/api/v1/me", "Authorization", "Bearer " + before).status()).isEqualTo(200);
    assertThat(http.get("/api/v1/me", "Authorization", "Bearer " + after).status()).isEqualTo(200);
  }

  private static String header(String jwt) {
    return jwt.substring(0, jwt.indexOf('.'));
  }

  private static String http0() {
    return io.gatehouse.testing.TestEnv.baseUrl();
  }
}
