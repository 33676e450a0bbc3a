package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StreamFilter;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Streamed tool calls of each choice, held while a stream filter checks tool calls: their fragments
 * are joined, and each complete call passes the filters before it is sent as one delta. What a
 * provider can make the gateway hold is bounded (characters per choice, by default {@link
 * #MAX_CHARS_PER_CHOICE} and set by {@code gatehouse.gateway.held-tool-call-max-chars}; {@link
 * #MAX_CALLS_PER_CHOICE}, {@link #MAX_CHOICES}): beyond it the stream ends with {@code
 * tool_call_too_large} instead of the gateway's memory growing with the provider's output.
 */
final class HeldToolCalls {
    private static final JsonProvider JSON = JsonProvider.provider(); // see Stages

    /** Characters (names and arguments) held for one choice's calls, unless configured. */
    static final int MAX_CHARS_PER_CHOICE = 256 * 1024;

    /** Calls held for one choice; call indexes must be below this. */
    static final int MAX_CALLS_PER_CHOICE = 128;

    /** Choices with held calls at once. */
    static final int MAX_CHOICES = 128;

    /** One call being joined: its id and type, its name and arguments so far. */
    private static final class Held {
        final JsonObjectBuilder head = JSON.createObjectBuilder();
        final StringBuilder name = new StringBuilder();
        final StringBuilder arguments = new StringBuilder();
    }

    private final int maxChars;
    private final Map<Integer, TreeMap<Integer, Held>> byChoice = new TreeMap<>();
    private final Map<Integer, Integer> heldChars = new TreeMap<>();

    /** Calls (choice, index) already counted where calls pass unheld. */
    private final Set<Long> counted = new HashSet<>();

    HeldToolCalls() {
        this(MAX_CHARS_PER_CHOICE);
    }

    /** With at most {@code maxChars} characters held per choice. */
    HeldToolCalls(int maxChars) {
        this.maxChars = maxChars;
    }

    static boolean checked(List<StreamFilter> fs) {
        for (StreamFilter f : fs) {
            if (f.checksToolCalls()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts the calls of unheld fragments: each call (choice, index) once, when its name first
     * arrives, however many fragments repeat it.
     */
    void count(GatewayExchange ex, int choice, JsonArray tcs) {
        for (JsonValue t : tcs) {
            if (t instanceof JsonObject to
                    && to.get("function") instanceof JsonObject fn
                    && fn.get("name") instanceof JsonString n
                    && counted.add(((long) choice << 32) | (index(to) & 0xffffffffL))) {
                ToolTraffic.called(ex, n.getString());
            }
        }
    }

    private static int index(JsonObject call) {
        return call.get("index") instanceof JsonNumber n ? n.intValue() : 0;
    }

    void add(GatewayExchange ex, int choice, JsonArray tcs) {
        for (JsonValue t : tcs) {
            if (!(t instanceof JsonObject to)) {
                continue;
            }
            int i = index(to);
            if (i < 0 || i >= MAX_CALLS_PER_CHOICE) {
                throw tooLarge("a tool call index outside 0.." + (MAX_CALLS_PER_CHOICE - 1));
            }
            if (!byChoice.containsKey(choice) && byChoice.size() >= MAX_CHOICES) {
                throw tooLarge("tool calls in more than " + MAX_CHOICES + " choices");
            }
            Held call =
                    byChoice.computeIfAbsent(choice, c -> new TreeMap<>())
                            .computeIfAbsent(i, k -> new Held());
            for (String f : List.of("id", "type")) {
                if (to.get(f) instanceof JsonString v) {
                    call.head.add(f, v);
                }
            }
            int chars = 0;
            if (to.get("function") instanceof JsonObject fn) {
                // fragments of a name are joined as clients join them: the filters check the
                // name the client will see
                if (fn.get("name") instanceof JsonString n) {
                    call.name.append(n.getString());
                    chars += n.getString().length();
                }
                if (fn.get("arguments") instanceof JsonString a) {
                    call.arguments.append(a.getString());
                    chars += a.getString().length();
                }
            }
            int total = heldChars.merge(choice, chars, Integer::sum);
            if (total > maxChars) {
                throw tooLarge("tool calls of more than " + maxChars + " characters");
            }
        }
    }

    private static GatehouseException tooLarge(String what) {
        return new GatehouseException(
                502,
                "tool_call_too_large",
                "The provider streamed " + what + " in one answer; the stream was ended");
    }

    /** The choice's held calls, each through the filters, as one chunk (null when none held). */
    JsonObject release(GatewayExchange ex, JsonObject like, int choice, List<StreamFilter> fs) {
        TreeMap<Integer, Held> calls = byChoice.remove(choice);
        heldChars.remove(choice);
        if (calls == null) {
            return null;
        }
        JsonArrayBuilder out = JSON.createArrayBuilder();
        for (var e : calls.entrySet()) {
            Held h = e.getValue();
            JsonObject head = h.head.build();
            JsonObject whole =
                    JSON.createObjectBuilder(head)
                            .add("type", head.getString("type", "function"))
                            .add(
                                    "function",
                                    JSON.createObjectBuilder()
                                            .add("name", h.name.toString())
                                            .add("arguments", h.arguments.toString()))
                            .build();
            // counted once per complete call, before a filter may refuse it
            ToolTraffic.called(ex, h.name.toString());
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
