package io.gatehouse.prompts;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry's read API, canary labels and promotion, through the change workflow. */
class PromptRegistryIT {
    static TestTenant demo;

    @BeforeAll
    static void tenant() {
        demo = TestTenant.demo();
    }

    @Test
    void aCanaryPublishSplitsTheLabelAndPromotingItReusesTheVersion() {
        String name = Changes.uniquePrompt();
        Changes.publishPrompt(demo, name, "Stable");
        String id = Changes.publishCanary(demo, name, "Candidate", 25, "try it on a quarter");
        JsonObject label =
                HTTP.get("/api/v1/prompts/" + name, demo.auth("auditor"))
                        .json()
                        .getJsonObject("labels")
                        .getJsonObject("production");
        assertThat(label.getInt("version")).isEqualTo(1);
        assertThat(label.getInt("canaryVersion")).isEqualTo(2);
        assertThat(label.getInt("canaryPercent")).isEqualTo(25);

        Changes.publishPrompt(demo, name, "Candidate");
        JsonObject after = HTTP.get("/api/v1/prompts/" + name, demo.auth("auditor")).json();
        JsonObject promoted = after.getJsonObject("labels").getJsonObject("production");
        assertThat(promoted.getInt("version")).isEqualTo(2);
        assertThat(promoted.isNull("canaryVersion")).isTrue();
        assertThat(promoted.getInt("canaryPercent")).isZero();
        assertThat(after.getJsonArray("versions")).hasSize(2);
    }

    @Test
    void aCanaryNeedsAnEarlierVersionOnTheLabel() {
        JsonObject canary =
                Json.createObjectBuilder(Changes.prompt("Alone"))
                        .add("canary", Json.createObjectBuilder().add("percent", 10))
                        .build();
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("prompt", Changes.uniquePrompt(), canary, "c"),
                        demo.auth("author"));
        String id = created.json().getString("id");
        Changes.ok(demo, "author", id, "submit");
        Changes.ok(demo, "reviewer", id, "approve");
        Http.Response publish = Changes.act(demo, "admin", id, "publish");
        assertThat(publish.status()).isEqualTo(409);
        assertThat(publish.body()).contains("canary_without_base");
        assertThat(Changes.get(demo, id).getString("state")).isEqualTo("approved");
    }

    @Test
    void versionHistoryAndDiffBetweenVersions() {
        String name = Changes.uniquePrompt();
        Changes.publishPrompt(demo, name, "One");
        Changes.publishPrompt(demo, name, "Two");
        Http.Response v1 =
                HTTP.get("/api/v1/prompts/" + name + "/versions/1", demo.auth("reviewer"));
        assertThat(v1.status()).isEqualTo(200);
        assertThat(
                        v1.json()
                                .getJsonObject("content")
                                .getJsonArray("messages")
                                .getJsonObject(0)
                                .getString("content"))
                .isEqualTo("One {{product}}");
        Http.Response diff =
                HTTP.get("/api/v1/prompts/" + name + "/diff?from=1&to=v2", demo.auth("reviewer"));
        assertThat(diff.status()).isEqualTo(200);
        assertThat(diff.json().getJsonArray("diff")).hasSize(1);
        assertThat(diff.json().getJsonArray("diff").getJsonObject(0).getString("to"))
                .isEqualTo("Two {{product}}");
        assertThat(
                        HTTP.get("/api/v1/prompts/" + name + "/versions/9", demo.auth("reviewer"))
                                .status())
                .isEqualTo(404);
        assertThat(
                        HTTP.get(
                                        "/api/v1/prompts/" + name + "/diff?from=x&to=1",
                                        demo.auth("reviewer"))
                                .status())
                .isEqualTo(400);
        assertThat(HTTP.get("/api/v1/prompts", demo.auth("auditor")).json().getJsonArray("data"))
                .extracting(v -> v.asJsonObject().getString("name"))
                .contains(name, "support-triage");
    }
}
