package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The request's tool traffic in its audit event, {@code details.tools}: the names of the tools
 * offered and how often the answer called each ({@code {"offered": [...], "called": {name:
 * count}}}). Names and counts only: the audit event never holds message content, and tool arguments
 * and results are content (docs/gateway.md, "Tool traffic").
 */
final class ToolTraffic {
    static final String AUDIT_KEY = "tools";

    private ToolTraffic() {}

    /** Notes the tools the request offers (before the stages: what the client sent). */
    static void offered(GatewayExchange ex) {
        List<ChatRequest.Tool> tools = ex.request().tools();
        if (!tools.isEmpty()) {
            details(ex).put("offered", tools.stream().map(ChatRequest.Tool::name).toList());
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

    /** Counts one call of {@code name} (a streamed call when its name arrives). */
    @SuppressWarnings("unchecked")
    static void called(GatewayExchange ex, String name) {
        if (ex == null || name == null) {
            return;
        }
        Map<String, Object> calls =
                (Map<String, Object>) details(ex).computeIfAbsent("called", k -> new TreeMap<>());
        calls.merge(name, 1L, (a, b) -> ((Long) a) + 1L);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(GatewayExchange ex) {
        return (Map<String, Object>)
                ex.auditDetails().computeIfAbsent(AUDIT_KEY, k -> new LinkedHashMap<>());
    }
}
