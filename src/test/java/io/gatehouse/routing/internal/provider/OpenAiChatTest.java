package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.catalog.TestCatalog;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The typed chat request's round trip through the OpenAI dialect: parsed once, forwarded as the
 * client's bytes (model swapped) when nothing changed and every field is listed, rendered from the
 * model otherwise, changed exactly where a stage acted.
 */
class OpenAiChatTest {
    /** Every field the gateway passes upstream, with odd spacing and number forms kept as sent. */
    static final String EVERY_FIELD =
            """
            {"model" : "alias",   "messages":[
              {"role":"system","content":"Be brief.","name":"sys"},
              {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}}]},
              {"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"call_1","type":"function",
                "function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"-3C"},
              {"role":"user","content":"And tomorrow? \\u00e9\\n"},
              {"role":"assistant","tool_calls":[{"id":"call_2","type":"function",
                "function":{"name":"weather","arguments":"{}"}}]}],
             "temperature":0.70,"top_p":1e-1,"n":1,"stop":"END","max_tokens":100,
             "max_completion_tokens":90,"presence_penalty":-0.5,"frequency_penalty":0.25,
             "logit_bias":{"50256":-100},"logprobs":true,"top_logprobs":2,"user":"u1","seed":7,
             "tools":[{"type":"function","function":{"name":"weather","description":"d",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}}],
             "tool_choice":{"type":"function","function":{"name":"weather"}},
             "parallel_tool_calls":false,
             "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"}}},
             "reasoning_effort":"low","stream":false}""";

    static JsonObject json(String s) {
        try (var r = Json.createReader(new StringReader(s))) {
            return r.readObject();
        }
    }

    static OpenAiChat.Wire wire(String body, String model) {
        return OpenAiChat.wire(OpenAiChat.parse(json(body)), ClientBytes.scan(body), model);
    }

    @Test
    void everySupportedFieldIsForwardedByteForByteWithOnlyTheModelSwapped() {
        OpenAiChat.Wire w = wire(EVERY_FIELD, "gpt-4o-2024");
        assertThat(w.forwarded()).isTrue();
        assertThat(w.text())
                .isEqualTo(
                        EVERY_FIELD.replace(
                                "\"model\" : \"alias\"", "\"model\" : \"gpt-4o-2024\""));
    }

    @Test
    void theOpenAiAdapterSaysWhetherItForwardedOrRendered() {
        Provider p =
                TestCatalog.provider(
                        "o", "openai", "http://localhost:1", Json.createObjectBuilder().build());
        ProviderCall unchanged =
                new ProviderCall(
                        p,
                        p.models().get(0),
                        OpenAiChat.parse(json(EVERY_FIELD)),
                        ClientBytes.scan(EVERY_FIELD),
                        Duration.ofSeconds(1),
                        null);
        assertThat(OpenAiAdapter.wire(unchanged).forwarded()).isTrue();
        ProviderCall changed =
                new ProviderCall(
                        p,
                        p.models().get(0),
                        unchanged.chat(),
                        null, // a stage replaced the request: no client bytes
                        Duration.ofSeconds(1),
                        null);
        OpenAiChat.Wire rendered = OpenAiAdapter.wire(changed);
        assertThat(rendered.forwarded()).isFalse();
        assertThat(json(rendered.text())).isEqualTo(json(OpenAiAdapter.wire(unchanged).text()));
    }

    @Test
    void theRenderingCarriesEveryFieldAsTheClientSentIt() {
        JsonObject rendered = OpenAiChat.render(OpenAiChat.parse(json(EVERY_FIELD)), "gpt-x");
        JsonObject expected =
                Json.createObjectBuilder(json(EVERY_FIELD)).add("model", "gpt-x").build();
        assertThat(rendered).isEqualTo(expected);
    }

    @Test
    void aStreamIsForwardedWithTheGatewaysUsageRequestInserted() {
        String body =
                "{\"model\":\"a\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        OpenAiChat.Wire w = wire(body, "m");
        assertThat(w.forwarded()).isTrue();
        assertThat(w.text())
                .isEqualTo(
                        "{\"stream_options\":{\"include_usage\":true},\"model\":\"m\",\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        String asked = body.replace("true,", "true,\"stream_options\":{\"include_usage\":true},");
        assertThat(wire(asked, "m").text()).isEqualTo(asked.replace("\"a\"", "\"m\""));

        String other = body.replace("true,", "true,\"stream_options\":{\"include_usage\":false},");
        OpenAiChat.Wire r = wire(other, "m");
        assertThat(r.forwarded()).as("the gateway always asks for usage").isFalse();
        assertThat(json(r.text()).getJsonObject("stream_options").getBoolean("include_usage"))
                .isTrue();
    }

    @Test
    void unknownFieldsAndPromptVariablesAreRenderedAwayNeverForwarded() {
        String body =
                "{\"model\":\"a\",\"api_base\":\"http://evil\",\"prompt_variables\":{\"x\":1},"
                        + "\"temperature\":0.5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\","
                        + "\"base_url\":\"http://evil2\"}]}";
        OpenAiChat.Wire w = wire(body, "m");
        assertThat(w.forwarded()).isFalse();
        assertThat(w.text())
                .doesNotContain("evil")
                .doesNotContain("prompt_variables")
                .contains("\"temperature\":0.5");
        String messageField =
                "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"x\":1}]}";
        assertThat(wire(messageField, "m").forwarded()).isFalse();
        assertThat(wire(messageField, "m").text()).doesNotContain("\"x\"");
        String nullField =
                "{\"model\":\"a\",\"tools\":null,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(wire(nullField, "m").forwarded()).isFalse();
        assertThat(wire(nullField, "m").text()).doesNotContain("tools");
    }

