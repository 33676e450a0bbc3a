package io.gatehouse.prompts;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Managed prompts on the gateway path: publish through review, call through /v1, roll back. */
class PromptGatewayIT {
    static TestTenant demo;

    @BeforeAll
    static void tenant() {
        demo = TestTenant.demo();
    }

    static Http.Response chat(String model, String variables, String requestId) {
        String body =
                "{\"model\":\""
                        + model
                        + "\",\"prompt_variables\":"
                        + variables
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"My invoice is wrong\"}]}";
        return HTTP.post(
                "/v1/chat/completions",
                body,
                "Authorization",
                "Bearer " + demo.apiKey(),
                "X-Request-Id",
                requestId);
    }

    /**
     * Waits out the cache (invalidated on this instance at commit; polled within a second anyway).
     */
    static Http.Response chatUntil(String model, String version) throws InterruptedException {
        Http.Response r = null;
        for (int i = 0; i < 30; i++) {
            r = chat(model, "{\"product\":\"Acme\"}", "req-it-" + System.nanoTime());
            if (r.status() == 200 && version.equals(r.header("x-gatehouse-prompt-version"))) {
                return r;
            }
            Thread.sleep(200);
        }
        return r;
    }

    static String promptVersionOfRequest(String requestId) throws Exception {
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT prompt_version FROM audit_events WHERE request_id = ? AND action = 'gateway.request'")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void aPublishedPromptServesTheNextGatewayRequestAndARollbackRestoresTheEarlierVersion()
            throws Exception {
        String name = Changes.uniquePrompt();
        String model = "prompt:" + name + "@production";
        assertThat(chat(model, "{\"product\":\"Acme\"}", "req-none").status()).isEqualTo(404);

        String v1 = Changes.publishPrompt(demo, name, "Version one");
        Http.Response first = chatUntil(model, name + "/v1");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.header("x-gatehouse-prompt-version")).isEqualTo(name + "/v1");
        Http.Response recorded = chat(model, "{\"product\":\"Acme\"}", "req-it-recorded");
        assertThat(recorded.status()).isEqualTo(200);
        assertThat(promptVersionOfRequest(recorded.header("x-request-id"))).isEqualTo(name + "/v1");

        Changes.publishPrompt(demo, name, "Version two");
        assertThat(chatUntil(model, name + "/v2").header("x-gatehouse-prompt-version"))
                .isEqualTo(name + "/v2");

        Http.Response rb = Changes.act(demo, "admin", v1, "rollback");
        assertThat(rb.status()).isEqualTo(201);
        // The cache of this instance is dropped at commit: the very next request uses v1.
        Http.Response after =
                chat(model, "{\"product\":\"Acme\"}", "req-after-rollback-" + System.nanoTime());
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.header("x-gatehouse-prompt-version")).isEqualTo(name + "/v1");
    }

    @Test
    void variablesAreValidatedAgainstTheSchema() throws Exception {
        String name = Changes.uniquePrompt();
        Changes.publishPrompt(demo, name, "Checked");
        String model = "prompt:" + name + "@production";
        chatUntil(model, name + "/v1");
        Http.Response missing = chat(model, "{}", "req-missing");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().getJsonObject("error").getString("param"))
                .isEqualTo("prompt_variables.product");
        Http.Response tooLong = chat(model, "{\"product\":\"" + "x".repeat(41) + "\"}", "req-long");
        assertThat(tooLong.status()).isEqualTo(400);
        Http.Response unknown = chat(model, "{\"product\":\"A\",\"prodct\":\"typo\"}", "req-typo");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().getJsonObject("error").getString("param"))
                .isEqualTo("prompt_variables.prodct");
    }

    static Http.Response post(String path, String body, String... auth) {
        return HTTP.post(path, body, auth);
    }

    /**
     * Issue 23: a chat naming a managed prompt may leave {@code messages} out (or empty): the
     * prompt's rendered messages are then the whole conversation. Any other model still needs them,
     * and the Responses and Messages dialects keep their own rules.
     */
    @Test
    void aManagedPromptsChatMayComeWithoutMessagesAndAPlainRouteMayNot() throws Exception {
        String name = Changes.uniquePrompt();
        String model = "prompt:" + name;
        String[] key = {"Authorization", "Bearer " + demo.apiKey()};
        // not published yet: the prompt stage's 404, not a 400 for the missing messages
        Http.Response none =
                post(
                        "/v1/chat/completions",
                        "{\"model\":\"" + model + "\",\"prompt_variables\":{\"product\":\"Acme\"}}",
                        key);
        assertThat(none.status()).as(none.toString()).isEqualTo(404);
        assertThat(none.json().getJsonObject("error").getString("code"))
                .isEqualTo("model_not_found");
        JsonObject content =
                Json.createObjectBuilder(Changes.prompt("unused"))
                        .add(
                                "messages",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("role", "system")
                                                        .add(
                                                                "content",
                                                                "You help with {{product}}"))
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("role", "user")
                                                        .add(
                                                                "content",
                                                                "What does {{product}} cost?")))
                        .build();
        Changes.publishThroughReview(demo, "prompt", name, content, "variables only");
        chatUntil(model + "@production", name + "/v1");

        for (String body :
                List.of(
                        "{\"model\":\"" + model + "\",\"prompt_variables\":{\"product\":\"Acme\"}}",
                        "{\"model\":\""
                                + model
                                + "@production\",\"messages\":[],\"prompt_variables\":{\"product\":\"Acme\"}}")) {
            Http.Response r = post("/v1/chat/completions", body, key);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.header("x-gatehouse-prompt-version")).isEqualTo(name + "/v1");
            // the sandbox quotes the last user message: the prompt's own, rendered
            assertThat(
                            r.json()
                                    .getJsonArray("choices")
                                    .getJsonObject(0)
                                    .getJsonObject("message")
                                    .getString("content"))
                    .contains("You said: \"What does Acme cost?\"");
        }
        // streamed too
        Http.Response streamed =
                post(
                        "/v1/chat/completions",
                        "{\"model\":\""
                                + model
                                + "\",\"stream\":true,\"prompt_variables\":{\"product\":\"Acme\"}}",
                        key);
        assertThat(streamed.status()).as(streamed.toString()).isEqualTo(200);
        assertThat(streamed.body()).contains("Acme").contains("[DONE]");
        // the variables are still checked against the schema
        Http.Response missing = post("/v1/chat/completions", "{\"model\":\"" + model + "\"}", key);
        assertThat(missing.status()).as(missing.toString()).isEqualTo(400);
        assertThat(missing.json().getJsonObject("error").getString("param"))
                .isEqualTo("prompt_variables.product");

        // a plain route alias keeps the rule: 400 naming messages, absent or empty
        for (String body :
                List.of(
                        "{\"model\":\"sandbox\",\"prompt_variables\":{\"product\":\"Acme\"}}",
                        "{\"model\":\"sandbox\",\"messages\":[]}")) {
            Http.Response r = post("/v1/chat/completions", body, key);
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            JsonObject error = r.json().getJsonObject("error");
            assertThat(error.getString("param")).isEqualTo("messages");
            assertThat(error.getString("type")).isEqualTo("invalid_request_error");
        }
        // what a managed prompt's chat gives is still checked
        Http.Response badRole =
                post(
                        "/v1/chat/completions",
                        "{\"model\":\""
                                + model
                                + "\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}],"
                                + "\"prompt_variables\":{\"product\":\"Acme\"}}",
                        key);
        assertThat(badRole.status()).as(badRole.toString()).isEqualTo(400);
        assertThat(badRole.json().getJsonObject("error").getString("param"))
                .isEqualTo("messages[0].role");

        // the dialects keep their own rules (their input is required, prompt or not)
        Http.Response responses = post("/v1/responses", "{\"model\":\"" + model + "\"}", key);
        assertThat(responses.status()).as(responses.toString()).isEqualTo(400);
        Http.Response messages =
                post(
                        "/v1/messages",
                        "{\"model\":\"" + model + "\",\"max_tokens\":64}",
                        "x-api-key",
                        demo.apiKey());
        assertThat(messages.status()).as(messages.toString()).isEqualTo(400);
        assertThat(messages.body()).contains("messages");
    }

    @Test
    void theDemoPromptIsSeededAndServed() {
        Http.Response r = HTTP.get("/api/v1/prompts/support-triage", demo.auth("auditor"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getJsonObject("labels").getJsonObject("production").getInt("version"))
                .isGreaterThanOrEqualTo(1);
        Http.Response c =
                chat(
                        "prompt:support-triage@production",
                        "{\"product\":\"Gatehouse\"}",
                        "req-demo-prompt");
        assertThat(c.status()).as(c.toString()).isEqualTo(200);
        assertThat(c.header("x-gatehouse-prompt-version")).startsWith("support-triage/v");
    }

    @Test
    void aCanarySplitsByTheServersRequestIdsSoAClientsOwnIdCannotPinIt() throws Exception {
        String name = Changes.uniquePrompt();
        String model = "prompt:" + name + "@production";
        Changes.publishPrompt(demo, name, "Stable");
        String id = Changes.publishCanary(demo, name, "Candidate", 50, "half and half");
        // wait until the canary serves at all (each request draws anew)
        boolean canaryLive = false;
        for (int i = 0; i < 60 && !canaryLive; i++) {
            canaryLive =
                    (name + "/v2")
                            .equals(
                                    chat(model, "{\"product\":\"Acme\"}", "warm-" + i)
                                            .header("x-gatehouse-prompt-version"));
        }
        assertThat(canaryLive).isTrue();
        // one client id for every request: the split still follows the server's ids
        Set<String> versions = new HashSet<>();
        Set<String> serverIds = new HashSet<>();
        for (int i = 0; i < 24; i++) {
            Http.Response r = chat(model, "{\"product\":\"Acme\"}", "pinned-client-id");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            versions.add(r.header("x-gatehouse-prompt-version"));
            serverIds.add(r.header("x-request-id"));
            assertThat(promptVersionOfRequest(r.header("x-request-id")))
                    .isEqualTo(r.header("x-gatehouse-prompt-version"));
        }
        assertThat(serverIds).hasSize(24);
        assertThat(versions).containsExactlyInAnyOrder(name + "/v1", name + "/v2");
    }
}
