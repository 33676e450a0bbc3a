package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.policy.internal.DemoPolicySeed;
import io.gatehouse.policy.internal.PolicyStage;
import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.shared.TenantId;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's half of the typed exchange: the client's bytes go upstream only while the exchange
 * holds the request as parsed; a stage's changed copy is rendered, changed exactly where the stage
 * acted; prompt variables never reach a provider.
 */
class TypedExchangeTest {
    static final String BODY =
            "{\"model\":\"alias\",\"temperature\":0.2,\"messages\":["
                    + "{\"role\":\"system\",\"content\":\"Be brief.\"},"
                    + "{\"role\":\"user\",\"content\":\"mail ann@example.com please\",\"name\":\"ann\"},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"and this\"},"
                    + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://img/x.png\"}}]}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}";

    static JsonObject json(String s) {
        try (var r = Json.createReader(new StringReader(s))) {
            return r.readObject();
        }
    }

    static Operation.Request read(String body) {
        return new ChatOperation().read(GatewayRequests.read(body));
    }

    static GatewayExchange exchange(Operation.Request r) {
        return new GatewayExchange(
                new TenantId(UUID.randomUUID()), "k", "req", "chat", r.parsed(), Map.of());
    }

    static OpenAiChat.Wire wire(Operation.Request r, GatewayExchange ex) {
        ChatOperation.Upstream up = ChatOperation.upstream(r, ex);
        return OpenAiChat.wire(up.chat(), up.bytes(), "gpt-x");
    }

    @Test
    void whenNoStageActsTheClientsBytesGoUpstream() {
        Operation.Request r = read(BODY);
        GatewayExchange ex = exchange(r);
        ex.raiseClassification(2); // stages may note things without changing the request
        ex.request(ex.request()); // giving back the same value changes nothing
        OpenAiChat.Wire w = wire(r, ex);
        assertThat(w.forwarded()).isTrue();
        assertThat(w.text()).isEqualTo(BODY.replace("\"alias\"", "\"gpt-x\""));
        assertThat(ChatOperation.cacheForm(r, ex))
                .as("the cache key hashes the bytes")
                .isEqualTo(BODY);
    }

    @Test
    void aRedactingStageChangesTheRedactedTextAndNothingElse() {
        Operation.Request r = read(BODY);
        GatewayExchange ex = exchange(r);
        // what the policy stage does: a changed copy with the redacted message
        List<ChatMessage> msgs = new ArrayList<>(ex.messages());
        msgs.set(1, msgs.get(1).withText("mail [EMAIL] please"));
        ex.request(ex.request().withMessages(msgs));

        OpenAiChat.Wire w = wire(r, ex);
        assertThat(w.forwarded()).isFalse();
        JsonObject sent = json(w.text());
        JsonObject client = json(BODY);
        JsonObject redacted =
                Json.createObjectBuilder(client.getJsonArray("messages").getJsonObject(1))
                        .add("content", "mail [EMAIL] please")
                        .build();
        JsonObject expected =
                Json.createObjectBuilder(client)
                        .add("model", "gpt-x")
                        .add(
                                "messages",
                                Json.createArrayBuilder(client.getJsonArray("messages"))
                                        .set(1, redacted))
                        .build();
        assertThat(sent).isEqualTo(expected);
        assertThat(w.text()).doesNotContain("ann@example.com");
        assertThat(r.parsed().messages().get(1).text())
                .as("the parsed request is never changed")
                .contains("ann@example.com");
    }

    @Test
    void aRenderedTemplateAndPromptVariablesNeverReachTheWireAsSent() {
        String body =
                "{\"model\":\"prompt:triage@production\",\"prompt_variables\":{\"ticket\":\"T-1\"},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"help\"}]}";
        Operation.Request r = read(body);
        assertThat(r.bytes()).as("never forwarded: not even scanned").isNull();
        GatewayExchange ex = exchange(r);
        assertThat(ex.promptVariables().getString("ticket")).isEqualTo("T-1");
        // what the prompt stage does: the template's messages before the client's
        List<ChatMessage> msgs = new ArrayList<>();
        msgs.add(new ChatMessage("system", "Triage ticket T-1.", true));
        msgs.addAll(ex.messages());
        ex.request(ex.request().withMessages(msgs));
        ex.model("triage-route");
        ex.defaultParameters().put("max_tokens", Json.createValue(64));

        OpenAiChat.Wire w = wire(r, ex);
        assertThat(w.forwarded()).isFalse();
        assertThat(w.text()).doesNotContain("prompt_variables").doesNotContain("prompt:");
        assertThat(json(w.text()))
                .isEqualTo(
                        json(
                                "{\"model\":\"gpt-x\",\"max_tokens\":64,\"messages\":["
                                        + "{\"role\":\"system\",\"content\":\"Triage ticket T-1.\"},"
                                        + "{\"role\":\"user\",\"content\":\"help\"}]}"));
    }

