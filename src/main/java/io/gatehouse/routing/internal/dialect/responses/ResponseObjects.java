package io.gatehouse.routing.internal.dialect.responses;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code response} object of OpenAI's Responses API, rendered from the canonical chat answer:
 * the request's settings echoed, the output items ({@code message} with {@code output_text}, {@code
 * function_call}), the status and the usage. Streams ({@link ResponsesEvents}) build their items
 * with the same methods.
 */
final class ResponseObjects {
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ResponseObjects() {}

    /** {@code prefix_} and 32 random hex digits ({@code resp_}, {@code msg_}, {@code fc_}). */
    static String newId(String prefix) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return prefix + "_" + HexFormat.of().formatHex(b);
    }

    /**
     * What every rendering of one response shares: its id, creation time, and the request's
     * settings as the client sent them ({@code request}, the Responses body).
     */
    record Shape(String id, long createdAt, JsonObject request) {
        static Shape of(JsonObject request) {
            return new Shape(newId("resp"), System.currentTimeMillis() / 1000, request);
        }

        /**
         * The response object; {@code model} the answering model when known, else the one asked
         * for; {@code usage} and {@code error} may be null.
         */
        JsonObject render(
                String status,
                String model,
                JsonArray output,
                JsonObject usage,
                JsonObject error,
                String incompleteReason,
                boolean stored) {
            JsonObjectBuilder b =
                    JSON.createObjectBuilder()
                            .add("id", id)
                            .add("object", "response")
                            .add("created_at", createdAt)
                            .add("status", status);
            add(b, "error", error);
            add(
                    b,
                    "incomplete_details",
                    incompleteReason == null
                            ? null
                            : JSON.createObjectBuilder().add("reason", incompleteReason).build());
            b.add("instructions", echo("instructions", JsonValue.NULL));
            b.add("max_output_tokens", echo("max_output_tokens", JsonValue.NULL));
            b.add("model", model != null ? model : request.getString("model", ""));
            b.add("output", output);
            b.add("parallel_tool_calls", echo("parallel_tool_calls", JsonValue.TRUE));
            b.add("previous_response_id", echo("previous_response_id", JsonValue.NULL));
            b.add(
                    "reasoning",
                    echo(
                            "reasoning",
                            JSON.createObjectBuilder()
                                    .addNull("effort")
                                    .addNull("summary")
                                    .build()));
            b.add("store", stored);
            b.add("temperature", echo("temperature", JSON.createValue(1)));
            b.add(
                    "text",
                    echo(
                            "text",
                            JSON.createObjectBuilder()
                                    .add("format", JSON.createObjectBuilder().add("type", "text"))
                                    .build()));
            b.add("tool_choice", echo("tool_choice", JSON.createValue("auto")));
            b.add("tools", echo("tools", JsonValue.EMPTY_JSON_ARRAY));
            b.add("top_p", echo("top_p", JSON.createValue(1)));
            b.add("truncation", "disabled");
            add(b, "usage", usage);
            b.add("user", echo("user", JsonValue.NULL));
            b.add("metadata", echo("metadata", JsonValue.EMPTY_JSON_OBJECT));
            return b.build();
        }

        private JsonValue echo(String field, JsonValue absent) {
            JsonValue v = request.get(field);
            return v == null || v == JsonValue.NULL ? absent : v;
        }
    }

    /** A {@code message} output item with one {@code output_text} (or {@code refusal}) part. */
    static JsonObject messageItem(String id, String status, String text, boolean refusal) {
        JsonArrayBuilder content = JSON.createArrayBuilder();
        if (text != null) {
            content.add(refusal ? refusalPart(text) : textPart(text));
        }
        return JSON.createObjectBuilder()
                .add("id", id)
                .add("type", "message")
                .add("status", status)
                .add("role", "assistant")
                .add("content", content)
                .build();
    }

    static JsonObject textPart(String text) {
        return JSON.createObjectBuilder()
                .add("type", "output_text")
                .add("annotations", JsonValue.EMPTY_JSON_ARRAY)
                .add("logprobs", JsonValue.EMPTY_JSON_ARRAY)
                .add("text", text)
                .build();
    }

    static JsonObject refusalPart(String text) {
        return JSON.createObjectBuilder().add("type", "refusal").add("refusal", text).build();
    }

    static JsonObject functionCallItem(
            String id, String status, String callId, String name, String arguments) {
        return JSON.createObjectBuilder()
                .add("id", id)
                .add("type", "function_call")
                .add("status", status)
                .add("arguments", arguments)
                .add("call_id", callId)
                .add("name", name)
                .build();
    }

    /** The Responses usage from chat's {@code usage} (null when the provider reported none). */
    static JsonObject usage(JsonValue chatUsage) {
        if (!(chatUsage instanceof JsonObject u)
                || !(u.get("prompt_tokens") instanceof JsonNumber in)) {
            return null;
        }
        long input = in.longValue();
        long output = u.get("completion_tokens") instanceof JsonNumber out ? out.longValue() : 0;
        return usage(
                input,
                output,
                nested(u, "prompt_tokens_details", "cached_tokens"),
                nested(u, "completion_tokens_details", "reasoning_tokens"));
    }

    static JsonObject usage(long input, long output, long cached, long reasoning) {
        return JSON.createObjectBuilder()
                .add("input_tokens", input)
                .add(
                        "input_tokens_details",
                        JSON.createObjectBuilder().add("cached_tokens", cached))
                .add("output_tokens", output)
                .add(
                        "output_tokens_details",
                        JSON.createObjectBuilder().add("reasoning_tokens", reasoning))
                .add("total_tokens", input + output)
                .build();
    }

    private static long nested(JsonObject u, String object, String field) {
        return u.get(object) instanceof JsonObject d && d.get(field) instanceof JsonNumber n
                ? n.longValue()
                : 0;
    }

    /** Chat's finish reason as the Responses status and incomplete reason. */
    static String status(String finishReason) {
        return incompleteReason(finishReason) == null ? "completed" : "incomplete";
    }

    static String incompleteReason(String finishReason) {
        if ("length".equals(finishReason)) {
            return "max_output_tokens";
        }
        return "content_filter".equals(finishReason) ? "content_filter" : null;
    }

    /**
     * A rendered answer: the response object, and the answer as a chat assistant message (what a
     * stored response keeps for a later {@code previous_response_id}).
     */
    record Rendered(JsonObject response, JsonObject assistant) {}

    /** The response for a non-streaming {@code chat.completion}. */
    static Rendered fromChat(Shape shape, JsonObject completion, boolean stored) {
        JsonObject message = null;
        String finish = null;
        if (completion.get("choices") instanceof JsonArray choices
                && !choices.isEmpty()
                && choices.get(0) instanceof JsonObject choice) {
            message = choice.get("message") instanceof JsonObject m ? m : null;
            finish = choice.get("finish_reason") instanceof JsonString f ? f.getString() : null;
        }
        JsonArrayBuilder output = JSON.createArrayBuilder();
        String text = message == null ? null : text(message.get("content"));
        List<JsonObject> calls = List.of();
        if (message != null && message.get("refusal") instanceof JsonString r) {
            output.add(messageItem(newId("msg"), "completed", r.getString(), true));
        } else if (text != null && !text.isEmpty()) {
            output.add(messageItem(newId("msg"), "completed", text, false));
        }
        if (message != null && message.get("tool_calls") instanceof JsonArray tc) {
            calls = tc.getValuesAs(JsonObject.class);
            for (JsonObject c : calls) {
                JsonObject fn =
                        c.get("function") instanceof JsonObject f ? f : JsonValue.EMPTY_JSON_OBJECT;
                output.add(
                        functionCallItem(
                                newId("fc"),
                                "completed",
                                c.getString("id", ""),
                                fn.getString("name", ""),
                                fn.getString("arguments", "")));
            }
        }
        JsonObject response =
                shape.render(
                        status(finish),
                        completion.get("model") instanceof JsonString m ? m.getString() : null,
                        output.build(),
                        usage(completion.get("usage")),
                        null,
                        incompleteReason(finish),
                        stored);
        return new Rendered(response, assistant(text, calls));
    }

    /** The answer as a chat assistant message, with its tool calls. */
    static JsonObject assistant(String text, List<JsonObject> toolCalls) {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("role", "assistant");
        if (text == null || text.isEmpty()) {
            b.addNull("content");
        } else {
            b.add("content", text);
        }
        if (!toolCalls.isEmpty()) {
            JsonArrayBuilder calls = JSON.createArrayBuilder();
            toolCalls.forEach(calls::add);
            b.add("tool_calls", calls);
        }
        if ((text == null || text.isEmpty()) && toolCalls.isEmpty()) {
            b.add("content", "");
        }
        return b.build();
    }

    private static String text(JsonValue content) {
        if (content instanceof JsonString s) {
            return s.getString();
        }
        if (content instanceof JsonArray parts) {
            StringBuilder sb = new StringBuilder();
            for (JsonValue p : parts) {
                if (p instanceof JsonObject o && o.get("text") instanceof JsonString t) {
                    sb.append(t.getString());
                }
            }
            return sb.toString();
        }
        return null;
    }

    private static void add(JsonObjectBuilder b, String field, JsonValue v) {
        if (v == null) {
            b.addNull(field);
        } else {
            b.add(field, v);
        }
    }
}
