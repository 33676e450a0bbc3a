package io.gatehouse.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.policy.internal.engine.PolicyParser;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StreamFilter;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tool traffic under policy: detectors on tool definitions, call arguments and results; redaction
 * of arguments and results in the canonical request; CEL's {@code tools}; rules scoped to tools;
 * the output stage on an answer's calls, whole and streamed; the validator of the rule form.
 */
class ToolPolicyTest {
    static final String SECRET = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    static CompiledPolicy policy(String rules) {
        return CompiledPolicy.compile(
                "tools",
                "tools@v1",
                false,
                PolicyParser.normalize(json("{\"rules\": " + rules + "}")));
    }

    static ChatMessage.ToolCall call(String id, String name, String args) {
        return ChatMessage.ToolCall.of(
                Json.createObjectBuilder()
                        .add("id", id)
                        .add("type", "function")
                        .add(
                                "function",
                                Json.createObjectBuilder().add("name", name).add("arguments", args))
                        .build());
    }

    static ChatRequest.Tool tool(String name, String description) {
        JsonObject params = json("{\"type\":\"object\",\"properties\":{}}");
        return new ChatRequest.Tool(
                name,
                description,
                params,
                Json.createObjectBuilder()
                        .add("type", "function")
                        .add(
                                "function",
                                Json.createObjectBuilder()
                                        .add("name", name)
                                        .add("description", description)
                                        .add("parameters", params))
                        .build());
    }

    /**
     * A conversation: the user asks, the assistant called fetch with a secret, the tool answered.
     */
    static GatewayExchange conversation(String resultText) {
        List<ChatMessage> msgs =
                List.of(
                        new ChatMessage("user", "deploy it", false),
                        new ChatMessage(
                                "assistant",
                                null,
                                null,
                                null,
                                List.of(
                                        call(
                                                "call_1",
                                                "fetch",
                                                "{\"url\":\"https://x.test\",\"token\":\""
                                                        + SECRET
                                                        + "\"}")),
                                null,
                                null,
                                false),
                        new ChatMessage(
                                "tool", resultText, null, null, null, "call_1", null, false));
        ChatRequest req =
                new ChatRequest(
                        "sandbox",
                        msgs,
                        null,
                        List.of(
                                tool("fetch", "Fetches a URL"),
                                tool("run_shell", "Runs a command")),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);
        return new GatewayExchange(PolicyFixtures.TENANT, "k", "r", "chat", req, Map.of());
    }

    static PolicyStage stage(CompiledPolicy p) {
        return new PolicyStage(t -> List.of(p), PolicyFixturesTest.CLOCK);
    }

    @Test
    void aRedactRuleMasksSecretsInToolArgumentsAndResultsOfTheCanonicalRequest() {
        GatewayExchange ex = conversation("the key is " + SECRET);
        stage(
                        policy(
                                "[{\"id\":\"r\",\"condition\":\"entities.secret.count > 0\","
                                        + "\"action\":\"redact\",\"entities\":[\"secret\"]}]"))
                .beforeRouting(ex);
        ChatMessage.ToolCall c = ex.messages().get(1).toolCalls().get(0);
        assertThat(c.arguments()).isEqualTo("{\"url\":\"https://x.test\",\"token\":\"[SECRET]\"}");
        assertThat(c.json().getJsonObject("function").getString("arguments"))
                .as("the JSON every adapter forwards")
                .isEqualTo(c.arguments());
        assertThat(c.id()).isEqualTo("call_1");
        assertThat(ex.messages().get(2).text()).isEqualTo("the key is [SECRET]");
        assertThat(ex.messages().get(2).toolCallId()).isEqualTo("call_1");
        assertThat(PolicyStage.audit(ex).get("entities").toString()).contains("secret");
    }

    @Test
    void aRuleScopedToAToolRedactsOnlyThatToolsTraffic() {
        GatewayExchange ex = conversation("the key is " + SECRET);
        stage(
                        policy(
                                "[{\"id\":\"r\",\"tools\":[\"run_shell\"],"
                                        + "\"action\":\"redact\",\"entities\":[\"secret\"]}]"))
                .beforeRouting(ex);
        // run_shell is offered, so the rule applies, but only to run_shell's calls and results
        assertThat(ex.messages().get(1).toolCalls().get(0).arguments()).contains(SECRET);
        assertThat(ex.messages().get(2).text()).contains(SECRET);

        GatewayExchange ex2 = conversation("the key is " + SECRET);
        stage(
                        policy(
                                "[{\"id\":\"r\",\"tools\":[\"fetch\"],"
                                        + "\"action\":\"redact\",\"entities\":[\"secret\"]}]"))
                .beforeRouting(ex2);
        assertThat(ex2.messages().get(1).toolCalls().get(0).arguments()).contains("[SECRET]");
        assertThat(ex2.messages().get(2).text()).isEqualTo("the key is [SECRET]");
        assertThat(ex2.messages().get(0).text()).isEqualTo("deploy it");
    }