    @Test
    void aDefaultAloneStopsForwarding() {
        Operation.Request r = read(BODY);
        GatewayExchange ex = exchange(r);
        ex.defaultParameters().put("temperature", Json.createValue(0.9));
        ex.defaultParameters().put("seed", Json.createValue(3));
        OpenAiChat.Wire w = wire(r, ex);
        assertThat(w.forwarded()).isFalse();
        assertThat(json(w.text()).getJsonNumber("temperature").doubleValue())
                .as("the client's value wins")
                .isEqualTo(0.2);
        assertThat(json(w.text()).getInt("seed")).isEqualTo(3);
    }

    /** The real policy stage with the demo policy (redact e-mail and cards, both directions). */
    static PolicyStage demoPolicyStage() {
        CompiledPolicy demo =
                CompiledPolicy.compile("demo", "demo@v1", false, DemoPolicySeed.demoPolicy());
        return new PolicyStage(tenant -> List.of(demo));
    }

    /**
     * Not a hand-made copy: the real {@code PolicyStage} redacts and gives the exchange its changed
     * copy, and the wire differs from the client's body exactly in the redacted text.
     */
    @Test
    void theRealPolicyStageRedactsAChangedCopyAndTheWireChangesOnlyThere() {
        Operation.Request r = read(BODY);
        GatewayExchange ex = exchange(r);
        demoPolicyStage().beforeRouting(ex);
        assertThat(ex.request()).as("a changed copy").isNotSameAs(r.parsed());

        OpenAiChat.Wire w = wire(r, ex);
        assertThat(w.forwarded()).isFalse();
        assertThat(w.text()).doesNotContain("ann@example.com");
        JsonObject client = json(BODY);
        JsonObject redacted =
                Json.createObjectBuilder(client.getJsonArray("messages").getJsonObject(1))
                        .add("content", "mail [EMAIL] please")
                        .build();
        JsonObject expected =
                Json.createObjectBuilder(client)
                        .add("model", "gpt-x")
                        .add(
                                "messages",
                                Json.createArrayBuilder(client.getJsonArray("messages"))
                                        .set(1, redacted))
                        .build();
        assertThat(json(w.text())).isEqualTo(expected);
        assertThat(r.parsed().messages().get(1).text()).contains("ann@example.com");
    }

    @Test
    void theRealPolicyStageWithNothingToRedactLeavesTheClientsBytes() {
        String body = BODY.replace("ann@example.com", "Ann");
        Operation.Request r = read(body);
        GatewayExchange ex = exchange(r);
        demoPolicyStage().beforeRouting(ex);
        OpenAiChat.Wire w = wire(r, ex);
        assertThat(w.forwarded()).isTrue();
        assertThat(w.text()).isEqualTo(body.replace("\"alias\"", "\"gpt-x\""));
    }

    @Test
    void theUpstreamIsComputedOncePerExchangeUntilAStageChangesIt() {
        Operation.Request r = read(BODY);
        GatewayExchange ex = exchange(r);
        ex.defaultParameters().put("seed", Json.createValue(3));
        ChatOperation.UpstreamOnce once = new ChatOperation.UpstreamOnce(r, ex);
        ChatOperation.Upstream first = once.get();
        assertThat(first.bytes()).as("a default applies: rendered").isNull();
        assertThat(once.get()).as("every attempt and the cache key share it").isSameAs(first);
        // a per-attempt stage gives the exchange another request: computed again
        ex.request(ex.request().withMessages(List.of(new ChatMessage("user", "hi", false))));
        ChatOperation.Upstream second = once.get();
        assertThat(second).isNotSameAs(first);
        assertThat(second.chat().messages()).extracting(ChatMessage::text).containsExactly("hi");
        assertThat(second.chat().sampling().seed()).isEqualTo(3L);
        ex.defaultParameters().put("max_tokens", Json.createValue(5));
        assertThat(once.get().chat().sampling().maxTokens()).isEqualTo(5L);
    }
}