    @Test
    void aBodyWithARepeatedKeyIsNeverForwarded() {
        // the gateway's parser keeps one value, a provider's might keep the other one
        assertThat(
                        ClientBytes.scan(
                                "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"ok\","
                                        + "\"content\":\"secret\"}]}"))
                .isNull();
        assertThat(ClientBytes.scan("{\"model\":\"a\",\"messages\":[],\"mod\\u0065l\":\"b\"}"))
                .as("an escaped key is the same key")
                .isNull();
        assertThat(
                        ClientBytes.scan(
                                "{\"model\":\"a\",\"tools\":[{\"function\":{\"name\":\"x\",\"name\":\"y\"}}]}"))
                .isNull();
        assertThat(
                        ClientBytes.scan(
                                "{\"model\":\"a\",\"messages\":[{\"role\":\"user\"},{\"role\":\"user\"}]}"))
                .as("the same key in sibling objects is fine")
                .isNotNull();
    }

    @Test
    void textAfterTheObjectIsNeverForwarded() {
        // Parsson's readObject() stops after the first object; the scan must not go on into the
        // rest (it would find a second model and hand the provider both objects)
        String body = "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"ok\"}]}";
        assertThat(ClientBytes.scan(body + "{\"model\":\"b\",\"messages\":[]}")).isNull();
        assertThat(ClientBytes.scan(body + "]")).isNull();
        assertThat(ClientBytes.scan(body + "\""))
                .as("an unterminated string: no exception")
                .isNull();
        assertThat(ClientBytes.scan(body + "{\"a\"")).isNull();
        assertThat(ClientBytes.scan(body + " x")).isNull();
        assertThat(ClientBytes.scan(body + " \n\t")).as("whitespace is fine").isNotNull();
    }

    @Test
    void theModelValueIsFoundAtTheTopLevelOnly() {
        String body =
                "{\"messages\":[{\"role\":\"user\",\"content\":\"\\\"model\\\":\\\"x\\\"\",\"name\":\"model\"}],"
                        + "\"metadata\":{\"model\":\"inner\"},\"model\":\"top\\\"q\"}";
        ClientBytes b = ClientBytes.scan(body);
        assertThat(body.substring(b.modelStart(), b.modelEnd())).isEqualTo("\"top\\\"q\"");
        assertThat(b.with("\"m\"", null)).endsWith("\"model\":\"m\"}");
    }

    @Test
    void aChangedMessageIsRenderedWithOnlyItsTextChanged() {
        ChatRequest parsed = OpenAiChat.parse(json(EVERY_FIELD));
        List<ChatMessage> msgs = new ArrayList<>(parsed.messages());
        msgs.set(1, msgs.get(1).withText("What is in this [IMAGE]?"));
        msgs.set(4, msgs.get(4).withText("And [DAY]?"));
        ChatRequest changed = parsed.withMessages(msgs);
        assertThat(parsed.messages().get(1).text())
                .as("the parsed value is never changed")
                .isEqualTo("What is in this image?");

        JsonObject rendered = OpenAiChat.render(changed, "gpt-x");
        JsonObject client = json(EVERY_FIELD);
        var expectedMessages = Json.createArrayBuilder(client.getJsonArray("messages")).build();
        var b = Json.createArrayBuilder();
        for (int i = 0; i < expectedMessages.size(); i++) {
            JsonObject m = expectedMessages.getJsonObject(i);
            if (i == 1) {
                m =
                        Json.createObjectBuilder(m)
                                .add(
                                        "content",
                                        Json.createArrayBuilder()
                                                .add(
                                                        Json.createObjectBuilder()
                                                                .add("type", "text")
                                                                .add(
                                                                        "text",
                                                                        "What is in this [IMAGE]?"))
                                                .add(m.getJsonArray("content").getJsonObject(1)))
                                .build();
            } else if (i == 4) {
                m = Json.createObjectBuilder(m).add("content", "And [DAY]?").build();
            }
            b.add(m);
        }
        JsonObject expected =
                Json.createObjectBuilder(client).add("model", "gpt-x").add("messages", b).build();
        assertThat(rendered).isEqualTo(expected);
    }

    @Test
    void theSandboxReadsTheTypedRequest() throws Exception {
        Provider p = TestCatalog.provider("sb");
        ChatRequest r =
                OpenAiChat.parse(json(EVERY_FIELD))
                        .withMessages(List.of(new ChatMessage("user", "typed", false)));
        JsonObject answer =
                new SandboxAdapter()
                        .chat(
                                new ProviderCall(
                                        p,
                                        p.models().get(0),
                                        r,
                                        null,
                                        Duration.ofSeconds(2),
                                        null));
        assertThat(
                        answer.getJsonArray("choices")
                                .getJsonObject(0)
                                .getJsonObject("message")
                                .getString("content"))
                .contains("You said: \"typed\"");
    }
}
