package io.gatehouse.routing.stage;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One chat message, immutable: a stage that changes it (prompt rendering, redaction) makes a copy
 * ({@link #withText}) and gives the exchange a new request. Content is either plain text ({@code
 * content}), or parts ({@code parts}: text, image_url, ...), or neither (an assistant message that
 * only calls tools).
 *
 * @param content the content when the client sent a string, else null
 * @param parts the content parts when the client sent an array, else null
 * @param name the participant's name, or null
 * @param toolCalls an assistant's tool calls, or null when absent
 * @param toolCallId a tool message's answer-to id, or null
 * @param refusal an assistant's refusal as sent, or null
 * @param fromTemplate true for messages a managed template contributed
 * @param contentAbsent true when the client sent no {@code content} key at all (rather than {@code
 *     null}): a rendering keeps the two apart
 */
public record ChatMessage(
        String role,
        String content,
        List<Part> parts,
        String name,
        List<ToolCall> toolCalls,
        String toolCallId,
        JsonValue refusal,
        boolean fromTemplate,
        boolean contentAbsent) {

    public ChatMessage {
        Objects.requireNonNull(role);
        parts = parts == null ? null : List.copyOf(parts);
        toolCalls = toolCalls == null ? null : List.copyOf(toolCalls);
        contentAbsent = contentAbsent && content == null && parts == null;
    }

    /** A message whose content, if none, was sent as {@code null}. */
    public ChatMessage(
            String role,
            String content,
            List<Part> parts,
            String name,
            List<ToolCall> toolCalls,
            String toolCallId,
            JsonValue refusal,
            boolean fromTemplate) {
        this(role, content, parts, name, toolCalls, toolCallId, refusal, fromTemplate, false);
    }

    /** A message with plain text content only. */
    public ChatMessage(String role, String text, boolean fromTemplate) {
        this(role, text, null, null, null, null, null, fromTemplate);
    }

    /**
     * The text stages see: the string content, or the text parts joined by newlines (image and
     * other parts are not shown); {@code ""} when there is none.
     */
    public String text() {
        if (content != null) {
            return content;
        }
        if (parts == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (p.isText()) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(p.text());
            }
        }
        return sb.toString();
    }

    /**
     * A copy whose text is {@code newText}; everything else stays. Parts keep their non-text parts
     * after one text part holding the new text. Returns this message when the text is unchanged.
     */
    public ChatMessage withText(String newText) {
        if (Objects.equals(text(), newText)) {
            return this;
        }
        if (parts == null) {
            return new ChatMessage(
                    role, newText, null, name, toolCalls, toolCallId, refusal, fromTemplate);
        }
        List<Part> np = new ArrayList<>();
        np.add(Part.text(newText));
        for (Part p : parts) {
            if (!p.isText()) {
                np.add(p);
            }
        }
        return new ChatMessage(role, null, np, name, toolCalls, toolCallId, refusal, fromTemplate);
    }

    /**
     * A copy with other tool calls (e.g. redacted arguments); everything else stays. Returns this
     * message when they are equal.
     */
    public ChatMessage withToolCalls(List<ToolCall> newCalls) {
        if (Objects.equals(toolCalls, newCalls)) {
            return this;
        }
        return new ChatMessage(
                role,
                content,
                parts,
                name,
                newCalls,
                toolCallId,
                refusal,
                fromTemplate,
                contentAbsent);
    }

    /**
     * One content part as the client sent it ({@code json}, forwarded as is), with typed reads of
     * what routing needs.
     */
    public record Part(String type, JsonObject json) {
        // one provider lookup, not one per part (slow in Liberty: a ServiceLoader scan each time)
        private static final JsonProvider JSON = JsonProvider.provider();

        public Part {
            Objects.requireNonNull(type);
            Objects.requireNonNull(json);
        }

        public static Part text(String text) {
            return new Part(
                    "text",
                    JSON.createObjectBuilder().add("type", "text").add("text", text).build());
        }

        public boolean isText() {
            return type.equals("text");
        }

        /** The text of a text part, else null. */
        public String text() {
            return isText() ? json.getString("text", "") : null;
        }

        /** The URL of an image_url part (a link or a data: URL), else null. */
        public String imageUrl() {
            return type.equals("image_url") && json.get("image_url") instanceof JsonObject iu
                    ? iu.getString("url", null)
                    : null;
        }
    }

    /**
     * One tool call of an assistant message as sent ({@code json}, forwarded as is).
     *
     * @param arguments the function's arguments, a JSON text as the model wrote it
     */
    public record ToolCall(String id, String name, String arguments, JsonObject json) {
        public ToolCall {
            Objects.requireNonNull(json);
        }

        /** A chat tool call ({@code {id, type, function: {name, arguments}}}) as sent. */
        public static ToolCall of(JsonObject c) {
            JsonObject fn =
                    c.get("function") instanceof JsonObject f ? f : JsonValue.EMPTY_JSON_OBJECT;
            return new ToolCall(
                    c.get("id") instanceof jakarta.json.JsonString id ? id.getString() : null,
                    fn.get("name") instanceof jakarta.json.JsonString n ? n.getString() : null,
                    fn.get("arguments") instanceof jakarta.json.JsonString a ? a.getString() : null,
                    c);
        }

        /**
         * A copy whose arguments are {@code newArguments}, in the typed field and in {@code
         * function.arguments} of the JSON every adapter forwards. Returns this call when unchanged.
         */
        public ToolCall withArguments(String newArguments) {
            if (Objects.equals(arguments, newArguments)) {
                return this;
            }
            var fn = JSON.createObjectBuilder();
            if (json.get("function") instanceof JsonObject f) {
                fn = JSON.createObjectBuilder(f);
            }
            fn.add("arguments", newArguments == null ? "" : newArguments);
            return new ToolCall(
                    id,
                    name,
                    newArguments,
                    JSON.createObjectBuilder(json).add("function", fn).build());
        }
    }

    private static final JsonProvider JSON = JsonProvider.provider();
}
