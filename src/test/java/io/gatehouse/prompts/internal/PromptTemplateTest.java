package io.gatehouse.prompts.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {
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
