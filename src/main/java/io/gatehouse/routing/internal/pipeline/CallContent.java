package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.ContentRetentionRules.Bodies;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gateway request's bodies for its audit event ({@link AuditEvent.Builder#content}), built only
 * as far as the tenant's retention setting uses them (docs/audit.md, "Content retention"):
 *
 * <ul>
 *   <li>full: {@code {"model", "messages": [{"role", "content"}], "variables", "answer"}}: the
 *       request as the client sent it (a dialect's input as chat messages; {@code prompt_variables}
 *       as sent) and the answer's text as the client received it (a stream: the text written);
 *   <li>redacted (only under the {@code redacted} setting): the full form itself when no stage
 *       redacted anything; when the policy redacted, the messages and answer as the stages left
 *       them (the rendered prompt included, variables left out, since they went into it
 *       unredacted); none at all when a stage refused the request or its answer for what it holds
 *       (a deny): then only the hash is kept.
 * </ul>
 *
 * Strings are shared with the parsed request, never copied; the audit module writes the canonical
 * JSON once and hashes that.
 */
final class CallContent {
    private static final java.math.BigDecimal MAX_LONG =
            java.math.BigDecimal.valueOf(Long.MAX_VALUE);

    private CallContent() {}

    /** Gives {@code b} the call's bodies, when its tenant's setting uses them. */
    static void attach(AuditEvent.Builder b, Call call) {
        if (call.bodies == Bodies.NONE || call.clientRequest == null) {
            return;
        }
        String answer =
                call.sentText != null
                        ? call.sentText.toString()
                        : call.answerText; // null: no answer (an error, embeddings)
        ChatRequest sent = call.clientRequest;
        Map<String, Object> full =
                form(call.requestedModel, sent.messages(), sent.promptVariables(), answer);
        Object redacted = null;
        GatewayExchange ex = call.exchange;
        if (call.bodies == Bodies.REDACTED && ex != null && !ex.isContentWithheld()) {
            redacted =
                    ex.isContentRedacted()
                            ? form(call.requestedModel, ex.messages(), null, answer)
                            : full;
        }
        b.content(full, redacted);
    }

    static Map<String, Object> form(
            String model, List<ChatMessage> messages, JsonObject variables, String answer) {
        Map<String, Object> m = new LinkedHashMap<>(8);
        if (model != null) {
            m.put("model", model);
        }
        List<Object> msgs = new ArrayList<>(messages.size());
        for (ChatMessage cm : messages) {
            Map<String, Object> one = new LinkedHashMap<>(4);
            one.put("role", cm.role());
            one.put("content", cm.text());
            msgs.add(one);
        }
        m.put("messages", msgs);
        if (variables != null) {
            m.put("variables", plain(variables));
        }
        if (answer != null) {
            m.put("answer", answer);
        }
        return m;
    }

    /** A JSON value as the maps, lists, strings, numbers and booleans audit events hold. */
    static Object plain(JsonValue v) {
        if (v instanceof JsonString s) {
            return s.getString();
        }
        if (v instanceof JsonNumber n) {
            // integers a long holds stay numbers; others keep their text exactly
            if (n.isIntegral() && n.bigDecimalValue().abs().compareTo(MAX_LONG) <= 0) {
                return n.longValue();
            }
            return n.toString();
        }
        if (v instanceof JsonObject o) {
            Map<String, Object> m = new LinkedHashMap<>();
            o.forEach((k, x) -> m.put(k, plain(x)));
            return m;
        }
        if (v instanceof JsonArray a) {
            List<Object> l = new ArrayList<>(a.size());
            a.forEach(x -> l.add(plain(x)));
            return l;
        }
        if (v == JsonValue.TRUE) {
            return Boolean.TRUE;
        }
        if (v == JsonValue.FALSE) {
            return Boolean.FALSE;
        }
        return null;
    }

    /** Notes a JSON answer's text as the client receives it, when the tenant's setting uses it. */
    static void answered(Call call, JsonObject answer) {
        if (call.bodies != Bodies.NONE) {
            call.answerText = answerText(answer);
        }
    }

    /**
     * The first choice's message text of an OpenAI chat answer (as the stages left it), or null.
     */
    static String answerText(JsonObject answer) {
        if (!(answer.get("choices") instanceof JsonArray choices) || choices.isEmpty()) {
            return null;
        }
        if (!(choices.get(0) instanceof JsonObject c)
                || !(c.get("message") instanceof JsonObject m)) {
            return null;
        }
        JsonValue content = m.get("content");
        if (content instanceof JsonString s) {
            return s.getString();
        }
        if (content instanceof JsonArray parts) {
            StringBuilder sb = new StringBuilder();
            for (JsonValue p : parts) {
                if (p instanceof JsonObject po && "text".equals(po.getString("type", ""))) {
                    sb.append(po.getString("text", ""));
                }
            }
            return sb.toString();
        }
        return null;
    }

    /** Notes the text of a chunk written to the client (choice 0's content delta). */
    static void sent(Call call, JsonObject chunk) {
        if (call.sentText == null || !(chunk.get("choices") instanceof JsonArray choices)) {
            return;
        }
        for (JsonValue cv : choices) {
            if (cv instanceof JsonObject c
                    && c.getInt("index", 0) == 0
                    && c.get("delta") instanceof JsonObject d
                    && d.get("content") instanceof JsonString s) {
                call.sentText.append(s.getString());
            }
        }
    }
}
