package io.gatehouse.governance;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/changes/live/{kind}/{target}} (issue 21): what is live for any kind's target
 * in the caller's tenant, secrets masked, for those who may author changes (200 for author and
 * admin, 401, 403 for reviewer and auditor, 404 for a name not live here or another tenant's, 400
 * for an unknown kind).
 */
class LiveContentIT {
    static Http.Response live(TestTenant t, String role, String kind, String target) {
        String path = "/api/v1/changes/live/" + kind + "/" + target;
        return role == null ? HTTP.get(path) : HTTP.get(path, t.auth(role));
    }

    @Test
    void aProvidersLiveContentIsReadWithItsCredentialMasked() {
        TestTenant t = TestTenant.fresh();
        String name = "it-live-" + UUID.randomUUID().toString().substring(0, 8);
        String id =
                ProviderChangeDiffIT.create(
                        t, name, ProviderChangeDiffIT.provider(ProviderChangeDiffIT.SECRET_ONE));
        ProviderChangeDiffIT.publish(t, id);
        for (String role : new String[] {"author", "admin"}) {
            Http.Response r = live(t, role, "provider", name);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            JsonObject b = r.json();
            assertThat(b.getString("kind")).isEqualTo("provider");
            assertThat(b.getString("target")).isEqualTo(name);
            assertThat(b.getString("version")).isNotBlank();
            JsonObject content = b.getJsonObject("content");
            assertThat(content.getString("kind")).isEqualTo("openai");
            assertThat(content.getJsonArray("models").getJsonObject(0).getString("name"))
                    .isEqualTo("gpt-it");
            assertThat(content.getBoolean("credentialSet")).isTrue();
            assertThat(r.body()).doesNotContain(ProviderChangeDiffIT.SECRET_ONE);
        }
        // a change made from it is based on the version the read names
        String version = live(t, "author", "provider", name).json().getString("version");
        Http.Response next =
                HTTP.post(
                        "/api/v1/changes",
                        "{\"kind\":\"provider\",\"target\":\""
                                + name
                                + "\",\"content\":"
                                + jakarta.json.Json.createObjectBuilder(
                                                live(t, "author", "provider", name)
                                                        .json()
                                                        .getJsonObject("content"))
                                        .remove("credentialSet")
                                        .build()
                                + "}",
                        t.auth("author"));
        assertThat(next.status()).as(next.toString()).isEqualTo(201);
        assertThat(next.json().getString("baseVersion")).isEqualTo(version);
    }

    @Test
    void promptsAndPoliciesAreReadTheSameWay() {
        TestTenant t = TestTenant.demo();
        String prompt = Changes.uniquePrompt();
        Changes.publishPrompt(t, prompt, "Live text");
        Http.Response p = live(t, "author", "prompt", prompt);
        assertThat(p.status()).as(p.toString()).isEqualTo(200);
        assertThat(p.json().getJsonObject("content").toString()).contains("Live text");
        // a policy in a tenant of its own: it would deny the demo tenant's requests naming an IP
        TestTenant own = TestTenant.fresh();
        String policy = "it-live-" + UUID.randomUUID().toString().substring(0, 8);
        Changes.publishPolicy(own, policy, Changes.noIpPolicy());
        Http.Response q = live(own, "admin", "policy", policy);
        assertThat(q.status()).as(q.toString()).isEqualTo(200);
        assertThat(
                        q.json()
                                .getJsonObject("content")
                                .getJsonArray("rules")
                                .getJsonObject(0)
                                .getString("id"))
                .isEqualTo("no-ip");
    }

    @Test
    void accessIsForAuthorsAndAdminsOfTheTenantOnly() {
        TestTenant t = TestTenant.demo();
        TestTenant other = TestTenant.fresh();
        String prompt = Changes.uniquePrompt();
        Changes.publishPrompt(t, prompt, "Mine");
        assertThat(live(t, null, "prompt", prompt).status()).isEqualTo(401);
        for (String role : new String[] {"reviewer", "auditor"}) {
            Http.Response r = live(t, role, "prompt", prompt);
            assertThat(r.status()).as(role + ": " + r).isEqualTo(403);
        }
        // another tenant's target is not live in the caller's tenant: 404, as a name never used
        for (String target : new String[] {prompt, "no-such-" + UUID.randomUUID()}) {
            Http.Response r = live(other, "admin", "prompt", target);
            assertThat(r.status()).as(r.toString()).isEqualTo(404);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.json().getString("code")).isEqualTo("not_live");
            assertThat(r.body()).doesNotContain("Mine");
        }
        Http.Response kind = live(t, "author", "no_such_kind", prompt);
        assertThat(kind.status()).as(kind.toString()).isEqualTo(400);
        assertThat(kind.json().getString("param")).isEqualTo("kind");
        assertThat(kind.body()).doesNotContain("Exception");
    }
}
