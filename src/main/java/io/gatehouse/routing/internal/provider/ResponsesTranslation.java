package io.gatehouse.routing.internal.provider;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

/**
 * An OpenAI Responses answer ({@code response} object, asked natively) in chat's shape, for the
 * answer stages and the accounting: the output text, refusal and function calls as one assistant
 * message, the status as the finish reason, the usage as chat's.
 */
public final class ResponsesTranslation {
    private static final JsonProvider JSON = JsonProvider.provider();

    private ResponsesTranslation() {}

    /** The chat completion of a {@code response}; a failed response is the provider's error. */
    public static JsonObject toChat(JsonObject response, String model) throws ProviderException {
        String status = response.getString("status", "completed");
        if (status.equals("failed") || !(response.get("output") instanceof JsonArray output)) {
            throw new ProviderException(
                    ProviderException.Kind.MALFORMED,
                    502,
                    "provider response " + status + " without output",
                    null);
        }
        StringBuilder text = new StringBuilder();
        StringBuilder refusal = new StringBuilder();
        JsonArrayBuilder calls = JSON.createArrayBuilder();
        boolean anyCall = false;
        for (JsonValue iv : output) {
            if (!(iv instanceof JsonObject item)) {
                continue;
            }
            switch (item.getString("type", "")) {
                case "message" -> {
                    if (item.get("content") instanceof JsonArray parts) {
                        for (JsonValue pv : parts) {
                            if (pv instanceof JsonObject part) {
                                if (part.get("text") instanceof JsonString t
                                        && "output_text".equals(part.getString("type", ""))) {
                                    text.append(t.getString());
                                } else if (part.get("refusal") instanceof JsonString r) {
                                    refusal.append(r.getString());
                                }
                            }
                        }
                    }
                }
                case "function_call" -> {
                    anyCall = true;
                    calls.add(
                            JSON.createObjectBuilder()
                                    .add("id", item.getString("call_id", ""))
                                    .add("type", "function")
                                    .add(
                                            "function",
                                            JSON.createObjectBuilder()
                                                    .add("name", item.getString("name", ""))
                                                    .add(
                                                            "arguments",
                                                            item.getString("arguments", ""))));
                }
                default -> {
                    // reasoning and other items: the client gets them as they came
                }
            }
        }
        JsonObjectBuilder message = JSON.createObjectBuilder().add("role", "assistant");
        if (text.isEmpty()) {
            message.addNull("content");
        } else {
            message.add("content", text.toString());
        }
        if (!refusal.isEmpty()) {
            message.add("refusal", refusal.toString());
        }
        if (anyCall) {
            message.add("tool_calls", calls);
        }
        String reason =
                response.get("incomplete_details") instanceof JsonObject d
                        ? d.getString("reason", "")
                        : "";
        String finish =
                reason.equals("max_output_tokens")
                        ? "length"
                        : reason.equals("content_filter")
                                ? "content_filter"
                                : anyCall ? "tool_calls" : "stop";
        JsonObjectBuilder b =
                JSON.createObjectBuilder()
                        .add("id", response.getString("id", "resp"))
                        .add("object", "chat.completion")
                        .add(
                                "created",
                                response.get("created_at") instanceof JsonNumber c
                                        ? c.longValue()
                                        : System.currentTimeMillis() / 1000)
                        .add("model", response.getString("model", model))
                        .add(
                                "choices",
                                JSON.createArrayBuilder()
                                        .add(
                                                JSON.createObjectBuilder()
                                                        .add("index", 0)
                                                        .add("message", message)
                                                        .add("finish_reason", finish)));
        if (response.get("usage") instanceof JsonObject u
                && u.get("input_tokens") instanceof JsonNumber in) {
            long out = u.get("output_tokens") instanceof JsonNumber o ? o.longValue() : 0;
            b.add(
                    "usage",
                    JSON.createObjectBuilder()
                            .add("prompt_tokens", in.longValue())
                            .add("completion_tokens", out)
                            .add("total_tokens", in.longValue() + out)
                            .add(
                                    "prompt_tokens_details",
                                    JSON.createObjectBuilder()
                                            .add(
                                                    "cached_tokens",
                                                    nested(
                                                            u,
                                                            "input_tokens_details",
                                                            "cached_tokens")))
                            .add(
                                    "completion_tokens_details",
                                    JSON.createObjectBuilder()
                                            .add(
                                                    "reasoning_tokens",
                                                    nested(
                                                            u,
                                                            "output_tokens_details",
                                                            "reasoning_tokens"))));
        }
        return b.build();
    }

    private static long nested(JsonObject u, String object, String field) {
        return u.get(object) instanceof JsonObject d && d.get(field) instanceof JsonNumber n
                ? n.longValue()
                : 0;
    }
}
