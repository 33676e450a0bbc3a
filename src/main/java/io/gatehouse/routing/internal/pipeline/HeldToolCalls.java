package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StreamFilter;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streamed tool calls of each choice, held while a stream filter checks tool calls: their fragments
 * are joined, and each complete call passes the filters before it is sent as one delta.
 */
final class HeldToolCalls {
    private static final JsonProvider JSON = JsonProvider.provider(); // see Stages

    private final Map<Integer, TreeMap<Integer, JsonObjectBuilder[]>> byChoice = new TreeMap<>();
    private final Map<Integer, TreeMap<Integer, StringBuilder>> arguments = new TreeMap<>();

    static boolean checked(List<StreamFilter> fs) {
        for (StreamFilter f : fs) {
            if (f.checksToolCalls()) {
                return true;
            }
        }
        return false;
    }

    static void count(GatewayExchange ex, JsonArray tcs) {
        for (JsonValue t : tcs) {
            if (t instanceof JsonObject to
                    && to.get("function") instanceof JsonObject fn
                    && fn.get("name") instanceof JsonString n) {
                ToolTraffic.called(ex, n.getString());
            }
        }
    }

    void add(GatewayExchange ex, int choice, JsonArray tcs) {
        for (JsonValue t : tcs) {
            if (!(t instanceof JsonObject to)) {
                continue;
            }
            int i = to.getInt("index", 0);
            JsonObjectBuilder[] call =
                    byChoice.computeIfAbsent(choice, c -> new TreeMap<>())
                            .computeIfAbsent(
                                    i,
                                    k ->
                                            new JsonObjectBuilder[] {
                                                JSON.createObjectBuilder(),
                                                JSON.createObjectBuilder()
                                            });
            StringBuilder args =
                    arguments
                            .computeIfAbsent(choice, c -> new TreeMap<>())
                            .computeIfAbsent(i, k -> new StringBuilder());
            for (String f : List.of("id", "type")) {
                if (to.get(f) instanceof JsonString v) {
                    call[0].add(f, v);
                }
            }
            if (to.get("function") instanceof JsonObject fn) {
                if (fn.get("name") instanceof JsonString n) {
                    call[1].add("name", n);
                    ToolTraffic.called(ex, n.getString());
                }
                if (fn.get("arguments") instanceof JsonString a) {
                    args.append(a.getString());
                }
            }
        }
    }

    /** The choice's held calls, each through the filters, as one chunk (null when none held). */
    JsonObject release(JsonObject like, int choice, List<StreamFilter> fs) {
        TreeMap<Integer, JsonObjectBuilder[]> calls = byChoice.remove(choice);
        TreeMap<Integer, StringBuilder> args = arguments.remove(choice);
        if (calls == null) {
            return null;
        }
        JsonArrayBuilder out = JSON.createArrayBuilder();
        for (var e : calls.entrySet()) {
            JsonObject head = e.getValue()[0].build();
            JsonObject fn =
                    e.getValue()[1].add("arguments", args.get(e.getKey()).toString()).build();
            JsonObject whole =
                    JSON.createObjectBuilder(head)
                            .add("type", head.getString("type", "function"))
                            .add("function", fn)
                            .build();
            ChatMessage.ToolCall call = ChatMessage.ToolCall.of(whole);
            for (StreamFilter f : fs) {
                if (f.checksToolCalls()) {
                    call = f.onToolCall(call);
                }
            }
            out.add(JSON.createObjectBuilder(call.json()).add("index", e.getKey()));
        }
        JsonObject c =
                JSON.createObjectBuilder()
                        .add("index", choice)
                        .add("delta", JSON.createObjectBuilder().add("tool_calls", out))
                        .addNull("finish_reason")
                        .build();
        return SseRelay.base(like).add("choices", JSON.createArrayBuilder().add(c)).build();
    }
}
