package io.gatehouse.routing.internal.dialect.messages;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;

/**
 * A chat completion (as the answer stages left it) as Anthropic's {@code message}: the first
 * choice's text as a text block, its tool calls as {@code tool_use} blocks, the finish reason as
 * {@code stop_reason} (and {@code stop_sequence} when the provider named it), the call's accounted
 * tokens as {@code usage}.
 */
public final class MessagesAnswer {
    private static final JsonProvider JSON = JsonProvider.provider();

    private MessagesAnswer() {}

    public static JsonObject render(
            JsonObject completion, long inputTokens, long outputTokens, String requestId) {
        JsonObject message = JsonValue.EMPTY_JSON_OBJECT;
        String finish = null;
        String stopSequence = null;
        if (completion.get("choices") instanceof JsonArray cs
                && !cs.isEmpty()
                && cs.get(0) instanceof JsonObject c) {
            if (c.get("message") instanceof JsonObject m) {
                message = m;
            }
            if (c.get("finish_reason") instanceof JsonString f) {
                finish = f.getString();
            }
            // named by an Anthropic provider (AnthropicTranslation); chat's shape has no field
            if (c.get("stop_sequence") instanceof JsonString ss) {
                stopSequence = ss.getString();
            }
        }
        JsonArrayBuilder content = JSON.createArrayBuilder();
        String text = text(message.get("content"));
        if (!text.isEmpty()) {
            content.add(textBlock(text));
        }
        if (message.get("refusal") instanceof JsonString r && !r.getString().isEmpty()) {
            content.add(textBlock(r.getString()));
        }
        if (message.get("tool_calls") instanceof JsonArray calls) {
            int i = 0;
            for (JsonValue cv : calls) {
                if (cv instanceof JsonObject call
                        && call.get("function") instanceof JsonObject fn) {
                    content.add(
                            JSON.createObjectBuilder()
                                    .add("type", "tool_use")
                                    .add("id", toolId(call.get("id"), i))
                                    .add("name", fn.getString("name", ""))
                                    .add("input", input(fn.get("arguments"))));
                }
                i++;
            }
        }
        JsonObjectBuilder answer =
                JSON.createObjectBuilder()
                        .add("id", messageId(requestId))
                        .add("type", "message")
                        .add("role", "assistant")
                        .add("model", completion.getString("model", ""))
                        .add("content", content)
                        .add("stop_reason", stopReason(finish, stopSequence));
        if (stopSequence == null) {
            answer.addNull("stop_sequence");
        } else {
            answer.add("stop_sequence", stopSequence);
        }
        return answer.add(
                        "usage",
                        JSON.createObjectBuilder()
                                .add("input_tokens", inputTokens)
                                .add("output_tokens", outputTokens))
                .build();
    }

    /**
     * Anthropic's stop reason for chat's finish reason; {@code stop_sequence} when the provider
     * named the stop sequence that ended the answer.
     */
    static String stopReason(String finish, String stopSequence) {
        if (stopSequence != null) {
            return "stop_sequence";
        }
        if (finish == null) {
            return "end_turn";
        }
        return switch (finish) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** The message id: the request id's random part, so that the two can be matched. */
    static String messageId(String requestId) {
        String r = requestId == null ? "" : requestId;
        return "msg_" + (r.startsWith("req_") ? r.substring(4) : r);
    }

    static String toolId(JsonValue id, int index) {
        return id instanceof JsonString s && !s.getString().isEmpty()
                ? s.getString()
                : "toolu_" + index;
    }

    /**
     * A tool call's arguments as the {@code input} object. A model that wrote no JSON object gets
     * {@code {}}: the shape has no place for other text.
     */
    static JsonObject input(JsonValue arguments) {
        if (!(arguments instanceof JsonString s) || s.getString().isBlank()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try (JsonReader r = JSON.createReader(new StringReader(s.getString()))) {
            return r.read() instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
        } catch (JsonException | IllegalStateException e) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
    }

    static JsonObject textBlock(String text) {
        return JSON.createObjectBuilder().add("type", "text").add("text", text).build();
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
}
