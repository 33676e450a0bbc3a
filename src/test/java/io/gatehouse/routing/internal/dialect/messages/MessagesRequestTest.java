package io.gatehouse.routing.internal.dialect.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesRequestTest {

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    static final String FULL =
            """
            {"model":"m","max_tokens":100,"system":[{"type":"text","text":"Be brief."}],
             "temperature":0.5,"top_p":0.9,"top_k":5,"stop_sequences":["END"],
             "metadata":{"user_id":"u1"},"stream":true,
             "tools":[{"name":"get_weather","description":"d","input_schema":{"type":"object"}}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true},
             "messages":[
              {"role":"user","content":[{"type":"text","text":"Weather?"},
                {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]},
              {"role":"assistant","content":[{"type":"text","text":"Checking."},
                {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Oslo"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1",
                "content":[{"type":"text","text":"-3C"}]},{"type":"text","text":"And tomorrow?"}]}]}""";

    @Test
    void everyFieldAndBlockTypeIsReadIntoTheCanonicalRequest() {
        ChatRequest r = MessagesRequest.read(json(FULL));
        assertThat(r.model()).isEqualTo("m");
        assertThat(r.streaming()).isTrue();
        assertThat(r.sampling().maxTokens()).isEqualTo(100);
        assertThat(r.sampling().temperature()).isEqualByComparingTo(new BigDecimal("0.5"));
        assertThat(r.sampling().topP()).isEqualByComparingTo(new BigDecimal("0.9"));
        assertThat(r.sampling().stop()).containsExactly("END");
        assertThat(r.user()).isEqualTo("u1");
        assertThat(r.toolChoice().toString()).isEqualTo("\"required\"");
        assertThat(r.parallelToolCalls()).isFalse();
        assertThat(r.tools()).hasSize(1);
        assertThat(r.tools().get(0).json().toString())
                .isEqualTo(
                        "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                                + "\"description\":\"d\",\"parameters\":{\"type\":\"object\"}}}");
        List<ChatMessage> m = r.messages();
        assertThat(m.stream().map(ChatMessage::role))
                .containsExactly("system", "user", "assistant", "tool", "user");
        assertThat(m.get(0).text()).isEqualTo("Be brief.");
        assertThat(m.get(1).parts().get(1).imageUrl()).isEqualTo("data:image/png;base64,AAAA");
        assertThat(m.get(2).content()).isEqualTo("Checking.");
        assertThat(m.get(2).toolCalls().get(0).json().toString())
                .isEqualTo(
                        "{\"id\":\"toolu_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                                + "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}");
        // the tool's answer right after the call, then the rest of the user's turn
        assertThat(m.get(3).toolCallId()).isEqualTo("toolu_1");
        assertThat(m.get(3).content()).isEqualTo("-3C");
        assertThat(m.get(4).text()).isEqualTo("And tomorrow?");
    }

    static void refused(String body, String param) {
        assertThatThrownBy(() -> MessagesRequest.read(json(body)))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).param()).isEqualTo(param));
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        String user = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        refused("{\"model\":\"m\"," + user + "}", "max_tokens");
        refused("{\"model\":\"m\",\"max_tokens\":0," + user + "}", "max_tokens");
        refused("{\"model\":\"m\",\"max_tokens\":1.5," + user + "}", "max_tokens");
        refused("{\"max_tokens\":10," + user + "}", "model");
        refused("{\"model\":\"m\",\"max_tokens\":10,\"messages\":[]}", "messages");
        refused(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}",
                "messages.0.role");
        refused(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":"
                        + "[{\"type\":\"document\",\"source\":{}}]}]}",
                "messages.0.content.0.type");
        // thinking is accepted for the native passthrough, under Anthropic's own rules
        refused(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"assistant\",\"content\":"
                        + "[{\"type\":\"thinking\",\"thinking\":\"x\",\"signature\":\"s\"}]}]}",
                "messages.0.content");
        refused(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":"
                        + "[{\"type\":\"thinking\",\"thinking\":\"x\",\"signature\":\"s\"}]}]}",
                "messages.0.content.0.type");
        refused(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"assistant\",\"content\":"
                        + "[{\"type\":\"thinking\",\"thinking\":\"x\"},{\"type\":\"text\",\"text\":\"y\"}]}]}",
                "messages.0.content.0.signature");
        refused(
                "{\"model\":\"m\",\"max_tokens\":10,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                        + user
                        + "}",
                "thinking.budget_tokens");
        refused(
                "{\"model\":\"m\",\"max_tokens\":4000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":512},"
                        + user
                        + "}",
                "thinking.budget_tokens");
        refused(
                "{\"model\":\"m\",\"max_tokens\":4000,\"thinking\":{\"type\":\"always\"},"
                        + user
                        + "}",
                "thinking.type");
        refused(
                "{\"model\":\"m\",\"max_tokens\":10,\"temperature\":1.5," + user + "}",
                "temperature");
        refused(
                "{\"model\":\"m\",\"max_tokens\":10,\"api_base\":\"http://x\"," + user + "}",
                "api_base");
        refused(
                "{\"model\":\"m\",\"max_tokens\":10,\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}],"
                        + user
                        + "}",
                "tools.0.type");
        refused(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":"
                        + "[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"n\",\"input\":{}}]}]}",
                "messages.0.content.0.type");
    }
}
