package io.gatehouse.routing.internal.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesNativeTest {
    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s.replace('\'', '"'))).readObject();
    }

    static ChatRequest parsed(JsonObject body) {
        ResponsesRequests.Translated t = ResponsesRequests.read(body);
        return OpenAiChat.parse(t.chatBody(List.of()));
    }

    @Test
    void anUnchangedRequestGoesWithTheFieldsTheGatewayReadModelSwappedStoreOff() {
        JsonObject body =
                json(
                        "{'model':'gpt','input':'Hi','temperature':0.5,'store':true,"
                                + "'metadata':{'a':'b'},'include':['reasoning.encrypted_content']}");
        String wire = new ResponsesNative(null, body).body(parsed(body), true, "gpt-4.1");
        assertThat(json(wire))
                .isEqualTo(
                        json("{'model':'gpt-4.1','input':'Hi','temperature':0.5,'store':false}"));
    }

    @Test
    void aChangedRequestIsReRenderedFromTheStagesMessages() {
        JsonObject body =
                json(
                        "{'model':'gpt','instructions':'Be brief','input':[{'role':'user','content':"
                                + "'Mail ann@example.com'},{'type':'function_call','call_id':'c1',"
                                + "'name':'f','arguments':'{}'},{'type':'function_call_output',"
                                + "'call_id':'c1','output':'ok'}]}");
        ChatRequest p = parsed(body);
        List<ChatMessage> redacted = new ArrayList<>(p.messages());
        redacted.set(1, redacted.get(1).withText("Mail [EMAIL]"));
        String wire =
                new ResponsesNative(null, body).body(p.withMessages(redacted), false, "gpt-4.1");
        assertThat(json(wire))
                .isEqualTo(
                        json(
                                "{'model':'gpt-4.1','input':[{'type':'message','role':'system',"
                                        + "'content':'Be brief'},{'type':'message','role':'user',"
                                        + "'content':'Mail [EMAIL]'},{'type':'function_call',"
                                        + "'call_id':'c1','name':'f','arguments':'{}'},"
                                        + "{'type':'function_call_output','call_id':'c1',"
                                        + "'output':'ok'}],'store':false}"));
    }

    @Test
    void anInputItemWithAKeyTheGatewayDoesNotReadIsReRendered() {
        JsonObject body =
                json(
                        "{'model':'gpt','input':[{'role':'user','content':[{'type':'input_text',"
                                + "'text':'Hi','cache':'x'}]}]}");
        String wire = new ResponsesNative(null, body).body(parsed(body), true, "m");
        assertThat(wire).doesNotContain("cache");
        assertThat(json(wire).getJsonArray("input").getJsonObject(0).getString("content"))
                .isEqualTo("Hi");
    }

    @Test
    void settingsGoAsTheStagesLeftThemAndReasoningOnlyWithItsEffort() {
        JsonObject body =
                json(
                        "{'model':'gpt','input':'Hi','max_output_tokens':500,"
                                + "'reasoning':{'effort':'low','summary':'auto'},"
                                + "'tools':[{'type':'function','name':'f','parameters':{},'x':1}],"
                                + "'tool_choice':{'type':'function','name':'f'},"
                                + "'text':{'format':{'type':'json_object'}}}");
        ChatRequest p = parsed(body);
        // a managed prompt's cap below the client's: the smaller wins
        JsonObject capped =
                Json.createObjectBuilder(OpenAiChat.render(p, "gpt"))
                        .add("max_tokens", 100)
                        .build();
        String wire = new ResponsesNative(null, body).body(OpenAiChat.parse(capped), false, "m");
        JsonObject sent = json(wire);
        assertThat(sent.getInt("max_output_tokens")).isEqualTo(100);
        assertThat(sent.getJsonObject("reasoning")).isEqualTo(json("{'effort':'low'}"));
        assertThat(sent.getJsonArray("tools"))
                .isEqualTo(json("{'a':[{'type':'function','name':'f','parameters':{}}]}").get("a"));
        assertThat(sent.getJsonObject("tool_choice"))
                .isEqualTo(json("{'type':'function','name':'f'}"));
        assertThat(sent.getJsonObject("text")).isEqualTo(json("{'format':{'type':'json_object'}}"));
    }

    @Test
    void aFunctionCallOutputWithPartsOtherThanInputTextIsReRendered() {
        JsonObject body =
                json(
                        "{'model':'gpt','input':[{'type':'function_call','call_id':'c1','name':'f',"
                                + "'arguments':'{}'},{'type':'function_call_output','call_id':'c1',"
                                + "'output':[{'type':'input_text','text':'ok'},"
                                + "{'type':'input_file','file_data':'secret'}]}]}");
        String wire = new ResponsesNative(null, body).body(parsed(body), true, "m");
        assertThat(wire).doesNotContain("secret").doesNotContain("input_file");
        assertThat(json(wire).getJsonArray("input").getJsonObject(1).getString("output"))
                .isEqualTo("ok");
    }

    /**
     * Review finding (issue 17): whether a stream goes natively was decided on the client's JSON,
     * so a managed prompt's default tools went to a native stream whose first function call failed
     * it. Now it is decided on the request as the stages left it (defaults applied).
     */
    @Test
    void aStreamGoesNativelyOnlyWithoutToolsAsTheStagesLeftThem() {
        JsonObject stream = json("{'model':'gpt','stream':true,'input':'Weather?'}");
        ChatRequest plain = parsed(stream);
        ChatRequest withDefaultTools =
                OpenAiChat.withDefaults(
                        plain,
                        java.util.Map.of(
                                "tools",
                                json("{'t':[{'type':'function','function':{'name':'get_weather',"
                                                + "'parameters':{'type':'object'}}}]}")
                                        .get("t")));
        assertThat(withDefaultTools.tools()).hasSize(1);
        ResponsesNative n = new ResponsesNative(null, stream);
        assertThat(n.nativeFor(plain)).isTrue();
        assertThat(n.nativeFor(withDefaultTools)).isFalse();
        // the client's own tools, and a JSON answer (its calls pass the answer stages whole)
        JsonObject clientTools =
                json(
                        "{'model':'gpt','stream':true,'input':'Weather?','tools':[{'type':'function',"
                                + "'name':'get_weather','parameters':{'type':'object'}}]}");
        assertThat(new ResponsesNative(null, clientTools).nativeFor(parsed(clientTools))).isFalse();
        JsonObject answer = json("{'model':'gpt','input':'Weather?'}");
        assertThat(new ResponsesNative(null, answer).nativeFor(withDefaultTools)).isTrue();
    }

    /** An input_image's detail is low, high or auto: anything else is 400 naming the field. */
    @Test
    void anImagesDetailOutsideItsEnumIsRefusedNamingTheField() {
        JsonObject body =
                json(
                        "{'model':'gpt','input':[{'role':'user','content':[{'type':'input_image',"
                                + "'image_url':'https://x.test/a.png','detail':'x'}]}]}");
        assertThatThrownBy(() -> ResponsesRequests.read(body))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.param()).isEqualTo("input[0].content[0].detail");
                        });
        JsonObject high =
                json(
                        "{'model':'gpt','input':[{'role':'user','content':[{'type':'input_image',"
                                + "'image_url':'https://x.test/a.png','detail':'high'}]}]}");
        assertThat(ResponsesRequests.read(high)).isNotNull();
    }

    /**
     * An output_text part with annotations (or logprobs) holds what the gateway neither reads nor
     * scans: the body is re-rendered from the stages' text, never forwarded as sent; empty ones go
     * as sent.
     */
    @Test
    void anOutputTextPartWithAnnotationsIsNotForwardedAsSent() {
        String annotated =
                "{'model':'gpt','input':[{'role':'user','content':'Hi'},{'role':'assistant',"
                        + "'content':[{'type':'output_text','text':'Hello','annotations':"
                        + "[{'type':'url_citation','url':'https://evil.test/?k=sk-secret'}]}]}]}";
        JsonObject body = json(annotated);
        String wire = new ResponsesNative(null, body).body(parsed(body), true, "m");
        assertThat(wire)
                .doesNotContain("evil.test")
                .doesNotContain("annotations")
                .contains("Hello");

        JsonObject empty = json(annotated.replaceAll("\\[\\{'type':'url_citation'.*?\\}\\]", "[]"));
        assertThat(empty.toString()).contains("\"annotations\":[]");
        String asSent = new ResponsesNative(null, empty).body(parsed(empty), true, "m");
        assertThat(asSent).contains("\"annotations\":[]");
    }
}
