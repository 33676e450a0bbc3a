package io.gatehouse.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.TestTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tool use through the official SDKs, unchanged (issue 17): {@code openai-java}'s Responses API
 * with a function tool, whole and streamed, and {@code anthropic-java}'s Messages API with a tool,
 * whole and streamed (its accumulator checks the event sequence), against a stand-in
 * OpenAI-compatible provider that answers with a tool call (streamed in fragments). The output
 * policy holds streamed calls until complete (docs/policy.md), so this also shows the SDKs read a
 * call sent as one delta.
 */
class ToolUseSdkIT {
    static final String PATH = "/sdk-tools/v1";
    static WireMockServer provider;
    static TestTenant tenant;

    @BeforeAll
    static void start() throws Exception {
        provider = new WireMockServer(options().dynamicPort());
        provider.start();
        tenant = TestTenant.fresh();
        CatalogFixture.provider(
                tenant.id(),
                "st",
                "openai",
                "http://localhost:" + provider.port() + PATH,
                "{}",
                "m",
                "chat,streaming,tools");
        CatalogFixture.route(tenant.id(), "agent", "chat", "priority", 0, "st/m");
        // an output rule: streamed tool calls are held until complete and sent as one delta
        Changes.publishPolicy(
                tenant,
                "mail-out",
                jakarta.json.Json.createReader(
                                new java.io.StringReader(
                                        "{\"rules\":[{\"id\":\"mail\",\"action\":\"redact\","
                                                + "\"entities\":[\"email\"],\"stage\":\"output\"}]}"))
                        .readObject());
        String call =
                "{\"id\":\"call_w\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}";
        provider.stubFor(
                post(urlEqualTo(PATH + "/chat/completions"))
                        .atPriority(5)
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,"
                                                        + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":"
                                                        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                                                        + call
                                                        + "]},\"finish_reason\":\"tool_calls\"}],\"usage\":"
                                                        + "{\"prompt_tokens\":20,\"completion_tokens\":9,"
                                                        + "\"total_tokens\":29}}")));
        String head =
                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",";
        String sse =
                head
                        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null},"
                        + "\"finish_reason\":null}]}\n\n"
                        + head
                        + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_w\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},"
                        + "\"finish_reason\":null}]}\n\n"
                        + head
                        + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                        + "{\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":null}]}\n\n"
                        + head
                        + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                        + "{\"arguments\":\"\\\"Paris\\\"}\"}}]},\"finish_reason\":null}]}\n\n"
                        + head
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                        + head
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":9,"
                        + "\"total_tokens\":29}}\n\n"
                        + "data: [DONE]\n\n";
        provider.stubFor(
                post(urlEqualTo(PATH + "/chat/completions"))
                        .atPriority(1)
                        .withRequestBody(containing("\"stream\":true"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "text/event-stream")
                                        .withBody(sse)));
    }

    @AfterAll
    static void stop() {
        provider.stop();
    }

    static ResponseCreateParams responsesParams() {
        return ResponseCreateParams.builder()
                .model("agent")
                .input("What is the weather in Paris?")
                .addTool(
                        FunctionTool.builder()
                                .name("get_weather")
                                .description("Weather of a city")
                                .parameters(
                                        FunctionTool.Parameters.builder()
                                                .putAdditionalProperty(
                                                        "type", JsonValue.from("object"))
                                                .putAdditionalProperty(
                                                        "properties",
                                                        JsonValue.from(
                                                                Map.of(
                                                                        "city",
                                                                        Map.of("type", "string"))))
                                                .build())
                                .strict(false)
                                .build())
                .build();
    }

    static ResponseFunctionToolCall functionCall(Response r) {
        return r.output().stream()
                .filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no function call in " + r.output()));
    }

    @Test
    void openAiJavaCallsAFunctionThroughResponsesWholeAndStreamed() {
        OpenAIClient client = GatewayIT.sdk(tenant.apiKey());
        ResponseFunctionToolCall call = functionCall(client.responses().create(responsesParams()));
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).isEqualTo("call_w");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");

        List<ResponseStreamEvent> events = new ArrayList<>();
        try (com.openai.core.http.StreamResponse<ResponseStreamEvent> s =
                client.responses().createStreaming(responsesParams())) {
            s.stream().forEach(events::add);
        }
        assertThat(events.get(0).isCreated()).isTrue();
        StringBuilder deltas = new StringBuilder();
        events.forEach(
                e -> e.functionCallArgumentsDelta().ifPresent(d -> deltas.append(d.delta())));
        assertThat(deltas.toString()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(
                        events.stream()
                                .filter(ResponseStreamEvent::isFunctionCallArgumentsDone)
                                .map(e -> e.asFunctionCallArgumentsDone().arguments())
                                .toList())
                .containsExactly("{\"city\":\"Paris\"}");
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isCompleted()).isTrue();
        ResponseFunctionToolCall streamed = functionCall(last.asCompleted().response());
        assertThat(streamed.name()).isEqualTo("get_weather");
        assertThat(streamed.arguments()).isEqualTo("{\"city\":\"Paris\"}");
    }

    static MessageCreateParams messagesParams() {
        return MessageCreateParams.builder()
                .model("agent")
                .maxTokens(64L)
                .addUserMessage("What is the weather in Paris?")
                .addTool(
                        Tool.builder()
                                .name("get_weather")
                                .description("Weather of a city")
                                .inputSchema(
                                        Tool.InputSchema.builder()
                                                .properties(
                                                        Tool.InputSchema.Properties.builder()
                                                                .putAdditionalProperty(
                                                                        "city",
                                                                        com.anthropic.core.JsonValue
                                                                                .from(
                                                                                        Map.of(
                                                                                                "type",
                                                                                                "string")))
                                                                .build())
                                                .build())
                                .build())
                .build();
    }

    static ToolUseBlock toolUse(Message m) {
        return m.content().stream()
                .map(ContentBlock::toolUse)
                .flatMap(java.util.Optional::stream)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no tool_use block in " + m.content()));
    }

    @Test
    void anthropicJavaUsesAToolThroughMessagesWholeAndStreamed() {
        AnthropicClient client = MessagesSdkIT.sdk(tenant.apiKey());
        Message m = client.messages().create(messagesParams());
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = toolUse(m);
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));

        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s =
                client.messages().createStreaming(messagesParams())) {
            s.stream().forEach(acc::accumulate);
        }
        Message streamed = acc.message();
        assertThat(streamed.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock su = toolUse(streamed);
        assertThat(su.name()).isEqualTo("get_weather");
        assertThat(su._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));
        assertThat(streamed.usage().outputTokens()).isPositive();
    }
}
