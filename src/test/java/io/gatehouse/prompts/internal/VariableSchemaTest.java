package io.gatehouse.prompts.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class VariableSchemaTest {
    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s.replace('\'', '"'))).readObject();
    }

    static final JsonObject SCHEMA =
            json(
                    "{'type':'object','required':['product'],'properties':{"
                            + "'product':{'type':'string','maxLength':10,'minLength':2},"
                            + "'language':{'type':'string','enum':['English','German']},"
                            + "'count':{'type':'integer','minimum':1,'maximum':5},"
                            + "'ratio':{'type':'number'},'urgent':{'type':'boolean'}}}");

    record Case(String variables, String param) {}

    @Test
    void validVariablesPass() {
        for (String ok :
                List.of(
                        "{'product':'acme'}",
                        "{'product':'acme','language':'German','count':5,'ratio':0.5,'urgent':true}",
                        "{'product':'ab','language':null}")) {
            assertThatCode(() -> VariableSchema.validate(SCHEMA, json(ok)))
                    .as(ok)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void invalidVariablesNameTheParameter() {
        for (Case c :
                List.of(
                        new Case("{}", "prompt_variables.product"),
                        new Case("{'product':null}", "prompt_variables.product"),
                        new Case("{'product':'a'}", "prompt_variables.product"),
                        new Case("{'product':'abcdefghijk'}", "prompt_variables.product"),
                        new Case("{'product':7}", "prompt_variables.product"),
                        new Case(
                                "{'product':'acme','language':'Klingon'}",
                                "prompt_variables.language"),
                        new Case("{'product':'acme','count':0}", "prompt_variables.count"),
                        new Case("{'product':'acme','count':6}", "prompt_variables.count"),
                        new Case("{'product':'acme','count':1.5}", "prompt_variables.count"),
                        new Case("{'product':'acme','ratio':'x'}", "prompt_variables.ratio"),
                        new Case("{'product':'acme','urgent':'yes'}", "prompt_variables.urgent"),
                        new Case(
                                "{'product':'acme','prodcut':'typo'}",
                                "prompt_variables.prodcut"))) {
            assertThatThrownBy(() -> VariableSchema.validate(SCHEMA, json(c.variables())))
                    .as(c.variables())
                    .isInstanceOfSatisfying(
                            ValidationException.class,
                            e ->
                                    org.assertj.core.api.Assertions.assertThat(e.param())
                                            .isEqualTo(c.param()));
        }
    }

    @Test
    void nullVariablesAreAnEmptyObject() {
        assertThatThrownBy(() -> VariableSchema.validate(SCHEMA, null))
                .isInstanceOf(ValidationException.class);
        assertThatCode(() -> VariableSchema.validate(json("{'type':'object'}"), null))
                .doesNotThrowAnyException();
    }

    @Test
    void additionalPropertiesTrueAllowsUndeclaredVariables() {
        assertThatCode(
                        () ->
                                VariableSchema.validate(
                                        json("{'type':'object','additionalProperties':true}"),
                                        json("{'x':1}")))
                .doesNotThrowAnyException();
    }

    @Test
    void schemasOutsideTheSupportedSubsetAreRefused() {
        for (String bad :
                List.of(
                        "{'type':'array'}",
                        "{'type':'object','properties':{'a':{'type':'object'}}}",
                        "{'type':'object','properties':{'a':{'type':'string','pattern':'x'}}}",
                        "{'type':'object','properties':{'a':{'type':'string','maxLength':-1}}}",
                        "{'type':'object','required':['b'],'properties':{'a':{'type':'string'}}}",
                        "{'type':'object','oneOf':[]}",
                        "{'type':'object','properties':{'a b':{'type':'string'}}}",
                        "{'type':'object','properties':{'a':{'type':'string','enum':[]}}}")) {
            assertThatThrownBy(() -> VariableSchema.checkSchema(json(bad), "content.variables"))
                    .as(bad)
                    .isInstanceOf(ValidationException.class);
        }
        assertThatCode(() -> VariableSchema.checkSchema(SCHEMA, "content.variables"))
                .doesNotThrowAnyException();
    }
}
