package io.gatehouse.testing;

import static io.gatehouse.testing.Changes.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Test helpers for golden sets (issue 23) through the HTTP API: their content, the prompts they are
 * run against, and taking a new set live the way users do.
 */
public final class GoldenSets {
    private GoldenSets() {}

    /** A chat message. */
    public static JsonObject msg(String role, String content) {
        return Json.createObjectBuilder().add("role", role).add("content", content).build();
    }

    /**
     * A prompt whose messages are {@code system} and then {@code user} (each followed by {@code
     * {{product}}}): a case that sends only a system message leaves the prompt's user message last,
     * so the sandbox provider answers {@code You said: "<user> <product>"}.
     */
    public static JsonObject prompt(String system, String user) {
        return Json.createObjectBuilder(Changes.prompt("You help."))
                .add(
                        "messages",
                        Json.createArrayBuilder()
                                .add(msg("system", system + " {{product}}"))
                                .add(msg("user", user + " {{product}}")))
                .build();
    }

    /** A set's content: it binds the prompt {@code prompt} and holds {@code cases}. */
    public static JsonObject bindingPrompt(
            String prompt, double minPassRate, JsonArrayBuilder cases) {
        return binding("prompt", prompt, minPassRate, cases);
    }

    /**
     * A set's content: it binds the {@code kind} (prompt, route, policy) {@code target} and holds
     * {@code cases}.
     */
    public static JsonObject binding(
            String kind, String target, double minPassRate, JsonArrayBuilder cases) {
        return Json.createObjectBuilder()
                .add(
                        "binds",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("kind", kind)
                                                .add("target", target)))
                .add("minPassRate", minPassRate)
                .add("cases", cases)
                .build();
    }

    /** {@code content} with the drift canary {@code canary}. */
    public static JsonObject withCanary(JsonObject content, JsonObjectBuilder canary) {
        return Json.createObjectBuilder(content).add("canary", canary).build();
    }

    /** A drift canary run every {@code everyMinutes} on {@code route}; thresholds may be added. */
    public static JsonObjectBuilder canary(int everyMinutes, String route) {
        return Json.createObjectBuilder()
                .add("everyMinutes", everyMinutes)
                .add("routes", Json.createArrayBuilder().add(route));
    }

    /** The expectation that the answer contains {@code value}. */
    public static JsonObject contains(String value) {
        return Json.createObjectBuilder().add("type", "contains").add("value", value).build();
    }

    /**
     * A case of a prompt's set: the variables {@code product=Acme} and the one message {@code
     * message}, expecting {@code expect}.
     */
    public static JsonObject promptCase(String id, JsonObject message, JsonObject... expect) {
        return Json.createObjectBuilder()
                .add("id", id)
                .add(
                        "input",
                        Json.createObjectBuilder()
                                .add("variables", Json.createObjectBuilder().add("product", "Acme"))
                                .add("messages", Json.createArrayBuilder().add(message)))
                .add("expect", array(expect))
                .build();
    }

    /**
     * A case of a route's or policy's set: a call of {@code model} with the one user message {@code
     * question}, expecting {@code expect}.
     */
    public static JsonObject modelCase(
            String id, String model, String question, JsonObject... expect) {
        return Json.createObjectBuilder()
                .add("id", id)
                .add(
                        "input",
                        Json.createObjectBuilder()
                                .add("model", model)
                                .add(
                                        "messages",
                                        Json.createArrayBuilder().add(msg("user", question))))
                .add("expect", array(expect))
                .build();
    }

    private static JsonArrayBuilder array(JsonObject... values) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (JsonObject v : values) {
            a.add(v);
        }
        return a;
    }

    /** The name the tests give the set of a prompt from {@link Changes#uniquePrompt}. */
    public static String nameFor(String prompt) {
        return "gs-" + prompt.substring(3);
    }

    /**
     * Takes a new golden set live: creates it as author (a new set is HIGH risk), submits it, has
     * two reviewers approve it and an admin publish it, asserting each step; returns the change's
     * id.
     */
    public static String publish(TestTenant t, String name, JsonObject content) {
        return publish(t, name, content, "a golden set");
    }

    /** {@link #publish(TestTenant, String, JsonObject)} with the change's {@code comment}. */
    public static String publish(TestTenant t, String name, JsonObject content, String comment) {
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes",
                        Changes.body("golden_set", name, content, comment),
                        t.auth("author"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().getString("risk")).isEqualTo("HIGH");
        String id = created.json().getString("id");
        assertThat(Changes.ok(t, "author", id, "submit")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer", id, "approve")).isEqualTo("in_review");
        assertThat(Changes.ok(t, "reviewer2", id, "approve")).isEqualTo("approved");
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");
        return id;
    }
}
