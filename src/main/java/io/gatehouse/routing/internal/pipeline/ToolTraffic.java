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

    /** Counts one call of {@code name} (a streamed call when its name arrives). */
    @SuppressWarnings("unchecked")
    static void called(GatewayExchange ex, String name) {
        if (ex == null || name == null) {
            return;
        }
        Map<String, Object> calls =
                (Map<String, Object>)
                        ex.auditDetails().computeIfAbsent(CALLED, k -> new TreeMap<>());
        calls.merge(name, 1L, (a, b) -> ((Long) a) + 1L);
    }
}
