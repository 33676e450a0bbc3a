package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayRequestsTest {
    static JsonObject json(String s) {
        return GatewayRequests.parse(s.replace('\'', '"'));
    }

    @ParameterizedTest(name = "{0} -> param {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{'messages':[{'role':'user','content':'x'}]} | model",
                "{'model':'','messages':[{'role':'user','content':'x'}]} | model",
                "{'model':'m'} | messages",
                "{'model':'m','messages':[]} | messages",
                "{'model':'m','messages':[{'role':'wizard','content':'x'}]} | messages[0].role",
                "{'model':'m','messages':[{'role':'user'}]} | messages[0].content",
                "{'model':'m','messages':[{'role':'user','content':[{'type':'audio'}]}]} | messages[0].content[0].type",
                "{'model':'m','messages':[{'role':'tool','content':'x'}]} | messages[0].tool_call_id",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'n':0} | n",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'n':9} | n",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'temperature':2.5} | temperature",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'temperature':'hot'} | temperature",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'top_p':1.1} | top_p",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'max_tokens':0} | max_tokens",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'stop':['a','b','c','d','e']} | stop",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'stream':'yes'} | stream",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'stream_options':{'include_usage':true}} | stream_options",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'tools':[{'type':'function','function':{'name':'bad name'}}]} | tools[0]",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'response_format':{'type':'xml'}} | response_format",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'seed':1.5} | seed",
                // out of range: longValue() would wrap 2^64 + 2 to 2, 2^63 to a negative seed
                "{'model':'m','messages':[{'role':'user','content':'x'}],'n':18446744073709551618} | n",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'max_tokens':18446744073709551617} | max_tokens",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'seed':9223372036854775808} | seed",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'seed':-9223372036854775809} | seed",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'max_tokens':1e1000000000} | max_tokens",
                // a type the rendering would drop while the forwarded bytes keep it
                "{'model':'m','messages':[{'role':'user','content':'x'}],'logit_bias':[1]} | logit_bias",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'logit_bias':{'5':'high'}} | logit_bias",
                "{'model':'m','messages':[{'role':'user','content':'x'}],'user':7} | user",
                "{'model':'m','messages':[{'role':'user','content':'x','name':7}]} | messages[0].name",
                "{'model':'m','messages':[{'role':'tool','content':'x','tool_call_id':7}]} | messages[0].tool_call_id",
                "{'model':'m','messages':[{'role':'assistant','content':'x','tool_calls':{'id':'c'}}]} | messages[0].tool_calls",
                "{'model':'m','messages':[{'role':'assistant','content':'x','tool_calls':[1]}]} | messages[0].tool_calls",
                // forwarded with the client's bytes: nothing the input policy does not scan
                "{'model':'m','messages':[{'role':'assistant','content':null,'tool_calls':[{'id':'c','type':'function','function':{'name':'f','arguments':{'to':'a@b.c'}}}]}]} | messages[0].tool_calls[0].function.arguments",
                "{'model':'m','messages':[{'role':'assistant','content':null,'tool_calls':[{'id':'c','type':'function','function':{'name':'f','arguments':'{}','note':'x'}}]}]} | messages[0].tool_calls[0].function.note",
                "{'model':'m','messages':[{'role':'assistant','content':null,'tool_calls':[{'id':'c','type':'function','function':{'name':'f','arguments':'{}'},'extra':'x'}]}]} | messages[0].tool_calls[0].extra",
                "{'model':'m','messages':[{'role':'assistant','content':null,'tool_calls':[{'id':'c','type':'custom','custom':{'name':'f','input':'x'}}]}]} | messages[0].tool_calls[0].custom",
                "{'model':'m','messages':[{'role':'assistant','content':null,'tool_calls':[{'id':'c','type':'custom','function':{'name':'f'}}]}]} | messages[0].tool_calls[0].type",
                "{'model':'m','messages':[{'role':'assistant','content':null,'tool_calls':[{'id':'c','type':'function'}]}]} | messages[0].tool_calls[0].function",
                "{'model':'m','messages':[{'role':'assistant','content':[{'type':'refusal','refusal':{'why':'x'}}]}]} | messages[0].content[0].refusal",
                "{'model':'m','messages':[{'role':'assistant','content':[{'type':'refusal','refusal':'no','note':'x'}]}]} | messages[0].content[0].note",
                "{'model':'m','messages':[{'role':'assistant','content':'x','refusal':{'why':'x'}}]} | messages[0].refusal",
                "{'model':'m','messages':[{'role':'user','content':[{'type':'text','text':'x','secret':'y'}]}]} | messages[0].content[0].secret",
                "{'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':{'url':'https://x','note':'y'}}]}]} | messages[0].content[0].image_url.note",
                "{'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':{'url':'https://x','detail':{'a':1}}}]}]} | messages[0].content[0].image_url.detail",
                "{'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':{'url':'https://x','detail':'mail ann@example.com'}}]}]} | messages[0].content[0].image_url.detail"
            })
    void invalidChatRequestsNameTheParam(String body, String param) {
        assertThatThrownBy(() -> GatewayRequests.validateChat(json(body)))
                .isInstanceOf(ValidationException.class)
                .extracting(e -> ((ValidationException) e).param())
                .isEqualTo(param);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{'model':'m','messages':[]}{'model':'m','messages':[{'role':'user','content':'x'}]}",
                "{'model':'m','messages':[{'role':'user','content':'x'}]}]",
                "{'model':'m','messages':[{'role':'user','content':'x'}]}\"",
                "{'model':'m','messages':[{'role':'user','content':'x'}]}{\"a\"",
                "{'model':'m','messages':[{'role':'user','content':'x'}]} x",
                "{'model':'m','messages':[{'role':'user','content':'x'}]},"
            })
    void textAfterTheObjectIsInvalidJson(String body) {
        // Parsson's readObject() stops after the first object: this must not
        String text = body.replace('\'', '"');
        assertThatThrownBy(() -> GatewayRequests.read(text))
                .isInstanceOf(ValidationException.class)
                .extracting(e -> ((ValidationException) e).code())
                .isEqualTo("invalid_json");
    }

    @Test
    void whitespaceAfterTheObjectIsFine() {
        assertThat(GatewayRequests.read("{\"model\":\"m\"} \n\t\r ").json().getString("model"))
                .isEqualTo("m");
    }

    @Test
    void notJsonIsInvalidJson() {
        assertThatThrownBy(() -> GatewayRequests.parse("{nope"))
                .isInstanceOf(ValidationException.class)
                .extracting(e -> ((ValidationException) e).code())
                .isEqualTo("invalid_json");
    }

    @Test
    void validRequestPasses() {
        GatewayRequests.validateChat(
                json(
                        "{'model':'m','messages':[{'role':'system','content':'s'},{'role':'user','content':"
                                + "[{'type':'text','text':'hi'},{'type':'image_url','image_url':{'url':'http://x/y.png'}}]},"
                                + "{'role':'assistant','content':null,'tool_calls':[]}],'n':2,'temperature':0.2,"
                                + "'stream':true,'stream_options':{'include_usage':true},'stop':['a'],'seed':7}"));
    }

    /** Issue 23: a managed prompt's own messages may be the whole conversation. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{'model':'prompt:support','prompt_variables':{'q':'x'}}",
                "{'model':'prompt:support@staging','messages':[]}",
                "{'model':'prompt:support','messages':null}"
            })
    void aManagedPromptsChatMayComeWithoutMessages(String body) {
        JsonObject req = json(body);
        assertThat(GatewayRequests.namesManagedPrompt(req)).isTrue();
        GatewayRequests.validateChat(req, GatewayRequests.namesManagedPrompt(req));
        ChatRequest parsed = OpenAiChat.parse(req);
        assertThat(parsed.messages()).isEmpty();
        assertThat(GatewayRequests.requiredCapabilities(req, "chat")).containsExactly("chat");
        // what the stages leave is checked after them: still none is the usual 400
        assertThatThrownBy(() -> GatewayRequests.requireMessages(parsed.messages()))
                .isInstanceOf(ValidationException.class)
                .extracting(e -> ((ValidationException) e).param())
                .isEqualTo("messages");
        GatewayRequests.requireMessages(List.of(new ChatMessage("system", "rendered", true)));
        // the strict rule (dialects, which have their own) still refuses it
        assertThatThrownBy(() -> GatewayRequests.validateChat(req))
                .isInstanceOf(ValidationException.class)
                .extracting(e -> ((ValidationException) e).param())
                .isEqualTo("messages");
    }

    @ParameterizedTest(name = "{0} -> param {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // another model keeps the rule
                "{'model':'support'} | messages",
                "{'model':'support','messages':[]} | messages",
                "{'model':'m','prompt_variables':{'q':'x'}} | messages",
                // a prompt's chat: what is given is still checked
                "{'model':'prompt:support','messages':{}} | messages",
                "{'model':'prompt:support','messages':'hi'} | messages",
                "{'model':'prompt:support','messages':[{'role':'wizard','content':'x'}]} | messages[0].role",
                "{'model':'prompt:support','prompt_variables':[1]} | prompt_variables"
            })
    void onlyAManagedPromptsChatMayLeaveMessagesOut(String body, String param) {
        JsonObject req = json(body);
        assertThatThrownBy(
                        () ->
                                GatewayRequests.validateChat(
                                        req, GatewayRequests.namesManagedPrompt(req)))
                .isInstanceOf(ValidationException.class)
                .extracting(e -> ((ValidationException) e).param())
                .isEqualTo(param);
    }

    @Test
    void upstreamBodyCarriesOnlyKnownFieldsAndTheStagesText() {
        JsonObject req =
                json(
                        "{'model':'m','api_base':'http://evil','base_url':'http://evil','extra_headers':{'x':'y'},"
                                + "'prompt_variables':{'a':1},'temperature':0.5,'stream':true,'messages':["
                                + "{'role':'user','content':'mail ann@example.com','api_base':'http://evil'},"
                                + "{'role':'user','content':[{'type':'text','text':'card 4111'},"
                                + "{'type':'image_url','image_url':{'url':'http://img'}}]}]}");
        GatewayRequests.validateChat(req);
        // the stages' changes: redacted texts and a template message before the client's
        ChatRequest parsed = OpenAiChat.parse(req);
        List<ChatMessage> msgs = new ArrayList<>(parsed.messages());
        msgs.set(0, msgs.get(0).withText("mail [EMAIL]"));
        msgs.set(1, msgs.get(1).withText("card [CARD]"));
        msgs.add(0, new ChatMessage("system", "template", true));
        JsonObject up = OpenAiChat.render(parsed.withMessages(msgs), null);
        String text = up.toString();
        assertThat(text)
                .doesNotContain("evil")
                .doesNotContain("extra_headers")
                .doesNotContain("prompt_variables")
                .doesNotContain("ann@example.com")
                .doesNotContain("4111");
        assertThat(up.getJsonArray("messages").getJsonObject(0).getString("content"))
                .isEqualTo("template");
        assertThat(up.getJsonArray("messages").getJsonObject(1).getString("content"))
                .isEqualTo("mail [EMAIL]");
        var parts = up.getJsonArray("messages").getJsonObject(2).getJsonArray("content");
        assertThat(parts.getJsonObject(0).getString("text")).isEqualTo("card [CARD]");
        assertThat(parts.getJsonObject(1).getString("type")).isEqualTo("image_url");
        assertThat(up.getJsonNumber("temperature").doubleValue()).isEqualTo(0.5);
        assertThat(up.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
        assertThat(up.containsKey("model")).isFalse();
    }

    @Test
    void embeddingsInputIsValidated() {
        assertThat(GatewayRequests.validateEmbeddings(json("{'model':'e','input':['a','b']}")))
                .containsExactly("a", "b");
        assertThatThrownBy(
                        () -> GatewayRequests.validateEmbeddings(json("{'model':'e','input':[]}")))
                .extracting(e -> ((ValidationException) e).param())
                .isEqualTo("input");
        assertThatThrownBy(
                        () ->
                                GatewayRequests.validateEmbeddings(
                                        json("{'model':'e','input':'a','encoding_format':'hex'}")))
                .extracting(e -> ((ValidationException) e).param())
                .isEqualTo("encoding_format");
    }
}
