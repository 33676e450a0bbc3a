package io.gatehouse.routing.internal.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
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
}
