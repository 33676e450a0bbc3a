package io.gatehouse.prompts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.LineageKeys;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PromptStageTest {
    static final TenantId TENANT = new TenantId(UUID.randomUUID());

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s.replace('\'', '"'))).readObject();
    }

    static PublishedVersion version(int n, String text) {
        return new PublishedVersion(
                "support-triage",
                n,
                Json.createArrayBuilder()
                        .add(Json.createObjectBuilder().add("role", "system").add("content", text))
                        .build(),
                json(
                        "{'type':'object','required':['product'],'properties':{'product':{'type':'string','maxLength':20}}}"),
                "sandbox",
                json("{'temperature':0.2}"));
    }

    /** A cache standing in for the database: serves one label. */
    static PromptStage stage(ResolvedLabel label) {
        PromptStage s = new PromptStage();
        s.cache =
                new PromptCache() {
                    @Override
                    public Optional<ResolvedLabel> get(TenantId t, String prompt, String l) {
                        return t.equals(TENANT)
                                        && prompt.equals("support-triage")
                                        && l.equals(label.label())
                                ? Optional.of(label)
                                : Optional.empty();
                    }
                };
        return s;
    }

    static GatewayExchange exchange(String model, String variables, String requestId) {
        return new GatewayExchange(
                TENANT,
                "key",
                requestId,
                "chat",
                model,
                variables == null ? null : json(variables),
                List.of(new ChatMessage("user", "My invoice is wrong", false)),
                Map.of());
    }

    @Test
    void rendersTheTemplateBeforeTheRequestsMessagesAndSetsRouteVersionAndHeader() {
        PromptStage s =
                stage(
                        new ResolvedLabel(
                                "production", version(3, "Triage for {{product}}."), null, 0));
        GatewayExchange x =
                exchange("prompt:support-triage@production", "{'product':'Acme'}", "req-1");
        s.beforeRouting(x);
        assertThat(x.messages()).extracting(ChatMessage::role).containsExactly("system", "user");
        assertThat(x.messages().get(0).text()).isEqualTo("Triage for Acme.");
        assertThat(x.messages().get(0).fromTemplate()).isTrue();
        assertThat(x.messages().get(1).fromTemplate()).isFalse();
        assertThat(x.model()).isEqualTo("sandbox");
        assertThat(x.stageVersions().get(LineageKeys.PROMPT_VERSION))
                .isEqualTo("support-triage/v3");
        assertThat(x.responseHeaders())
                .containsEntry("x-gatehouse-prompt-version", "support-triage/v3");
        assertThat(x.defaultParameters()).containsKey("temperature");
        assertThat(x.auditDetails())
                .containsEntry("promptVersion", 3)
                .containsEntry("prompt", "support-triage");
    }

    @Test
    void labelDefaultsToProduction() {
        PromptStage s =
                stage(new ResolvedLabel("production", version(1, "x {{product}}"), null, 0));
        GatewayExchange x = exchange("prompt:support-triage", "{'product':'A'}", "r");
        s.beforeRouting(x);
        assertThat(x.stageVersions().get(LineageKeys.PROMPT_VERSION))
                .isEqualTo("support-triage/v1");
    }

    @Test
    void otherModelsPassUntouched() {
        PromptStage s = stage(new ResolvedLabel("production", version(1, "x"), null, 0));
        GatewayExchange x = exchange("sandbox", null, "r");
        s.beforeRouting(x);
        assertThat(x.model()).isEqualTo("sandbox");
        assertThat(x.messages()).hasSize(1);
        assertThat(x.stageVersions().get(LineageKeys.PROMPT_VERSION)).isNull();
    }

    @Test
    void badVariablesAre400WithTheParameter() {
        PromptStage s =
                stage(new ResolvedLabel("production", version(1, "x {{product}}"), null, 0));
        assertThatThrownBy(
                        () ->
                                s.beforeRouting(
                                        exchange("prompt:support-triage@production", "{}", "r")))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.param()).isEqualTo("prompt_variables.product");
                        });
        assertThatThrownBy(
                        () ->
                                s.beforeRouting(
                                        exchange(
                                                "prompt:support-triage@production",
                                                "{'product':'" + "x".repeat(21) + "'}",
                                                "r")))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    void unknownPromptOrLabelIs404ModelNotFound() {
        PromptStage s = stage(new ResolvedLabel("production", version(1, "x"), null, 0));
        for (String model :
                new String[] {"prompt:nope@production", "prompt:support-triage@staging"}) {
            assertThatThrownBy(() -> s.beforeRouting(exchange(model, "{}", "r")))
                    .isInstanceOfSatisfying(
                            GatehouseException.class,
                            e -> {
                                assertThat(e.status()).isEqualTo(404);
                                assertThat(e.code()).isEqualTo("model_not_found");
                            });
        }
        assertThatThrownBy(() -> s.beforeRouting(exchange("prompt:Bad Name@x", "{}", "r")))
                .isInstanceOfSatisfying(
                        ValidationException.class, e -> assertThat(e.param()).isEqualTo("model"));
    }

    @Test
    void canaryServesItsShareDeterministicallyPerRequestId() {
        ResolvedLabel label =
                new ResolvedLabel(
                        "production",
                        version(1, "old {{product}}"),
                        version(2, "new {{product}}"),
                        30);
        PromptStage s = stage(label);
        int canary = 0;
        for (int i = 0; i < 10_000; i++) {
            GatewayExchange x =
                    exchange("prompt:support-triage@production", "{'product':'A'}", "req-" + i);
            s.beforeRouting(x);
            if (x.stageVersions().get(LineageKeys.PROMPT_VERSION).equals("support-triage/v2")) {
                canary++;
                assertThat(x.messages().get(0).text()).isEqualTo("new A");
            }
            GatewayExchange again =
                    exchange("prompt:support-triage@production", "{'product':'A'}", "req-" + i);
            s.beforeRouting(again);
            assertThat(again.stageVersions().get(LineageKeys.PROMPT_VERSION))
                    .isEqualTo(x.stageVersions().get(LineageKeys.PROMPT_VERSION));
        }
        assertThat(canary).isBetween(2_700, 3_300);
    }

    @Test
    void anAttachedDraftIsRenderedInPlaceOfThePublishedVersionForThatExchangeOnly() {
        PromptStage s =
                stage(
                        new ResolvedLabel(
                                "production", version(3, "Live for {{product}}."), null, 0));
        UUID change = UUID.randomUUID();
        GatewayExchange x =
                exchange("prompt:support-triage@production", "{'product':'Acme'}", "req-d");
        new io.gatehouse.routing.stage.StageOverrides()
                .with(
                        PromptDraft.class,
                        new PromptDraft(change, version(0, "Draft for {{product}}.")))
                .applyTo(x);
        s.beforeRouting(x);
        assertThat(x.messages().get(0).text()).isEqualTo("Draft for Acme.");
        assertThat(x.model()).isEqualTo("sandbox");
        assertThat(x.stageVersions()).as("a draft is no version").isEmpty();
        assertThat(x.responseHeaders()).doesNotContainKey(PromptStage.VERSION_HEADER);
        assertThat(x.auditDetails()).containsEntry("promptDraftOf", change.toString());

        GatewayExchange live =
                exchange("prompt:support-triage@production", "{'product':'Acme'}", "req-l");
        s.beforeRouting(live);
        assertThat(live.messages().get(0).text()).isEqualTo("Live for Acme.");
        assertThat(live.stageVersions().get(LineageKeys.PROMPT_VERSION))
                .isEqualTo("support-triage/v3");

        // the draft's variables are checked against its schema like a published version's
        GatewayExchange bad = exchange("prompt:support-triage@production", "{}", "req-b");
        new io.gatehouse.routing.stage.StageOverrides()
                .with(PromptDraft.class, new PromptDraft(change, version(0, "Draft {{product}}")))
                .applyTo(bad);
        assertThatThrownBy(() -> s.beforeRouting(bad)).isInstanceOf(ValidationException.class);
    }
}