    @Test
    void celSeesOfferedToolsCallsAndResultsWithTheirEntities() {
        String cond =
                "tools.count == 2 && 'run_shell' in tools.offered"
                        + " && tools.calls.exists(c, c.name == 'fetch' && c.entities.secret.count == 1)"
                        + " && tools.results.exists(r, r.name == 'fetch')";
        GatewayExchange ex = conversation("ok");
        assertThatThrownBy(
                        () ->
                                stage(
                                                policy(
                                                        "[{\"id\":\"d\",\"condition\":\""
                                                                + cond
                                                                + "\",\"action\":\"deny\",\"code\":\"tool_denied\"}]"))
                                        .beforeRouting(ex))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("tool_denied"));
    }

    /**
     * CEL sees tool names lower-cased, as a rule's {@code tools} scope compares them: a condition
     * written for {@code delete_repo} holds for a call spelled {@code Delete_Repo} (review of issue
     * 17: the scope folded case, a condition did not).
     */
    @Test
    void celComparesToolNamesCaseFolded() {
        String rule =
                "[{\"id\":\"d\",\"condition\":\"tools.calls.exists(c, c.name == 'delete_repo')\","
                        + "\"action\":\"deny\",\"code\":\"forbidden_tool\",\"stage\":\"output\"}]";
        GatewayExchange ex = conversation("ok");
        PolicyStage st = stage(policy(rule));
        st.beforeRouting(ex);
        ex.answerText(null);
        ex.answerToolCalls(List.of(call("c2", "Delete_Repo", "{\"repo\":\"core\"}")));
        assertThatThrownBy(() -> st.afterAnswer(ex))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("forbidden_tool"));
    }

    @Test
    void aScopedDenyAppliesOnlyWhenItsToolHasTraffic() {
        String rule =
                "[{\"id\":\"d\",\"tools\":[\"delete_repo\"],\"action\":\"deny\","
                        + "\"code\":\"forbidden_tool\",\"stage\":\"both\"}]";
        GatewayExchange ex = conversation("ok");
        PolicyStage st = stage(policy(rule));
        st.beforeRouting(ex); // delete_repo neither offered nor called: allowed
        ex.answerText(null);
        ex.answerToolCalls(List.of(call("c2", "delete_repo", "{\"repo\":\"core\"}")));
        assertThatThrownBy(() -> st.afterAnswer(ex))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("forbidden_tool"));
        assertThat(PolicyStage.audit(ex).get("output").toString()).contains("tools@v1/d");
    }

    @Test
    void theOutputStageRedactsTheArgumentsOfAnAnswersCalls() {
        GatewayExchange ex = conversation("ok");
        PolicyStage st =
                stage(
                        policy(
                                "[{\"id\":\"r\",\"action\":\"redact\",\"entities\":[\"email\"],"
                                        + "\"stage\":\"output\"}]"));
        st.beforeRouting(ex);
        ex.answerText(null);
        ex.answerToolCalls(
                List.of(call("c2", "send_mail", "{\"to\":\"ann@example.com\",\"n\":1}")));
        st.afterAnswer(ex);
        assertThat(ex.answerToolCalls().get(0).arguments())
                .isEqualTo("{\"to\":\"[EMAIL]\",\"n\":1}");
    }

    @Test
    void aStreamedCallIsCheckedWholeRedactedOrCut() {
        GatewayExchange ex = conversation("ok");
        PolicyStage st =
                stage(
                        policy(
                                "[{\"id\":\"d\",\"tools\":[\"run_shell\"],\"action\":\"deny\","
                                        + "\"code\":\"forbidden_tool\",\"stage\":\"output\"},"
                                        + "{\"id\":\"r\",\"action\":\"redact\",\"entities\":[\"email\"],"
                                        + "\"stage\":\"output\"}]"));
        st.beforeRouting(ex);
        StreamFilter f = st.streamFilter(ex);
        assertThat(f.checksToolCalls()).isTrue();
        assertThat(
                        f.onToolCall(call("c1", "send_mail", "{\"to\":\"ann@example.com\"}"))
                                .arguments())
                .isEqualTo("{\"to\":\"[EMAIL]\"}");
        assertThatThrownBy(() -> f.onToolCall(call("c2", "run_shell", "{\"cmd\":\"ls\"}")))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("forbidden_tool"));
    }

    @Test
    void argumentsThatAreNotJsonAreRedactedAsText() {
        assertThat(ToolText.redact("mail ann@example.com now", java.util.Set.of("email")))
                .isEqualTo("mail [EMAIL] now");
        String args = "{\"a\":[\"x\",{\"b\":4111111111111111}]}";
        assertThat(ToolText.redact(args, java.util.Set.of("card")))
                .isEqualTo("{\"a\":[\"x\",{\"b\":\"[CARD]\"}]}");
        assertThat(ToolText.redact(args, java.util.Set.of("email"))).isSameAs(args);
    }

    @Test
    void argumentsWithTrailingTextOrDuplicateNamesAreScannedAndRedactedWhole() {
        java.util.Set<String> secret = java.util.Set.of("secret");
        String escaped = SECRET.replace("ghp_", "gh\\u0070_");
        for (String args :
                List.of(
                        "{\"q\":\"x\"} " + SECRET,
                        "{\"q\":\"x\"}{\"t\":\"" + SECRET + "\"}",
                        "{\"t\":\"" + SECRET + "\",\"t\":\"x\"}",
                        "{\"t\":\"" + escaped + "\",\"t\":\"x\"}")) {
            assertThat(ToolText.scan(args)).as(args).extracting(d -> d.type()).contains("secret");
            String r = ToolText.redact(args, secret);
            assertThat(r).as(args).doesNotContain(SECRET.substring(4)).contains("[SECRET]");
        }
        assertThat(ToolText.redact("{\"t\":\"" + escaped + "\",\"t\":\"x\"}", secret))
                .as("both duplicates forwarded, the secret masked")
                .isEqualTo("{\"t\":\"[SECRET]\",\"t\":\"x\"}");
    }

    @Test
    void memberNamesAreScannedAndARedactedNameBecomesThePlaceholder() {
        java.util.Set<String> secret = java.util.Set.of("secret");
        assertThat(ToolText.scan("{\"" + SECRET + "\":1}"))
                .extracting(d -> d.type())
                .contains("secret");
        assertThat(ToolText.text("{\"" + SECRET + "\":1}")).contains(SECRET);
        assertThat(ToolText.redact("{\"a\":{\"" + SECRET + "\":1,\"[SECRET]\":2}}", secret))
                .as("a suffix where the object already has the placeholder name")
                .isEqualTo("{\"a\":{\"[SECRET]_2\":1,\"[SECRET]\":2}}");

        // on the output stage: a model leaking a secret as a key name
        GatewayExchange ex = conversation("ok");
        PolicyStage st =
                stage(
                        policy(
                                "[{\"id\":\"r\",\"action\":\"redact\",\"entities\":[\"secret\"],"
                                        + "\"stage\":\"output\"}]"));
        st.beforeRouting(ex);
        ex.answerText(null);
        ex.answerToolCalls(List.of(call("c2", "fetch", "{\"" + SECRET + "\":true}")));
        st.afterAnswer(ex);
        assertThat(ex.answerToolCalls().get(0).arguments()).isEqualTo("{\"[SECRET]\":true}");
    }

    static GatewayExchange withDefinition(ChatRequest.Tool t) {
        ChatRequest req =
                new ChatRequest(
                        "sandbox",
                        List.of(new ChatMessage("user", "hi", false)),
                        null,
                        List.of(t),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);
        return new GatewayExchange(PolicyFixtures.TENANT, "k", "r", "chat", req, Map.of());
    }

    static ChatRequest.Tool toolWithSchema(String name, String description, String schema) {
        JsonObject params = json(schema);
        return new ChatRequest.Tool(
                name,
                description,
                params,
                Json.createObjectBuilder()
                        .add("type", "function")
                        .add(
                                "function",
                                Json.createObjectBuilder()
                                        .add("name", name)
                                        .add("description", description)
                                        .add("parameters", params))
                        .build());
    }

    @Test
    void aSecretAsASchemaPropertyNameIsSeen() {
        GatewayExchange ex =
                withDefinition(
                        toolWithSchema(
                                "lookup",
                                "Looks up",
                                "{\"type\":\"object\",\"properties\":{\""
                                        + SECRET
                                        + "\":{\"type\":\"string\"}}}"));
        assertThatThrownBy(
                        () ->
                                stage(
                                                policy(
                                                        "[{\"id\":\"d\",\"condition\":\"entities.secret.count > 0\","
                                                                + "\"action\":\"deny\",\"code\":\"secret_denied\"}]"))
                                        .beforeRouting(ex))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("secret_denied"));
    }

    @Test
    void aRedactRuleMatchingInsideAToolDefinitionRefusesTheRequest() {
        String redact = "[{\"id\":\"r\",\"action\":\"redact\",\"entities\":[\"secret\"]}]";
        for (ChatRequest.Tool t :
                List.of(
                        toolWithSchema(
                                "lookup",
                                "Use token " + SECRET,
                                "{\"type\":\"object\",\"properties\":{}}"),
                        toolWithSchema(
                                "lookup",
                                "Looks up",
                                "{\"type\":\"object\",\"properties\":{\"k\":{\"type\":\"string\","
                                        + "\"default\":\""
                                        + SECRET
                                        + "\"}}}"))) {
            GatewayExchange ex = withDefinition(t);
            assertThatThrownBy(() -> stage(policy(redact)).beforeRouting(ex))
                    .isInstanceOfSatisfying(
                            GatehouseException.class,
                            e -> {
                                assertThat(e.status()).isEqualTo(400);
                                assertThat(e.code()).isEqualTo("unredactable_tool_definition");
                            });
            assertThat(PolicyStage.audit(ex).get("refused"))
                    .isEqualTo("unredactable_tool_definition");
        }
        // a rule scoped to another tool does not touch this definition
        GatewayExchange ok =
                withDefinition(
                        toolWithSchema(
                                "lookup",
                                "Use token " + SECRET,
                                "{\"type\":\"object\",\"properties\":{}}"));
        stage(
                        policy(
                                "[{\"id\":\"r\",\"tools\":[\"other\"],\"action\":\"redact\","
                                        + "\"entities\":[\"secret\"]}]"))
                .beforeRouting(ok);
        assertThat(ok.request().tools().get(0).description()).contains(SECRET);
    }

    @Test
    void theValidatorAcceptsTheToolScopeAndRefusesItsMistakesNamingTheField() {
        JsonObject ok =
                PolicyParser.normalize(
                        json(
                                "{\"rules\":[{\"id\":\"d\",\"tools\":[\"run_shell\",\"rm-rf\"],"
                                        + "\"action\":\"deny\"}]}"));
        assertThat(ok.getJsonArray("rules").getJsonObject(0).getJsonArray("tools").toString())
                .isEqualTo("[\"run_shell\",\"rm-rf\"]");
        Map<String, String> bad =
                Map.of(
                        "\"tools\":[]", "content.rules[0].tools",
                        "\"tools\":\"run_shell\"", "content.rules[0].tools",
                        "\"tools\":[\"a b\"]", "content.rules[0].tools",
                        "\"tools\":[\"x\",\"x\"]", "content.rules[0].tools");
        bad.forEach(
                (field, param) ->
                        assertThatThrownBy(
                                        () ->
                                                PolicyParser.normalize(
                                                        json(
                                                                "{\"rules\":[{\"id\":\"d\","
                                                                        + field
                                                                        + ",\"action\":\"deny\"}]}")))
                                .as(field)
                                .isInstanceOfSatisfying(
                                        ValidationException.class,
                                        e -> assertThat(e.param()).isEqualTo(param)));
        assertThatThrownBy(
                        () ->
                                PolicyParser.normalize(
                                        json(
                                                "{\"rules\":[{\"id\":\"a\",\"tools\":[\"x\"],"
                                                        + "\"action\":\"allow\"}]}")))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> {
                            assertThat(e.param()).isEqualTo("content.rules[0].tools");
                            assertThat(e.getMessage()).contains("deny, redact or flag");
                        });
    }

    /** A rule names a tool in one case, a call spells it in another: the rule holds (issue 17). */
    @Test
    void aRuleScopedToAToolHoldsForItsNameInAnyCase() {
        GatewayExchange ex = conversation("ok");
        PolicyStage st =
                stage(
                        policy(
                                "[{\"id\":\"d\",\"tools\":[\"run_shell\"],\"action\":\"deny\","
                                        + "\"code\":\"forbidden_tool\",\"stage\":\"output\"},"
                                        + "{\"id\":\"r\",\"tools\":[\"Send_Mail\"],\"action\":\"redact\","
                                        + "\"entities\":[\"email\"],\"stage\":\"output\"}]"));
        st.beforeRouting(ex);
        ex.answerText(null);
        ex.answerToolCalls(List.of(call("c2", "SEND_MAIL", "{\"to\":\"ann@example.com\"}")));
        st.afterAnswer(ex);
        assertThat(ex.answerToolCalls().get(0).arguments()).isEqualTo("{\"to\":\"[EMAIL]\"}");
        ex.answerToolCalls(List.of(call("c3", "Run_Shell", "{\"cmd\":\"ls\"}")));
        assertThatThrownBy(() -> st.afterAnswer(ex))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("forbidden_tool"));
        StreamFilter f = st.streamFilter(ex);
        assertThatThrownBy(() -> f.onToolCall(call("c4", "RUN_SHELL", "{}")))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("forbidden_tool"));
    }

    static GatewayExchange withAssistant(ChatMessage assistant) {
        ChatRequest req =
                new ChatRequest(
                        "sandbox",
                        List.of(new ChatMessage("user", "hi", false), assistant),
                        null,
                        List.of(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);
        return new GatewayExchange(PolicyFixtures.TENANT, "k", "r", "chat", req, Map.of());
    }

    static final String MAIL_RULES =
            "[{\"id\":\"d\",\"condition\":\"entities.secret.count > 0\",\"action\":\"deny\","
                    + "\"code\":\"secret_in_input\"},"
                    + "{\"id\":\"r\",\"condition\":\"entities.email.count > 0\",\"action\":\"redact\","
                    + "\"entities\":[\"email\"]}]";

    /**
     * An assistant's earlier refusal (the message's {@code refusal}, a refusal part) is forwarded
     * as sent: the input rules see it (a deny holds), and a redaction that would have to change it
     * refuses the request (issue 17).
     */
    @Test
    void anEarlierRefusalIsScannedAndARedactionInItRefusesTheRequest() {
        JsonObject part =
                Json.createObjectBuilder()
                        .add("type", "refusal")
                        .add("refusal", "I will not mail ann@example.com")
                        .build();
        GatewayExchange inPart =
                withAssistant(
                        new ChatMessage(
                                "assistant",
                                null,
                                List.of(new ChatMessage.Part("refusal", part)),
                                null,
                                null,
                                null,
                                null,
                                false));
        assertThatThrownBy(() -> stage(policy(MAIL_RULES)).beforeRouting(inPart))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.code()).isEqualTo("unredactable_refusal");
                        });
        GatewayExchange inField =
                withAssistant(
                        new ChatMessage(
                                "assistant",
                                null,
                                null,
                                null,
                                null,
                                null,
                                Json.createValue("I cannot use the token " + SECRET),
                                false));
        assertThatThrownBy(() -> stage(policy(MAIL_RULES)).beforeRouting(inField))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("secret_in_input"));
    }

    /**
     * Signed text (an earlier turn's thinking, which only the native body carries) is under the
     * input rules: a deny holds, and a redaction refuses the request, as the text cannot change.
     */
    @Test
    void signedInputIsScannedAndARedactionInItRefusesTheRequest() {
        GatewayExchange deny = withAssistant(new ChatMessage("assistant", "12,231", false));
        deny.signedInput(List.of("The token is " + SECRET));
        assertThatThrownBy(() -> stage(policy(MAIL_RULES)).beforeRouting(deny))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo("secret_in_input"));
        GatewayExchange redact = withAssistant(new ChatMessage("assistant", "12,231", false));
        redact.signedInput(List.of("Mail ann@example.com the result."));
        assertThatThrownBy(() -> stage(policy(MAIL_RULES)).beforeRouting(redact))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.code()).isEqualTo("unredactable_thinking");
                        });
        assertThat(PolicyStage.audit(redact).get("refused")).isEqualTo("unredactable_thinking");
        GatewayExchange clean = withAssistant(new ChatMessage("assistant", "12,231", false));
        clean.signedInput(List.of("27 * 453 = 12,231"));
        stage(policy(MAIL_RULES)).beforeRouting(clean);
        assertThat(clean.signedInput()).containsExactly("27 * 453 = 12,231");
    }
}
