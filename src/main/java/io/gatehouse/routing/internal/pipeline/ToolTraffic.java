package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The request's tool traffic in its audit event, under namespaced details keys (docs/audit.md):
 * {@code tools.offered}, the names of the tools offered, and {@code tools.called}, how often the
 * answer called each ({@code {name: count}}). Names and counts only: the audit event never holds
 * message content, and tool arguments and results are content (docs/gateway.md, "Tool traffic").
 */
final class ToolTraffic {
    static final String OFFERED = "tools.offered";
    static final String CALLED = "tools.called";

    private ToolTraffic() {}

    /** Notes the tools the request offers (before the stages: what the client sent). */
    static void offered(GatewayExchange ex) {
        List<ChatRequest.Tool> tools = ex.request().tools();
        if (!tools.isEmpty()) {
            ex.auditDetails().put(OFFERED, tools.stream().map(ChatRequest.Tool::name).toList());
        }
    }

    /** Counts the tool calls of a (non-streamed) chat answer, over its choices. */
    static void called(GatewayExchange ex, JsonObject answer) {
        if (ex == null || !(answer.get("choices") instanceof JsonArray choices)) {
            return;
        }
        for (JsonValue cv : choices) {
            if (cv instanceof JsonObject c
                    && c.get("message") instanceof JsonObject m
                    && m.get("tool_calls") instanceof JsonArray calls) {
                for (JsonValue t : calls) {
                    if (t instanceof JsonObject to
                            && to.get("function") instanceof JsonObject fn
                            && fn.get("name") instanceof JsonString n) {
                        called(ex, n.getString());
                    }
                }
            }
        }
    }

    /**
     * Distinct names {@code tools.called} holds; further names are counted under {@link #OTHER}.
     */
    static final int MAX_NAMES = 128;

    /** The key counting calls whose name is no valid tool name. */
    static final String INVALID = "_invalid";

    /** The key counting calls of names beyond {@link #MAX_NAMES}. */
    static final String OTHER = "_other";

    /** What providers accept as a function name; the model's answer may hold anything. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    /**
     * Counts one call of {@code name} (a streamed call once, when complete). The answer's names are
     * the model's text: a name that is no tool name is counted as {@link #INVALID}, and the event
     * holds at most {@link #MAX_NAMES} names (then {@link #OTHER}), so the audit event stays small
     * and holds no content.
     */
    @SuppressWarnings("unchecked")
    static void called(GatewayExchange ex, String name) {
        if (ex == null || name == null) {
            return;
        }
        Map<String, Object> calls =
                (Map<String, Object>)
                        ex.auditDetails().computeIfAbsent(CALLED, k -> new TreeMap<>());
        String key = NAME.matcher(name).matches() ? name : INVALID;
        if (!calls.containsKey(key) && calls.size() >= MAX_NAMES) {
            key = OTHER;
        }
        calls.merge(key, 1L, (a, b) -> ((Long) a) + 1L);
    }
}
