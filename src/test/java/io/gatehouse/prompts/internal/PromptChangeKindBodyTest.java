package io.gatehouse.prompts.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The chat body of a prompt's test call and of a golden-set case (issue 23). */
class PromptChangeKindBodyTest {
    static final JsonObject VARIABLES = Json.createObjectBuilder().add("product", "Acme").build();

    @Test
    void aCaseGivenByItsVariablesAloneSendsNoMessages() {
        for (JsonArray none : new JsonArray[] {null, Json.createArrayBuilder().build()}) {
            JsonObject body = PromptChangeKind.body("support", "production", none, VARIABLES);
            assertThat(body.getString("model")).isEqualTo("prompt:support@production");
            assertThat(body.containsKey("messages")).isFalse();
            assertThat(body.getJsonObject("prompt_variables")).isEqualTo(VARIABLES);
        }
    }

    @Test
    void theCasesOwnMessagesComeAfterThePromptsAsGiven() {
        JsonArray messages =
                Json.createArrayBuilder()
                        .add(Json.createObjectBuilder().add("role", "user").add("content", "Hi"))
                        .build();
        JsonObject body = PromptChangeKind.body("support", "staging", messages, null);
        assertThat(body.getString("model")).isEqualTo("prompt:support@staging");
        assertThat(body.getJsonArray("messages")).isEqualTo(messages);
        assertThat(body.containsKey("prompt_variables")).isFalse();
    }
}
