package io.gatehouse.routing.internal.dialect.responses;

import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.pipeline.NativeRequest;
import io.gatehouse.routing.internal.pipeline.StreamEvents;
import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Responses request (streamed or not) as it goes to an OpenAI provider with the option {@code
 * responsesApi}: its {@code /responses} endpoint gets {@code input} and {@code instructions} as the
 * client sent them (model swapped, {@code store: false}: the gateway keeps stored responses itself)
 * while no stage changed the request, no {@code previous_response_id} is used and no input item
 * carries a key the gateway does not read; else {@code input} rendered from the request as the
 * stages left it (the stored conversation resolved into items, redactions applied). The other
 * settings always come from the request as the stages left it. The answer is the provider's {@code
 * response} reduced to the fields the gateway reads, with the gateway's own id, {@code store} and
 * the client's {@code previous_response_id} and {@code instructions}; the answer stages' text and
 * tool arguments rendered into it when they changed anything, reasoning text dropped. A stream
 * ({@code stream: true} upstream too) is relayed event by event ({@link ResponsesNativeEvents}).
 *
 * <p>Long on purpose: the allow-lists of what may be forwarded and the renderer of what replaces it
 * are one contract with OpenAI's Responses API; kept together so that they cannot drift apart.
 */
final class ResponsesNative implements NativeRequest {
    private static final JsonProvider JSON = JsonProvider.provider();
    static final String KIND = "openai";
    static final String OPTION = "responsesApi";

    /**
     * The top-level fields of the provider's answer (or streamed response) the client gets, besides
     * those the codec sets; the rest (metadata, billing, service_tier, ...) is not passed on.
     */
    static final List<String> ANSWER_FIELDS =
            List.of(
                    "object",
                    "created_at",
                    "status",
                    "error",
                    "incomplete_details",
                    "model",
                    "output",
                    "usage");

    private static final Map<String, Set<String>> ITEM_KEYS =
            Map.of(
                    "message", Set.of("type", "role", "content", "id", "status"),
                    "function_call", Set.of("type", "id", "call_id", "name", "arguments", "status"),
                    "function_call_output", Set.of("type", "id", "call_id", "output", "status"));
    private static final Map<String, Set<String>> PART_KEYS =
            Map.of(
                    "input_text", Set.of("type", "text"),
                    "output_text", Set.of("type", "text", "annotations", "logprobs"),
                    "refusal", Set.of("type", "refusal"),
                    "input_image", Set.of("type", "image_url", "detail"));

    private final ResponsesCodec codec;
    private final JsonObject json;
    private final boolean forwardable;

    ResponsesNative(ResponsesCodec codec, JsonObject json) {
        this.codec = codec;
        this.json = json;
        this.forwardable =
                (json.get("previous_response_id") == null
                                || json.get("previous_response_id") == JsonValue.NULL)
                        && plain(json.get("input"));
    }

