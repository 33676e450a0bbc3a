package io.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The policy stage end to end through {@code /v1} (needs routing's sandbox provider): the demo
 * policy redacts before the provider sees the text (the sandbox quotes what it received), denies
 * credentials with a stable code, and a policy published in one tenant does not apply in another.
 */
class PolicyGatewayIT {
  static final Http HTTP = Http.local();

  static String chat(String content) {
    return Json.createObjectBuilder()
        .add("model", "sandbox")
        .add("messages", Json.createArrayBuilder().add(Json.createObjectBuilder().add("role", "user").add("content", content)))
        .build()
        .toString();
  }

  @Test
  void demoPolicyRedactsEmailAndCardBeforeTheProvider() {
    Http.Response r =
        HTTP.post("/v1/chat/completions", chat("I am ann@example.com, card 4111 1111 1111 1111"),
            TestTenant.demo().keyAuth());
    assertThat(r.status()).isEqualTo(200);
    String answer = r.json().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
    assertThat(answer).contains("[EMAIL]").contains("[CARD]").doesNotContain("ann@example.com").doesNotContain("4111");
  }

  @Test
  void demoPolicyDeniesCredentialsWithAStableCode() {
    Http.Response r =
        HTTP.post("/v1/chat/completions", chat("why does AKIAIOSFODNN7EXAMPLE fail?"), TestTenant.demo().keyAuth());
    assertThat(r.status()).isEqualTo(403);
    JsonObject error = r.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("credentials_in_prompt");
    assertThat(error.getString("message")).contains("credentials");
    assertThat(r.body()).doesNotContain("AKIAIOSFODNN7EXAMPLE");
  }

  @Test
  void aTenantsPolicyDoesNotApplyToAnotherTenant() {
    TestTenant a = TestTenant.fresh();
    TestTenant b = TestTenant.fresh();
    String name = "block-" + UUID.randomUUID().toString().substring(0, 8);
    String change =
        Json.createObjectBuilder()
            .add("kind", "policy")
            .add("target", name)
            .add("comment", "block the word")
            .add(
                "content",
                Json.createObjectBuilder()
                    .add(
                        "rules",
                        Json.createArrayBuilder()
                            .add(
                                Json.createObjectBuilder()
                                    .add("id", "no-ip")
                                    .add("condition", "entities.ip.count > 0")
                                    .add("action", "deny")
                                    .add("code", "ip_not_allowed")
                                    .add("message", "No IP addresses"))))
            .build()
            .toString();
    Http.Response created = HTTP.post("/api/v1/changes", change, a.auth("author"));
    assertThat(created.status()).as(created.toString()).isIn(200, 201);
    String id = created.json().getString("id");
    String comment = "{\"comment\":\"ok\"}";
    assertThat(HTTP.post("/api/v1/changes/" + id + "/submit", comment, a.auth("author")).status()).isLessThan(300);
    assertThat(HTTP.post("/api/v1/changes/" + id + "/approve", comment, a.auth("reviewer")).status()).isLessThan(300);
    assertThat(HTTP.post("/api/v1/changes/" + id + "/publish", comment, a.auth("admin")).status()).isLessThan(300);

    assertThat(HTTP.get("/api/v1/policies/" + name, a.auth("auditor")).status()).isEqualTo(200);
    assertThat(HTTP.get("/api/v1/policies/" + name, b.auth("auditor")).status()).isEqualTo(404);

    // Tenants need a sandbox route for this part; fresh tenants get one in demo mode (routing's seed).
    Http.Response denied = HTTP.post("/v1/chat/completions", chat("ping 10.0.0.1"), a.keyAuth());
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.json().getJsonObject("error").getString("code")).isEqualTo("ip_not_allowed");
    Http.Response allowed = HTTP.post("/v1/chat/completions", chat("ping 10.0.0.1"), b.keyAuth());
    assertThat(allowed.status()).isNotEqualTo(403);
  }
}
