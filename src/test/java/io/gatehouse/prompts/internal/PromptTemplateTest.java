package io.gatehouse.prompts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.InputStream;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server's rendering. The vectors in {@code src/test/resources/prompts/render-vectors.json} are
 * shared with the console's preview (web-console/test/promptpreview.test.ts reads the same file),
 * so the preview shows exactly what the gateway sends.
 */
class PromptTemplateTest {
    static JsonObject vectors() throws Exception {
        try (InputStream in =
                        PromptTemplateTest.class.getResourceAsStream(
                                "/prompts/render-vectors.json");
                JsonReader r = Json.createReader(in)) {
            return r.readObject();
        }
    }

    @Test
    void rendersEverySharedVectorAsTheConsolePreviewDoes() throws Exception {
        List<JsonObject> render = vectors().getJsonArray("render").getValuesAs(JsonObject.class);
        assertThat(render).hasSizeGreaterThan(10);
        for (JsonObject v : render) {
            assertThat(
                            PromptTemplate.render(
                                    v.getString("template"),
                                    v.getJsonObject("variables"),
                                    v.getJsonObject("properties")))
                    .as(v.getString("name"))
                    .isEqualTo(v.getString("expected"));
        }
    }

    @Test
    void refusesTheFirstMissingRequiredVariableOfEverySharedVector() throws Exception {
        List<JsonObject> missing = vectors().getJsonArray("missing").getValuesAs(JsonObject.class);
        assertThat(missing).hasSizeGreaterThan(4);
        for (JsonObject v : missing) {
            JsonObject schema = v.getJsonObject("schema");
            VariableSchema.checkSchema(schema, "content.variables");
            List<String> names =
                    v.getJsonArray("missing").getValuesAs(JsonString.class).stream()
                            .map(JsonString::getString)
                            .toList();
            if (names.isEmpty()) {
                assertThatCode(() -> VariableSchema.validate(schema, v.getJsonObject("variables")))
                        .as(v.getString("name"))
                        .doesNotThrowAnyException();
            } else {
                assertThatThrownBy(
                                () -> VariableSchema.validate(schema, v.getJsonObject("variables")))
                        .as(v.getString("name"))
                        .isInstanceOf(ValidationException.class)
                        .hasMessageContaining("'" + names.get(0) + "' is required");
            }
        }
    }

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s.replace('\'', '"'))).readObject();
    }

    static final JsonObject PROPS =
            json(
                    "{'name':{'type':'string'},'n':{'type':'integer'},'lang':{'type':'string','default':'English'}}");

    @Test
    void rendersVariablesWithAndWithoutSpacesAndTripleBraces() {
        assertThat(
                        PromptTemplate.render(
                                "Hi {{name}}, {{ n }} items, {{{name}}} again.",
                                json("{'name':'Ann','n':3}"),
                                PROPS))
                .isEqualTo("Hi Ann, 3 items, Ann again.");
    }

    @Test
    void unsetVariablesUseTheirDefaultOrNothing() {
        assertThat(PromptTemplate.render("[{{name}}] in {{lang}}", json("{}"), PROPS))
                .isEqualTo("[] in English");
        assertThat(PromptTemplate.render("{{lang}}", json("{'lang':'German'}"), PROPS))
                .isEqualTo("German");
    }

    @Test
    void valuesAreInsertedLiterallyNeverReinterpreted() {
        assertThat(PromptTemplate.render("{{name}}", json("{'name':'$1 {{n}} \\\\ <b>'}"), PROPS))
                .isEqualTo("$1 {{n}} \\ <b>");
    }

    @Test
    void listsTheVariablesATemplateUses() {
        assertThat(PromptTemplate.variables("{{a}} {{ b }} {{{c}}} {{a}} { {d} }"))
                .containsExactly("a", "b", "c");
    }
}
