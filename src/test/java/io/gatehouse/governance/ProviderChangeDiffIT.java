package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A provider change through governance: the credential is never shown, only that it changed. */
class ProviderChangeDiffIT {
    static final String SECRET_ONE = "sk-it-first-secret-0123456789";
    static final String SECRET_TWO = "sk-it-second-secret-9876543210";

    static String provider(String credential) {
        return "{\"kind\":\"openai\",\"baseUrl\":\"https://api.openai.example/v1\",\"credential\":\""
                + credential
                + "\",\"models\":[{\"name\":\"gpt-it\"}]}";
    }

    static String create(TestTenant t, String name, String content) {
        Http.Response r =
                HTTP.post(
                        "/api/v1/changes",
                        "{\"kind\":\"provider\",\"target\":\""
                                + name
                                + "\",\"content\":"
                                + content
                                + "}",
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
                .anySatisfy(
                        d -> {
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
        assertThat(read.body())
                .doesNotContain(SECRET_ONE)
                .doesNotContain(SECRET_TWO)
                .doesNotContain("v1:");
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
                .noneSatisfy(
                        d -> assertThat(d.asJsonObject().getString("path")).isEqualTo("/baseUrl"));

        try (var conn = io.gatehouse.testing.Db.asApp();
                var ps =
                        conn.prepareStatement(
                                "SELECT count(*) FROM audit_events WHERE details::text LIKE ?")) {
            ps.setString(1, "%sk-it-%");
            try (var rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    /**
     * A change shows its credential as the mask; that content sent back, as a new change or as a
     * revision, must not make the mask the provider's credential.
     */
    @Test
    void theMaskAChangeShowsIsRefusedAsACredentialOnCreateAndRevise() {
        TestTenant t = TestTenant.fresh();
        String name = "it-mask-" + UUID.randomUUID().toString().substring(0, 8);
        String first = create(t, name, provider(SECRET_ONE));
        JsonObject shown = Changes.get(t, first).getJsonObject("content");
        assertThat(shown.getString("credential")).isEqualTo("********");

        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        "{\"kind\":\"provider\",\"target\":\""
                                + name
                                + "\",\"content\":"
                                + shown
                                + "}",
                        t.auth("admin"));
        assertThat(created.status()).as(created.toString()).isEqualTo(400);
        assertThat(created.json().getString("param")).isEqualTo("content.credential");

        Http.Response revised =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + first,
                        "{\"content\":" + shown + "}",
                        t.auth("admin"));
        assertThat(revised.status()).as(revised.toString()).isEqualTo(400);
        assertThat(revised.json().getString("param")).isEqualTo("content.credential");
        // the draft keeps its sealed credential: still one revision, still the first secret
        assertThat(Changes.get(t, first).getInt("revision")).isEqualTo(1);

        // omitted, the credential is simply not part of the change
        Http.Response omitted =
                HTTP.method(
                        "PUT",
                        "/api/v1/changes/" + first,
                        "{\"content\":"
                                + Json.createObjectBuilder(shown).remove("credential").build()
                                + "}",
                        t.auth("admin"));
        assertThat(omitted.status()).as(omitted.toString()).isEqualTo(200);
    }

    static String change(TestTenant t, String kind, String target, String content) {
        Http.Response r =
                HTTP.post(
                        "/api/v1/changes",
                        "{\"kind\":\""
                                + kind
                                + "\",\"target\":\""
                                + target
                                + "\",\"content\":"
                                + content
                                + "}",
                        t.auth("admin"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().getString("id");
    }

    static String risk(TestTenant t, String kind, String target, String content) {
        return Changes.get(t, change(t, kind, target, content)).getString("risk");
    }

    /** Submits, has it approved by two reviewers and publishes it. */
    static void publish(TestTenant t, String id) {
        Changes.ok(t, "admin", id, "submit");
        Changes.ok(t, "reviewer", id, "approve");
        Changes.ok(t, "reviewer2", id, "approve");
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");
    }

    static String provider(
            String region, int clearance, String options, String models, int timeoutMs) {
        return "{\"kind\":\"openai\",\"baseUrl\":\"https://api.openai.example/v1\",\"region\":\""
                + region
                + "\",\"clearance\":"
                + clearance
                + ",\"timeoutMs\":"
                + timeoutMs
                + ",\"options\":"
                + options
                + ",\"models\":"
                + models
                + "}";
    }

    /**
     * Issue 14 item 8: relabelling a US provider as EU with one approval defeated residency rules.
     * Region, clearance, models, unknown options (e.g. retention), a route's destinations and
     * answer cache, a prompt's route: every field a policy can match on, or that keeps data, is
     * HIGH.
     */
    @Test
    void regionClearanceRetentionAndWhatPoliciesMatchOnAreHighRisk() {
        TestTenant t = TestTenant.fresh();
        String name = "it-risk-" + UUID.randomUUID().toString().substring(0, 8);
        String models = "[{\"name\":\"m1\"}]";
        publish(t, change(t, "provider", name, provider("us-east", 1, "{}", models, 30000)));

        // the exploit: one approval relabels the provider
        String relabel = change(t, "provider", name, provider("eu-west", 1, "{}", models, 30000));
        JsonObject c = Changes.get(t, relabel);
        assertThat(c.getString("risk")).isEqualTo("HIGH");
        assertThat(c.getInt("requiredApprovals")).isEqualTo(2);
        Changes.ok(t, "admin", relabel, "submit");
        assertThat(Changes.ok(t, "reviewer", relabel, "approve")).isEqualTo("in_review");
        Http.Response early = Changes.act(t, "admin", relabel, "publish");
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.body()).contains("not_enough_approvals");

        assertThat(risk(t, "provider", name, provider("us-east", 0, "{}", models, 30000)))
                .as("clearance")
                .isEqualTo("HIGH");
        assertThat(
                        risk(
                                t,
                                "provider",
                                name,
                                provider(
                                        "us-east", 1, "{\"dataRetentionDays\":30}", models, 30000)))
                .as("retention option")
                .isEqualTo("HIGH");
        assertThat(
                        risk(
                                t,
                                "provider",
                                name,
                                provider(
                                        "us-east",
                                        1,
                                        "{}",
                                        "[{\"name\":\"m1\"},{\"name\":\"m2\"}]",
                                        30000)))
                .as("models")
                .isEqualTo("HIGH");
        assertThat(
                        risk(
                                t,
                                "provider",
                                name,
                                provider("us-east", 1, "{\"breakerFailures\":3}", models, 5000)))
                .as("tuning only")
                .isEqualTo("LOW");

        String route = "it-route-" + UUID.randomUUID().toString().substring(0, 8);
        String target = "[{\"provider\":\"" + name + "\",\"model\":\"m1\",\"weight\":1}]";
        String newRoute =
                change(t, "route", route, "{\"cacheTtlSeconds\":0,\"targets\":" + target + "}");
        assertThat(Changes.get(t, newRoute).getString("risk")).as("new route").isEqualTo("HIGH");
        publish(t, newRoute);
        assertThat(risk(t, "route", route, "{\"cacheTtlSeconds\":3600,\"targets\":" + target + "}"))
                .as("answer cache")
                .isEqualTo("HIGH");
        assertThat(
                        risk(
                                t,
                                "route",
                                route,
                                "{\"cacheTtlSeconds\":0,\"strategy\":\"weighted\",\"targets\":"
                                        + target
                                        + "}"))
                .as("strategy")
                .isEqualTo("LOW");

        String prompt = Changes.uniquePrompt();
        Changes.publishPrompt(t, prompt, "Routed");
        JsonObject moved =
                Json.createObjectBuilder(Changes.prompt("Routed")).add("route", route).build();
        assertThat(risk(t, "prompt", prompt, moved.toString()))
                .as("prompt route")
                .isEqualTo("HIGH");
        assertThat(risk(t, "prompt", prompt, Changes.prompt("Reworded").toString()))
                .as("prompt text")
                .isEqualTo("LOW");
    }
}
