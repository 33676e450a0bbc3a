package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicTranslationTest {
    static JsonObject json(String s) {
        try (var r = Json.createReader(new StringReader(s.replace('\'', '"')))) {
            return r.readObject();
        }
    }

    @Test
    void requestIsRenderedFromTheTypedModel() {
        ChatMessage.Part image =
                new ChatMessage.Part(
                        "image_url",
                        json(
                                "{'type':'image_url','image_url':{'url':'data:image/jpeg;base64,QUJD'}}"));
        ChatMessage.Part link =
                new ChatMessage.Part(
                        "image_url",
                        json("{'type':'image_url','image_url':{'url':'https://x.example/a.png'}}"));
        ChatMessage user =
                new ChatMessage(
                        "user",
                        null,
                        List.of(ChatMessage.Part.text("Compare"), image, link),
                        null,
                        null,
                        null,
                        null,
                        false);
        ChatMessage assistant =
                new ChatMessage(
                        "assistant",
                        "Looking.",
                        null,
                        null,
                        List.of(
                                new ChatMessage.ToolCall(
                                        "call_9",
                                        "lookup",
                                        "{\"q\":\"a\"}",
                                        json("{'id':'call_9'}"))),
                        null,
                        null,
                        false);
        ChatMessage tool =
                new ChatMessage("tool", "found", null, null, null, "call_9", null, false);
        ChatRequest r =
                new ChatRequest(
                        "alias",
                        List.of(new ChatMessage("developer", "Dev.", false), user, assistant, tool),
                        new ChatRequest.Sampling(
                                new java.math.BigDecimal("0.3"),
                                null,
                                null,
                                null,
                                77L,
                                List.of("X"),
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null),
                        List.of(
                                new ChatRequest.Tool(
                                        "lookup",
                                        null,
                                        json("{'type':'object','required':['q']}"),
                                        json("{'type':'function'}"))),
                        Json.createValue("auto"),
                        null,
                        null,
                        true,
                        null,
                        null,
                        json("{'never':'sent'}"));
        JsonObject a = AnthropicTranslation.request(r, "claude-y", 1024);
        assertThat(a.toString()).doesNotContain("never");
        assertThat(a.getString("system")).isEqualTo("Dev.");
        assertThat(a.getInt("max_tokens")).isEqualTo(77);
        assertThat(a.getJsonNumber("temperature").doubleValue()).isEqualTo(0.3);
        assertThat(a.getJsonArray("stop_sequences").getString(0)).isEqualTo("X");
        assertThat(a.getBoolean("stream")).isTrue();
        var msgs = a.getJsonArray("messages");
        var userBlocks = msgs.getJsonObject(0).getJsonArray("content");
        assertThat(userBlocks.getJsonObject(0).getString("text")).isEqualTo("Compare");
        assertThat(userBlocks.getJsonObject(1).getJsonObject("source"))
                .isEqualTo(json("{'type':'base64','media_type':'image/jpeg','data':'QUJD'}"));
        assertThat(userBlocks.getJsonObject(2).getJsonObject("source"))
                .isEqualTo(json("{'type':'url','url':'https://x.example/a.png'}"));
        var asst = msgs.getJsonObject(1);
        assertThat(asst.getString("role")).isEqualTo("assistant");
        assertThat(asst.getJsonArray("content").getJsonObject(0).getString("text"))
                .isEqualTo("Looking.");
        assertThat(asst.getJsonArray("content").getJsonObject(1))
                .isEqualTo(
                        json(
                                "{'type':'tool_use','id':'call_9','name':'lookup','input':{'q':'a'}}"));
        assertThat(msgs.getJsonObject(2).getJsonArray("content").getJsonObject(0))
                .isEqualTo(json("{'type':'tool_result','tool_use_id':'call_9','content':'found'}"));
        assertThat(a.getJsonArray("tools").getJsonObject(0))
                .isEqualTo(
                        json(
                                "{'name':'lookup','input_schema':{'type':'object','required':['q']}}"));
        assertThat(a.getJsonObject("tool_choice").getString("type")).isEqualTo("auto");
    }

    @Test
    void requestMovesSystemOutAndTranslatesToolsToolCallsAndResults() {
        JsonObject openai =
                json(
                        "{'messages':["
                                + "{'role':'system','content':'Be brief.'},"
                                + "{'role':'user','content':[{'type':'text','text':'Weather?'},"
                                + "{'type':'image_url','image_url':{'url':'data:image/png;base64,AAAA'}}]},"
                                + "{'role':'assistant','content':null,'tool_calls':[{'id':'call_1','type':'function',"
                                + "'function':{'name':'weather','arguments':'{\\'city\\':\\'Oslo\\'}'}}]},"
                                + "{'role':'tool','tool_call_id':'call_1','content':'-3C'},"
                                + "{'role':'user','content':'And tomorrow?'}],"
                                + "'tools':[{'type':'function','function':{'name':'weather','description':'d',"
                                + "'parameters':{'type':'object'}}}],'tool_choice':'required',"
                                + "'max_tokens':100,'temperature':1.5,'stop':'END','user':'u1'}");
        JsonObject a = AnthropicTranslation.request(openai, "claude-x", 1024);
        assertThat(a.getString("model")).isEqualTo("claude-x");
        assertThat(a.getString("system")).isEqualTo("Be brief.");
        assertThat(a.getInt("max_tokens")).isEqualTo(100);
        assertThat(a.getJsonNumber("temperature").doubleValue()).isEqualTo(1.0);
        assertThat(a.getJsonArray("stop_sequences").getString(0)).isEqualTo("END");
        assertThat(a.getJsonObject("metadata").getString("user_id")).isEqualTo("u1");
        assertThat(a.getJsonObject("tool_choice").getString("type")).isEqualTo("any");
        var tool = a.getJsonArray("tools").getJsonObject(0);
        assertThat(tool.getString("name")).isEqualTo("weather");
        assertThat(tool.getJsonObject("input_schema").getString("type")).isEqualTo("object");

        var msgs = a.getJsonArray("messages");
        // user, assistant(tool_use), user(tool_result + text merged: roles alternate)
        assertThat(msgs).hasSize(3);
        var user = msgs.getJsonObject(0).getJsonArray("content");
        assertThat(user.getJsonObject(0).getString("text")).isEqualTo("Weather?");
        assertThat(user.getJsonObject(1).getJsonObject("source").getString("media_type"))
                .isEqualTo("image/png");
        var use = msgs.getJsonObject(1).getJsonArray("content").getJsonObject(0);
        assertThat(use.getString("type")).isEqualTo("tool_use");
        assertThat(use.getString("id")).isEqualTo("call_1");
        assertThat(use.getJsonObject("input").getString("city")).isEqualTo("Oslo");
        var last = msgs.getJsonObject(2);
        assertThat(last.getString("role")).isEqualTo("user");
        assertThat(last.getJsonArray("content").getJsonObject(0).getString("type"))
                .isEqualTo("tool_result");
        assertThat(last.getJsonArray("content").getJsonObject(0).getString("tool_use_id"))
                .isEqualTo("call_1");
        assertThat(last.getJsonArray("content").getJsonObject(1).getString("text"))
                .isEqualTo("And tomorrow?");
    }

    @Test
    void responseWithTextAndToolUseBecomesOpenAiChoice() throws Exception {
        JsonObject a =
                json(
                        "{'id':'msg_1','model':'claude-x','stop_reason':'tool_use','content':["
                                + "{'type':'text','text':'Let me check.'},"
                                + "{'type':'tool_use','id':'toolu_1','name':'weather','input':{'city':'Oslo'}}],"
                                + "'usage':{'input_tokens':12,'output_tokens':7}}");
        JsonObject o = AnthropicTranslation.response(a, "claude-x");
        var choice = o.getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("finish_reason")).isEqualTo("tool_calls");
        var msg = choice.getJsonObject("message");
        assertThat(msg.getString("content")).isEqualTo("Let me check.");
        var call = msg.getJsonArray("tool_calls").getJsonObject(0);
        assertThat(call.getString("id")).isEqualTo("toolu_1");
        assertThat(call.getJsonObject("function").getString("name")).isEqualTo("weather");
        assertThat(json(call.getJsonObject("function").getString("arguments")).getString("city"))
                .isEqualTo("Oslo");
        assertThat(o.getJsonObject("usage").getInt("prompt_tokens")).isEqualTo(12);
        assertThat(o.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(7);
        assertThat(o.getJsonObject("usage").getInt("total_tokens")).isEqualTo(19);
    }

    @Test
    void malformedResponseIsAProviderError() {
        assertThatThrownBy(() -> AnthropicTranslation.response(json("{'id':'x'}"), "m"))
                .isInstanceOf(ProviderException.class)
                .extracting(e -> ((ProviderException) e).kind())
                .isEqualTo(ProviderException.Kind.MALFORMED);
    }

    @Test
    void streamEventsBecomeOpenAiChunksWithToolCallsAndUsage() throws Exception {
        var s = new AnthropicTranslation.StreamState("claude-x", true);
        List<JsonObject> out = new ArrayList<>();
        out.addAll(
                AnthropicTranslation.streamEvent(
                        "message_start",
                        json(
                                "{'message':{'id':'msg_9','model':'claude-x','usage':{'input_tokens':20,'output_tokens':1}}}"),
                        s));
        out.addAll(
                AnthropicTranslation.streamEvent(
                        "content_block_start",
                        json("{'index':0,'content_block':{'type':'text','text':''}}"),
                        s));
        out.addAll(
                AnthropicTranslation.streamEvent(
                        "content_block_delta",
                        json("{'index':0,'delta':{'type':'text_delta','text':'Hi'}}"),
                        s));
        out.addAll(AnthropicTranslation.streamEvent("ping", json("{}"), s));
        out.addAll(
                AnthropicTranslation.streamEvent(
                        "content_block_start",
                        json(
                                "{'index':1,'content_block':{'type':'tool_use','id':'toolu_2','name':'weather','input':{}}}"),
                        s));
        out.addAll(
                AnthropicTranslation.streamEvent(
                        "content_block_delta",
                        json(
                                "{'index':1,'delta':{'type':'input_json_delta','partial_json':'{\\'city\\':'}}"),
                        s));
        out.addAll(
                AnthropicTranslation.streamEvent(
                        "content_block_delta",
                        json(
                                "{'index':1,'delta':{'type':'input_json_delta','partial_json':'\\'Oslo\\'}'}}"),
                        s));
        out.addAll(
                AnthropicTranslation.streamEvent(
                        "message_delta",
                        json("{'delta':{'stop_reason':'tool_use'},'usage':{'output_tokens':15}}"),
                        s));
        out.addAll(AnthropicTranslation.streamEvent("message_stop", json("{}"), s));

        assertThat(
                        out.get(0)
                                .getJsonArray("choices")
                                .getJsonObject(0)
                                .getJsonObject("delta")
                                .getString("role"))
                .isEqualTo("assistant");
        assertThat(out.get(0).getString("id")).isEqualTo("msg_9");
        assertThat(
                        out.get(1)
                                .getJsonArray("choices")
                                .getJsonObject(0)
                                .getJsonObject("delta")
                                .getString("content"))
                .isEqualTo("Hi");
        var start =
                out.get(2)
                        .getJsonArray("choices")
                        .getJsonObject(0)
                        .getJsonObject("delta")
                        .getJsonArray("tool_calls")
                        .getJsonObject(0);
        assertThat(start.getInt("index")).isEqualTo(0);
        assertThat(start.getString("id")).isEqualTo("toolu_2");
        assertThat(start.getJsonObject("function").getString("name")).isEqualTo("weather");
        String args =
                out.get(3)
                                .getJsonArray("choices")
                                .getJsonObject(0)
                                .getJsonObject("delta")
                                .getJsonArray("tool_calls")
                                .getJsonObject(0)
                                .getJsonObject("function")
                                .getString("arguments")
                        + out.get(4)
                                .getJsonArray("choices")
                                .getJsonObject(0)
                                .getJsonObject("delta")
                                .getJsonArray("tool_calls")
                                .getJsonObject(0)
                                .getJsonObject("function")
                                .getString("arguments");
        assertThat(json(args).getString("city")).isEqualTo("Oslo");
        assertThat(out.get(5).getJsonArray("choices").getJsonObject(0).getString("finish_reason"))
                .isEqualTo("tool_calls");
        var usage = out.get(6).getJsonObject("usage");
        assertThat(usage.getInt("prompt_tokens")).isEqualTo(20);
        assertThat(usage.getInt("completion_tokens")).isEqualTo(15);
        assertThat(out).hasSize(7);
    }

    @Test
    void errorEventMidStreamThrows() {
        var s = new AnthropicTranslation.StreamState("m", false);
        assertThatThrownBy(
                        () ->
                                AnthropicTranslation.streamEvent(
                                        "error",
                                        json(
                                                "{'type':'error','error':{'type':'overloaded_error','message':'Overloaded'}}"),
                                        s))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("Overloaded");
    }
}
