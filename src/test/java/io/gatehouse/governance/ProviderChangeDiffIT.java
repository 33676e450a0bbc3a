package io.gatehouse.governance;

import static io.gatehouse.governance.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A provider change through governance: the credential is never shown, only that it changed. */
class ProviderChangeDiffIT {
  static final String SECRET_ONE = "sk-it-first-secret-0123456789";
  static final String SECRET_TWO = "sk-it-second-secret-9876543210";

  static String provider(String credential) {
    return "{\"kind\":\"openai\",\"baseUrl\":\"https://api.openai.example/v1\",\"credential\":\""
        + credential + "\",\"models\":[{\"name\":\"gpt-it\"}]}";
  }

  static String create(TestTenant t, String name, String content) {
    Http.Response r =
        HTTP.post("/api/v1/changes",
            "{\"kind\":\"provider\",\"target\":\"" + name + "\",\"content\":" + content + "}",
            t.auth("admin"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.body()).doesNotContain(SECRET_ONE).doesNotContain(SECRET_TWO);
    return r.json().getString("id");
  }

  @Test
  void aCredentialIsWriteOnlyAndShownInDiffsOnlyAsChanged() throws Exception {
    TestTenant t = TestTenant.demo();
    String name = "it-prov-" + UUID.randomUUID().toString().substring(0, 8);
    String first = create(t, name, provider(SECRET_ONE));
    JsonObject c = Changes.get(t, first);
    assertThat(c.getString("risk")).isEqualTo("HIGH");
    assertThat(c.getInt("requiredApprovals")).isEqualTo(2);
    assertThat(c.getJsonObject("content").getString("credential")).isEqualTo("********");
    assertThat(c.getJsonArray("diff"))
        .anySatisfy(d -> {
          assertThat(d.asJsonObject().getString("path")).isEqualTo("/credential");
          assertThat(d.asJsonObject().getBoolean("secret")).isTrue();
          assertThat(d.asJsonObject().containsKey("to")).isFalse();
        });

    // HIGH risk: two distinct reviewers
    Changes.ok(t, "admin", first, "submit");
    assertThat(Changes.ok(t, "reviewer", first, "approve")).isEqualTo("in_review");
    assertThat(Changes.act(t, "admin", first, "publish").status()).isEqualTo(409);
    assertThat(Changes.ok(t, "reviewer2", first, "approve")).isEqualTo("approved");
    assertThat(Changes.ok(t, "admin", first, "publish")).isEqualTo("published");

    String second = create(t, name, provider(SECRET_TWO));
    Http.Response read = HTTP.get("/api/v1/changes/" + second, t.auth("reviewer"));
    assertThat(read.body()).doesNotContain(SECRET_ONE).doesNotContain(SECRET_TWO).doesNotContain("v1:");
    JsonObject diff = read.json();
    assertThat(diff.getString("risk")).isEqualTo("HIGH");
    JsonObject entry =
        diff.getJsonArray("diff").stream()
            .map(v -> v.asJsonObject())
            .filter(d -> d.getString("path").equals("/credential"))
            .findFirst()
            .orElseThrow();
    assertThat(entry.getString("op")).isEqualTo("changed");
    assertThat(entry.getBoolean("secret")).isTrue();
    assertThat(entry.containsKey("from")).isFalse();
    assertThat(entry.containsKey("to")).isFalse();
    assertThat(diff.getJsonArray("diff"))
        .noneSatisfy(d -> assertThat(d.asJsonObject().getString("path")).isEqualTo("/baseUrl"));

    try (var conn = io.gatehouse.testing.Db.asApp();
        var ps = conn.prepareStatement("SELECT count(*) FROM audit_events WHERE details::text LIKE ?")) {
      ps.setString(1, "%sk-it-%");
      try (var rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
    }
  }
}
