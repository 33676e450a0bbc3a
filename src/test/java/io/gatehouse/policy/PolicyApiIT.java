package io.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/** /api/v1/policies against the running server (demo mode seeds the demo policy). */
class PolicyApiIT {
  static final Http HTTP = Http.local();
  static final String DRAFT =
      "{\"name\":\"demo\",\"policy\":{\"rules\":[{\"id\":\"no-email\",\"condition\":\"entities.email.count > 0\","
          + "\"action\":\"deny\",\"code\":\"email_not_allowed\",\"message\":\"No e-mail addresses\"}]},"
          + "\"request\":{\"messages\":[{\"role\":\"user\",\"content\":\"write to ann@example.com\"}]}}";

  @Test
  void listsAndReadsTheDemoPolicy() {
    TestTenant demo = TestTenant.demo();
    for (String role : new String[] {"admin", "author", "reviewer", "auditor"}) {
      Http.Response list = HTTP.get("/api/v1/policies", demo.auth(role));
      assertThat(list.status()).as(role).isEqualTo(200);
      assertThat(list.body()).contains("\"demo\"");
    }
    Http.Response one = HTTP.get("/api/v1/policies/demo", demo.auth("auditor"));
    assertThat(one.status()).isEqualTo(200);
    JsonObject p = one.json();
    assertThat(p.getString("version")).startsWith("demo@v");
    assertThat(p.getJsonObject("content").getJsonArray("rules")).hasSize(2);
    assertThat(p.getJsonArray("history")).isNotEmpty();
  }

  @Test
  void withoutOrWithGarbledCredentialsIs401() {
    assertThat(HTTP.get("/api/v1/policies").status()).isEqualTo(401);
    assertThat(HTTP.get("/api/v1/policies/demo", "Authorization", "Bearer not-a-token").status()).isEqualTo(401);
    assertThat(HTTP.post("/api/v1/policies/test", DRAFT).status()).isEqualTo(401);
    assertThat(HTTP.post("/api/v1/policies/test", DRAFT, "Authorization", "Bearer garbage.garbage.garbage").status())
        .isEqualTo(401);
  }

  @Test
  void testBenchNeedsAdminOrAuthor() {
    TestTenant demo = TestTenant.demo();
    assertThat(HTTP.post("/api/v1/policies/test", DRAFT, demo.auth("reviewer")).status()).isEqualTo(403);
    assertThat(HTTP.post("/api/v1/policies/test", DRAFT, demo.auth("auditor")).status()).isEqualTo(403);
    Http.Response r = HTTP.post("/api/v1/policies/test", DRAFT, demo.auth("author"));
    assertThat(r.status()).isEqualTo(200);
    JsonObject sample = r.json().getJsonObject("sample");
    assertThat(sample.getBoolean("changed")).isTrue();
    assertThat(sample.getJsonObject("live").getJsonArray("messages").getString(0)).isEqualTo("write to [EMAIL]");
    assertThat(sample.getJsonObject("draft").getString("code")).isEqualTo("email_not_allowed");
    assertThat(r.json().getJsonObject("traffic").getInt("considered")).isGreaterThanOrEqualTo(0);
  }

  @Test
  void anInvalidDraftNamesTheField() {
    TestTenant demo = TestTenant.demo();
    Http.Response r =
        HTTP.post(
            "/api/v1/policies/test",
            "{\"policy\":{\"rules\":[{\"id\":\"x\",\"condition\":\"entites.email.count > 0\",\"action\":\"deny\"}]}}",
            demo.auth("admin"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("content.rules[0].condition");
  }

  @Test
  void anotherTenantsPolicyIs404() {
    TestTenant other = TestTenant.fresh();
    assertThat(HTTP.get("/api/v1/policies/demo", other.auth("admin")).status()).isEqualTo(404);
    Http.Response list = HTTP.get("/api/v1/policies", other.auth("admin"));
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).doesNotContain("\"demo\"");
  }
}
