package io.gatehouse.prompts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptContentTest {
    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s.replace('\'', '"'))).readObject();
    }

    static final String OK =
            "{'messages':[{'role':'system','content':'Triage for {{product}}'}],"
                    + "'variables':{'type':'object','properties':{'product':{'type':'string'}}},"
                    + "'route':'sandbox','label':'production'}";

    @Test
    void normalizesWithDefaults() {
        JsonObject n = PromptContent.parse(json(OK)).toJson();
        assertThat(n.getJsonObject("parameters")).isEmpty();
        assertThat(n.getString("label")).isEqualTo("production");
        assertThat(n.containsKey("canary")).isFalse();
        JsonObject noLabel =
                PromptContent.parse(json(OK.replace(",'label':'production'", ""))).toJson();
        assertThat(noLabel.getString("label")).isEqualTo("production");
        assertThat(PromptContent.parse(n).toJson()).isEqualTo(n);
    }

    @Test
    void versionHashIgnoresTheLabelAndCanary() {
        PromptContent a = PromptContent.parse(json(OK));
        PromptContent b = PromptContent.parse(json(OK.replace("production", "staging")));
        PromptContent c =
                PromptContent.parse(json(OK.replace("'label'", "'canary':{'percent':10},'label'")));
        assertThat(a.versionHash()).isEqualTo(b.versionHash()).isEqualTo(c.versionHash());
        assertThat(c.canaryPercent()).isEqualTo(10);
        assertThat(PromptContent.parse(json(OK.replace("Triage", "Sort"))).versionHash())
                .isNotEqualTo(a.versionHash());
    }

    @Test
    void refusesBadContentNamingTheField() {
        Map<String, String> cases =
                Map.of(
                        OK.replace("{{product}}", "{{customer}}"),
                        "content.messages[0].content",
                        OK.replace("'system'", "'robot'"),
                        "content.messages[0].role",
                        OK.replace("'route':'sandbox',", ""),
                        "content.route",
                        OK.replace("'route':'sandbox'", "'route':'prompt:x'"),
                        "content.route",
                        OK.replace("production", "Prod uction"),
                        "content.label",
                        OK.replace("'label'", "'canary':{'percent':100},'label'"),
                        "content.canary.percent",
                        OK.replace("'label'", "'extra':1,'label'"),
                        "content.extra",
                        "{'messages':[],'route':'x'}",
                        "content.messages");
        cases.forEach(
                (content, param) ->
                        assertThatThrownBy(() -> PromptContent.parse(json(content)))
                                .as(content)
                                .isInstanceOfSatisfying(
                                        ValidationException.class,
                                        e -> assertThat(e.param()).isEqualTo(param)));
    }

    @Test
    void promptNamesAreChecked() {
        PromptContent.checkName("support-triage");
        assertThatThrownBy(() -> PromptContent.checkName("Support Triage"))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> PromptContent.checkName(null))
                .isInstanceOf(ValidationException.class);
    }
}
