package io.gatehouse.routing.internal.dialect.responses;

import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.pipeline.NativeRequest;
import io.gatehouse.routing.internal.pipeline.StreamEvents;
import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.routing.stage.ChatRequest;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A (non-streamed) Responses request as it goes to an OpenAI provider with the option {@code
 * responsesApi}: its {@code /responses} endpoint gets the fields the gateway read, as the client
 * sent them (model swapped, {@code store: false}: the gateway keeps stored responses itself) while
 * no stage changed the request, no {@code previous_response_id} is used and no input item carries a
 * key the gateway does not read; else {@code input} rendered from the request as the stages left it
 * (the stored conversation resolved into items, redactions applied). The answer is the provider's
 * {@code response} with the gateway's own id, {@code store} and the client's {@code
 * previous_response_id} and {@code instructions}; the answer stages' text and tool arguments
 * rendered into it when they changed anything.
 */
final class ResponsesNative implements NativeRequest {
    private static final JsonProvider JSON = JsonProvider.provider();
    static final String KIND = "openai";
    static final String OPTION = "responsesApi";

    /** The top-level fields the gateway reads (ResponsesRequests) and so may send upstream. */
    private static final List<String> FIELDS =
            List.of(
                    "instructions",
                    "input",
                    "temperature",
                    "top_p",
                    "max_output_tokens",
                    "parallel_tool_calls",
                    "user",
                    "reasoning",
                    "tools",
                    "tool_choice",
                    "text");

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
            if (item.get("content") instanceof JsonArray parts) {
                for (JsonValue pv : parts) {
                    if (!(pv instanceof JsonObject part)) {
                        return false;
                    }
                    Set<String> pk = PART_KEYS.get(part.getString("type", ""));
                    if (pk == null || !pk.containsAll(part.keySet())) {
                        return false;
                    }
                }
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

    /** Nothing in a Responses request the gateway reads is native-only: any target may serve it. */
    @Override
    public String onlyNative() {
        return null;
    }

    @Override
    public String body(ChatRequest asStagesLeft, boolean unchanged, String model) {
        boolean forward = unchanged && forwardable;
        JsonObjectBuilder b = JSON.createObjectBuilder().add("model", model);
        for (String f : FIELDS) {
            boolean conversation = f.equals("input") || f.equals("instructions");
            JsonValue v = json.get(f);
            if ((forward || !conversation) && v != null && v != JsonValue.NULL) {
                b.add(f, v);
            }
        }
        if (!forward) {
            // instructions, the stored conversation and the input, as the stages left them
            b.add("input", input(OpenAiChat.render(asStagesLeft, model)));
        }
        b.add("store", false);
        return b.build().toString();
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
        JsonObjectBuilder b = JSON.createObjectBuilder(nativeAnswer);
        if (!afterStages.equals(completion)
                && nativeAnswer.get("output") instanceof JsonArray out) {
            b.add("output", withStages(out, afterStages));
        }
        return codec.nativeAnswered(b, afterStages);
    }

    /**
     * The provider's output items with the answer stages' text in the first output_text part (the
     * other output_text parts emptied: the stages saw the text joined) and each function call's
     * arguments from the changed call, in order.
     */
    private static JsonArray withStages(JsonArray output, JsonObject after) {
        JsonObject message =
                after.get("choices") instanceof JsonArray cs
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
            JsonObject item = (JsonObject) iv;
            String type = item.getString("type", "");
            if (type.equals("message") && item.get("content") instanceof JsonArray parts) {
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
            } else if (type.equals("function_call") && call < calls.size()) {
                JsonObject fn = calls.get(call++).getJsonObject("function");
                items.add(
                        JSON.createObjectBuilder(item)
                                .add("arguments", fn.getString("arguments", "")));
            } else {
                items.add(item);
            }
        }
        return items.build();
    }

    @Override
    public StreamEvents events() {
        throw new IllegalStateException("Responses streams are not served natively");
    }
}