    /** True when every input item and part holds only keys the gateway read. */
    private static boolean plain(JsonValue input) {
        if (input instanceof JsonString) {
            return true;
        }
        if (!(input instanceof JsonArray items)) {
            return false;
        }
        for (JsonValue iv : items) {
            if (!(iv instanceof JsonObject item)) {
                return false;
            }
            Set<String> keys = ITEM_KEYS.get(item.getString("type", "message"));
            if (keys == null || !keys.containsAll(item.keySet())) {
                return false; // reasoning items too: the translated request dropped them
            }
            JsonValue output = item.get("output");
            if (output != null && !(output instanceof JsonString) && !textParts(output)) {
                return false; // the stages saw only the text of the parts
            }
            if (item.get("content") instanceof JsonArray parts) {
                for (JsonValue pv : parts) {
                    if (!(pv instanceof JsonObject part)) {
                        return false;
                    }
                    Set<String> pk = PART_KEYS.get(part.getString("type", ""));
                    // unread annotations and logprobs go as sent only when empty
                    if (pk == null
                            || !pk.containsAll(part.keySet())
                            || ResponsesRequests.holdsUnread(part)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** True for an array of parts each exactly {@code {type: "input_text", text: "..."}}. */
    private static boolean textParts(JsonValue output) {
        if (!(output instanceof JsonArray parts)) {
            return false;
        }
        for (JsonValue pv : parts) {
            if (!(pv instanceof JsonObject part)
                    || !part.keySet().equals(Set.of("type", "text"))
                    || !"input_text".equals(part.getString("type", ""))
                    || !(part.get("text") instanceof JsonString)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public boolean servedBy(Provider provider) {
        return KIND.equals(provider.kind()) && provider.optionTrue(OPTION);
    }

    /**
     * A stream goes natively only when it offers no tools as the stages left it (a managed prompt's
     * default tools count): a native stream's function calls could not be held for the output
     * policy's tool checks, so it takes the translated way (chat completions' stream, whose calls
     * {@code HeldToolCalls} holds), as a Messages stream with tools does (docs/gateway.md).
     */
    @Override
    public boolean nativeFor(ChatRequest asStagesLeft) {
        return !JsonValue.TRUE.equals(json.get("stream")) || asStagesLeft.tools().isEmpty();
    }

    /** Nothing in a Responses request the gateway reads is native-only: any target may serve it. */
    @Override
    public String onlyNative() {
        return null;
    }

    @Override
    public String body(ChatRequest asStagesLeft, boolean unchanged, String model) {
        boolean forward = unchanged && forwardable;
        JsonObject chat = OpenAiChat.render(asStagesLeft, model);
        JsonObjectBuilder b = JSON.createObjectBuilder().add("model", model);
        if (forward) {
            for (String f : List.of("instructions", "input")) {
                if (json.get(f) != null && json.get(f) != JsonValue.NULL) {
                    b.add(f, json.get(f));
                }
            }
        } else {
            // instructions, the stored conversation and the input, as the stages left them
            b.add("input", input(chat));
        }
        // the rest always as the stages left it (managed prompts' defaults and caps included)
        settings(chat, b);
        b.add("store", false);
        return (JsonValue.TRUE.equals(json.get("stream")) ? b.add("stream", true) : b)
                .build()
                .toString();
    }

    /**
     * The request's settings in Responses terms, from chat's rendering: sampling, token cap, user,
     * function tools, tool choice, response format and reasoning effort only (never a reasoning
     * summary: its text would bypass the answer stages).
     */
    static void settings(JsonObject chat, JsonObjectBuilder b) {
        for (String f : List.of("temperature", "top_p", "parallel_tool_calls", "user")) {
            if (chat.get(f) != null && chat.get(f) != JsonValue.NULL) {
                b.add(f, chat.get(f));
            }
        }
        JsonNumber cap = null;
        for (String f : List.of("max_tokens", "max_completion_tokens")) {
            if (chat.get(f) instanceof JsonNumber n
                    && (cap == null || n.bigDecimalValue().compareTo(cap.bigDecimalValue()) < 0)) {
                cap = n;
            }
        }
        if (cap != null) {
            b.add("max_output_tokens", cap);
        }
        if (chat.get("tools") instanceof JsonArray tools && !tools.isEmpty()) {
            JsonArrayBuilder tb = JSON.createArrayBuilder();
            for (JsonValue tv : tools) {
                JsonObject fn = ((JsonObject) tv).getJsonObject("function");
                JsonObjectBuilder t = JSON.createObjectBuilder().add("type", "function");
                for (String f : List.of("name", "description", "parameters", "strict")) {
                    if (fn != null && fn.get(f) != null && fn.get(f) != JsonValue.NULL) {
                        t.add(f, fn.get(f));
                    }
                }
                tb.add(t);
            }
            b.add("tools", tb);
        }
        JsonValue choice = chat.get("tool_choice");
        if (choice instanceof JsonString) {
            b.add("tool_choice", choice);
        } else if (choice instanceof JsonObject c && c.get("function") instanceof JsonObject fn) {
            b.add(
                    "tool_choice",
                    JSON.createObjectBuilder()
                            .add("type", "function")
                            .add("name", fn.getString("name", "")));
        }
        if (chat.get("response_format") instanceof JsonObject rf) {
            String type = rf.getString("type", "text");
            JsonObjectBuilder format = JSON.createObjectBuilder().add("type", type);
            if (type.equals("json_schema") && rf.get("json_schema") instanceof JsonObject js) {
                for (String f : List.of("name", "schema", "description", "strict")) {
                    if (js.get(f) != null && js.get(f) != JsonValue.NULL) {
                        format.add(f, js.get(f));
                    }
                }
            }
            b.add("text", JSON.createObjectBuilder().add("format", format));
        }
        if (chat.get("reasoning_effort") instanceof JsonString effort) {
            b.add("reasoning", JSON.createObjectBuilder().add("effort", effort));
        }
    }

    /** Chat's rendered messages as Responses input items. */
    static JsonArray input(JsonObject chat) {
        JsonArrayBuilder items = JSON.createArrayBuilder();
        for (JsonValue mv : chat.getJsonArray("messages")) {
            JsonObject m = (JsonObject) mv;
            String role = m.getString("role", "user");
            if (role.equals("tool")) {
                items.add(
                        JSON.createObjectBuilder()
                                .add("type", "function_call_output")
                                .add("call_id", m.getString("tool_call_id", ""))
                                .add("output", text(m.get("content"))));
                continue;
            }
            JsonValue content = m.get("content");
            boolean hasContent =
                    content instanceof JsonString s ? !s.getString().isEmpty() : content != null;
            if (hasContent && content != JsonValue.NULL) {
                items.add(
                        JSON.createObjectBuilder()
                                .add("type", "message")
                                .add("role", role)
                                .add("content", content(role, content)));
            }
            if (m.get("tool_calls") instanceof JsonArray calls) {
                for (JsonValue cv : calls) {
                    JsonObject c = (JsonObject) cv;
                    JsonObject fn = c.getJsonObject("function");
                    items.add(
                            JSON.createObjectBuilder()
                                    .add("type", "function_call")
                                    .add("call_id", c.getString("id", ""))
                                    .add("name", fn.getString("name", ""))
                                    .add("arguments", fn.getString("arguments", "")));
                }
            }
        }
        return items.build();
    }

    private static JsonValue content(String role, JsonValue content) {
        if (!(content instanceof JsonArray parts)) {
            return JSON.createValue(text(content));
        }
        JsonArrayBuilder out = JSON.createArrayBuilder();
        for (JsonValue pv : parts) {
            JsonObject p = (JsonObject) pv;
            if (p.get("image_url") instanceof JsonObject iu) {
                JsonObjectBuilder img =
                        JSON.createObjectBuilder()
                                .add("type", "input_image")
                                .add("image_url", iu.getString("url", ""));
                if (iu.get("detail") instanceof JsonString d) {
                    img.add("detail", d);
                }
                out.add(img);
            } else {
                out.add(
                        JSON.createObjectBuilder()
                                .add(
                                        "type",
                                        role.equals("assistant") ? "output_text" : "input_text")
                                .add("text", p.getString("text", "")));
            }
        }
        return out.build();
    }

    private static String text(JsonValue content) {
        if (content instanceof JsonString s) {
            return s.getString();
        }
        StringBuilder sb = new StringBuilder();
        if (content instanceof JsonArray parts) {
            for (JsonValue p : parts) {
                if (p instanceof JsonObject o && o.get("text") instanceof JsonString t) {
                    sb.append(t.getString());
                }
            }
        }
        return sb.toString();
    }

    @Override
    public Object answer(
            JsonObject nativeAnswer, String raw, JsonObject completion, JsonObject afterStages) {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        for (String f : ANSWER_FIELDS) {
            if (nativeAnswer.get(f) != null) {
                b.add(f, nativeAnswer.get(f));
            }
        }
        if (nativeAnswer.get("output") instanceof JsonArray out) {
            b.add("output", withStages(out, afterStages.equals(completion) ? null : afterStages));
        }
        return codec.nativeAnswered(b, afterStages);
    }

    /**
     * The provider's output items; with {@code after} (the answer stages changed something) its
     * text in the first output_text part (the other output_text parts emptied: the stages saw the
     * text joined) and each function call's arguments from the changed call, in order. Reasoning
     * items keep only their type and id (their summary and content text never reached the answer
     * stages, so it is dropped); items of other types are dropped for the same reason.
     */
    private static JsonArray withStages(JsonArray output, JsonObject after) {
        JsonObject message =
                after != null
                                && after.get("choices") instanceof JsonArray cs
                                && !cs.isEmpty()
                                && cs.getJsonObject(0).get("message") instanceof JsonObject m
                        ? m
                        : JsonValue.EMPTY_JSON_OBJECT;
        String text = text(message.get("content"));
        List<JsonObject> calls =
                message.get("tool_calls") instanceof JsonArray tc
                        ? tc.getValuesAs(JsonObject.class)
                        : List.of();
        boolean textPlaced = false;
        int call = 0;
        JsonArrayBuilder items = JSON.createArrayBuilder();
        for (JsonValue iv : output) {
            if (!(iv instanceof JsonObject item)) {
                continue;
            }
            String type = item.getString("type", "");
            if (type.equals("message") && item.get("content") instanceof JsonArray parts) {
                if (after == null) {
                    items.add(item);
                    continue;
                }
                JsonArrayBuilder ps = JSON.createArrayBuilder();
                for (JsonValue pv : parts) {
                    JsonObject p = (JsonObject) pv;
                    if ("output_text".equals(p.getString("type", ""))) {
                        ps.add(
                                JSON.createObjectBuilder(p)
                                        .add("text", textPlaced ? "" : text)
                                        .add("annotations", JsonValue.EMPTY_JSON_ARRAY));
                        textPlaced = true;
                    } else {
                        ps.add(p);
                    }
                }
                items.add(JSON.createObjectBuilder(item).add("content", ps));
            } else if (type.equals("function_call")) {
                if (after != null && call < calls.size()) {
                    JsonObject fn = calls.get(call++).getJsonObject("function");
                    items.add(
                            JSON.createObjectBuilder(item)
                                    .add("arguments", fn.getString("arguments", "")));
                } else {
                    items.add(item);
                }
            } else if (type.equals("reasoning")) {
                JsonObjectBuilder r = JSON.createObjectBuilder().add("type", "reasoning");
                if (item.get("id") instanceof JsonString id) {
                    r.add("id", id);
                }
                items.add(r.add("summary", JsonValue.EMPTY_JSON_ARRAY));
            }
        }
        return items.build();
    }

    @Override
    public StreamEvents events() {
        return new ResponsesNativeEvents(codec);
    }
}
