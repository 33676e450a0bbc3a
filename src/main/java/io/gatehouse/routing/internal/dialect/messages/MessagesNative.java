package io.gatehouse.routing.internal.dialect.messages;

import io.gatehouse.routing.internal.pipeline.NativeRequest;
import io.gatehouse.routing.internal.pipeline.StreamEvents;
import io.gatehouse.routing.internal.provider.AnthropicTranslation;
import io.gatehouse.routing.internal.provider.ClientBytes;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Messages request as it goes to an Anthropic provider natively: the client's own bytes with the
 * model swapped while no stage changed the request and no block or tool carries a key the gateway
 * does not read; else the request as the stages left it, rendered in Anthropic's shape, with what
 * the canonical request does not carry put back ({@code thinking}, {@code top_k}, and each
 * assistant turn's thinking blocks, as sent: their signatures hold). The answer comes back as
 * Anthropic sent it, or with the answer stages' changes rendered into it (text, tool input) while
 * its thinking blocks stay as they came.
 */
final class MessagesNative implements NativeRequest {
    private static final JsonProvider JSON = JsonProvider.provider();
    static final String KIND = "anthropic";

    /** The keys of each block type the gateway reads; a block with others is never forwarded. */
    private static final Map<String, Set<String>> BLOCK_KEYS =
            Map.of(
                    "text", Set.of("type", "text"),
                    "image", Set.of("type", "source"),
                    "tool_use", Set.of("type", "id", "name", "input"),
                    "tool_result", Set.of("type", "tool_use_id", "content", "is_error"),
                    "thinking", Set.of("type", "thinking", "signature"),
                    "redacted_thinking", Set.of("type", "data"));

    private static final Set<String> TOOL_KEYS =
            Set.of("type", "name", "description", "input_schema");

    private final JsonObject json;
    private final ClientBytes bytes;
    private final String onlyNative;
    // every block and tool holds only keys the gateway read: the provider reads what it checked
    private final boolean plain;

    private MessagesNative(JsonObject json, ClientBytes bytes, String onlyNative) {
        this.json = json;
        this.bytes = bytes;
        this.onlyNative = onlyNative;
        this.plain = plain(json);
    }

    /**
     * True when no block (in the messages, a tool result, the system prompt) and no tool carries a
     * key the gateway does not read ({@code cache_control}, {@code citations}, ...):
     * MessagesRequest checks what it reads, and a provider would read the rest unchecked.
     */
    private static boolean plain(JsonObject json) {
        if (json.get("system") instanceof JsonArray system && !blocksPlain(system)) {
            return false;
        }
        if (json.get("tools") instanceof JsonArray tools) {
            for (JsonValue t : tools) {
                if (!(t instanceof JsonObject to) || !TOOL_KEYS.containsAll(to.keySet())) {
                    return false;
                }
            }
        }
        if (json.get("tool_choice") instanceof JsonObject tc
                && !Set.of("type", "name", "disable_parallel_tool_use").containsAll(tc.keySet())) {
            return false;
        }
        if (json.get("messages") instanceof JsonArray ms) {
            for (JsonValue mv : ms) {
                if (mv instanceof JsonObject m
                        && m.get("content") instanceof JsonArray blocks
                        && !blocksPlain(blocks)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean blocksPlain(JsonArray blocks) {
        for (JsonValue bv : blocks) {
            if (!(bv instanceof JsonObject b)) {
                return false;
            }
            Set<String> keys = BLOCK_KEYS.get(b.getString("type", ""));
            if (keys == null || !keys.containsAll(b.keySet())) {
                return false;
            }
            if (b.get("content") instanceof JsonArray inner && !blocksPlain(inner)) {
                return false;
            }
            if (b.get("source") instanceof JsonObject src
                    && !Set.of("type", "media_type", "data", "url").containsAll(src.keySet())) {
                return false;
            }
        }
        return true;
    }

    /** The native form of a Messages body {@link MessagesRequest#read} accepted. */
    static MessagesNative of(String text, JsonObject json) {
        return of(ClientBytes.scan(text), json);
    }

    /** As above, with the client's bytes from the request path's one pass ({@code BodyScan}). */
    static MessagesNative of(ClientBytes bytes, JsonObject json) {
        String only = null;
        if (MessagesRequest.thinkingEnabled(json)) {
            only = "The request enables extended thinking";
        } else if (!thinkingBlocks(json).stream().allMatch(List::isEmpty)) {
            only = "The conversation carries thinking blocks";
        }
        return new MessagesNative(json, bytes, only);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String onlyNative() {
        return onlyNative;
    }

    @Override
    public String body(ChatRequest asStagesLeft, boolean unchanged, String model) {
        if (unchanged && plain) {
            // a body with a repeated key is never forwarded (ClientBytes): its parse is
            return bytes != null
                    ? bytes.with(JSON.createValue(model).toString(), null)
                    : JSON.createObjectBuilder(json).add("model", model).build().toString();
        }
        JsonObject rendered = AnthropicTranslation.request(asStagesLeft, model, 1024);
        var out = JSON.createObjectBuilder(rendered);
        for (String f : List.of("thinking", "top_k")) {
            if (json.containsKey(f)) {
                out.add(f, json.get(f));
            }
        }
        out.add("messages", withThinking(rendered.getJsonArray("messages")));
        return out.build().toString();
    }

    /**
     * The rendered turns with each client assistant turn's thinking blocks first in its rendered
     * counterpart. Turns are matched from the end: a managed prompt puts its messages before the
     * conversation, never after.
     */
    private JsonArray withThinking(JsonArray rendered) {
        List<List<JsonObject>> thinking = thinkingBlocks(json);
        List<Integer> assistantTurns = new ArrayList<>();
        for (int i = 0; i < rendered.size(); i++) {
            if ("assistant".equals(rendered.getJsonObject(i).getString("role", ""))) {
                assistantTurns.add(i);
            }
        }
        Map<Integer, List<JsonObject>> byTurn = new HashMap<>();
        for (int k = 1; k <= thinking.size(); k++) {
            List<JsonObject> blocks = thinking.get(thinking.size() - k);
            if (blocks.isEmpty()) {
                continue;
            }
            if (k > assistantTurns.size()) {
                throw new ValidationException(
                        "messages",
                        "messages: the stages changed this conversation so that its thinking"
                                + " blocks have no assistant turn to go back to");
            }
            byTurn.put(assistantTurns.get(assistantTurns.size() - k), blocks);
        }
        JsonArrayBuilder out = JSON.createArrayBuilder();
        for (int i = 0; i < rendered.size(); i++) {
            JsonObject turn = rendered.getJsonObject(i);
            List<JsonObject> blocks = byTurn.get(i);
            if (blocks == null) {
                out.add(turn);
                continue;
            }
            JsonArrayBuilder content = JSON.createArrayBuilder();
            blocks.forEach(content::add);
            turn.getJsonArray("content").forEach(content::add);
            out.add(JSON.createObjectBuilder(turn).add("content", content));
        }
        return out.build();
    }

    /** Each client assistant turn's thinking and redacted_thinking blocks, in order. */
    private static List<List<JsonObject>> thinkingBlocks(JsonObject json) {
        List<List<JsonObject>> out = new ArrayList<>();
        if (!(json.get("messages") instanceof JsonArray ms)) {
            return out;
        }
        for (JsonValue mv : ms) {
            if (!(mv instanceof JsonObject m) || !"assistant".equals(m.getString("role", ""))) {
                continue;
            }
            List<JsonObject> blocks = new ArrayList<>();
            if (m.get("content") instanceof JsonArray content) {
                for (JsonValue bv : content) {
                    if (bv instanceof JsonObject b && isThinking(b)) {
                        blocks.add(b);
                    }
                }
            }
            out.add(blocks);
        }
        return out;
    }

    private static boolean isThinking(JsonObject block) {
        String type = block.getString("type", "");
        return type.equals("thinking") || type.equals("redacted_thinking");
    }

    /** The earlier turns' thinking text, which goes upstream as signed. */
    @Override
    public List<String> unchangeableInput() {
        List<String> texts = new ArrayList<>();
        for (List<JsonObject> turn : thinkingBlocks(json)) {
            for (JsonObject b : turn) {
                if (b.get("thinking") instanceof JsonString t && !t.getString().isEmpty()) {
                    texts.add(t.getString());
                }
            }
        }
        return texts;
    }

    /** The answer's thinking text, which goes back as signed. */
    @Override
    public List<String> unchangeableText(JsonObject nativeAnswer) {
        List<String> texts = new ArrayList<>();
        if (nativeAnswer.get("content") instanceof JsonArray blocks) {
            for (JsonValue bv : blocks) {
                if (bv instanceof JsonObject b
                        && "thinking".equals(b.getString("type", ""))
                        && b.get("thinking") instanceof JsonString t) {
                    texts.add(t.getString());
                }
            }
        }
        return texts;
    }

    @Override
    public Object answer(
            JsonObject nativeAnswer, String raw, JsonObject completion, JsonObject afterStages) {
        if (afterStages == completion) {
            return raw != null ? raw : nativeAnswer;
        }
        return changed(nativeAnswer, afterStages);
    }

    /**
     * Anthropic's answer with the stages' answer in it: their text in the first text block (the
     * others dropped: the canonical answer joined them), each tool_use's input from the call with
     * its id (a tool_use whose call the stages dropped is left out); thinking blocks and everything
     * else as the provider sent it.
     */
    static JsonObject changed(JsonObject nativeAnswer, JsonObject completion) {
        JsonObject message = JsonValue.EMPTY_JSON_OBJECT;
        if (completion.get("choices") instanceof JsonArray cs
                && !cs.isEmpty()
                && cs.get(0) instanceof JsonObject c
                && c.get("message") instanceof JsonObject m) {
            message = m;
        }
        String text = text(message.get("content"));
        Map<String, JsonValue> arguments = new HashMap<>();
        if (message.get("tool_calls") instanceof JsonArray calls) {
            for (JsonValue cv : calls) {
                if (cv instanceof JsonObject call
                        && call.get("id") instanceof JsonString id
                        && call.get("function") instanceof JsonObject fn) {
                    arguments.put(id.getString(), fn.get("arguments"));
                }
            }
        }
        JsonArray blocks =
                nativeAnswer.get("content") instanceof JsonArray a ? a : JsonValue.EMPTY_JSON_ARRAY;
        JsonArrayBuilder content = JSON.createArrayBuilder();
        boolean textPlaced = text.isEmpty();
        for (JsonValue bv : blocks) {
            if (!(bv instanceof JsonObject b)) {
                content.add(bv);
                continue;
            }
            switch (b.getString("type", "")) {
                case "text" -> {
                    if (!textPlaced) {
                        content.add(MessagesAnswer.textBlock(text));
                        textPlaced = true;
                    }
                }
                case "tool_use" -> {
                    JsonValue args = arguments.get(b.getString("id", ""));
                    if (!textPlaced) {
                        content.add(MessagesAnswer.textBlock(text));
                        textPlaced = true;
                    }
                    // a call the stages dropped is dropped: never the provider's original input
                    if (args != null) {
                        content.add(
                                JSON.createObjectBuilder(b)
                                        .add("input", MessagesAnswer.input(args))
                                        .build());
                    }
                }
                default -> content.add(b);
            }
        }
        if (!textPlaced) {
            content.add(MessagesAnswer.textBlock(text));
        }
        return JSON.createObjectBuilder(nativeAnswer).add("content", content).build();
    }

    private static String text(JsonValue content) {
        if (content instanceof JsonString s) {
            return s.getString();
        }
        StringBuilder sb = new StringBuilder();
        if (content instanceof JsonArray parts) {
            for (JsonValue p : parts) {
                if (p instanceof JsonObject po && "text".equals(po.getString("type", ""))) {
                    sb.append(po.getString("text", ""));
                }
            }
        }
        return sb.toString();
    }

    @Override
    public StreamEvents events() {
        return new MessagesNativeEvents();
    }
}
