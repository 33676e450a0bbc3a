package io.gatehouse.routing.internal.dialect.responses;

import io.gatehouse.routing.internal.pipeline.StreamEvents;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The relay's stream ({@code pipeline.StreamEvents}: the canonical chat chunks, the end with its
 * usage, then done after the record or an error) as the Responses API's typed events, in OpenAI's
 * order, each with its {@code sequence_number}: {@code response.created}, {@code
 * response.in_progress}, per text item {@code output_item.added}, {@code content_part.added},
 * {@code output_text.delta}..., {@code output_text.done}, {@code content_part.done}, {@code
 * output_item.done}, per function call {@code output_item.added}, {@code
 * function_call_arguments.delta}..., {@code .done}, {@code output_item.done}; then {@code
 * response.completed} (or {@code response.incomplete}), or {@code response.failed} when the stream
 * broke off. One instance per stream, not thread-safe.
 *
 * <p>Long on purpose: one stream's state (the open item, the calls, the numbering) against OpenAI's
 * event order, with each event's fields beside the step that sends it.
 */
final class ResponsesEvents implements StreamEvents {
    private static final JsonProvider JSON = JsonProvider.provider();

    /** Called with the finished response before {@code response.completed} is written. */
    interface Completion {
        /**
         * Stores the response if it is to be stored; false when it was not stored (the end then
         * says {@code store: false}: the call was made and charged, so it is answered all the
         * same).
         */
        boolean completed(ResponseObjects.Rendered rendered);
    }

    private final ResponseObjects.Shape shape;
    private boolean store;
    private final Completion completion;
    private int sequence;
    private boolean started;
    private boolean ended;
    private String model;
    private String finishReason;
    private JsonObject usage;
    private int nextOutputIndex;
    private final Map<Integer, JsonObject> items = new TreeMap<>(); // finished, by output index
    // the open message item, if any
    private String messageId;
    private int messageIndex;
    private boolean messageRefusal; // the open message is a refusal part, not output_text
    private StringBuilder text;
    private final StringBuilder allText = new StringBuilder();
    // function calls by the chat stream's tool call index
    private final Map<Integer, Call> calls = new LinkedHashMap<>();

    private static final class Call {
        final int outputIndex;
        final String itemId;
        final String callId;
        final String name;
        final StringBuilder arguments = new StringBuilder();
        boolean open = true;

        Call(int outputIndex, String itemId, String callId, String name) {
            this.outputIndex = outputIndex;
            this.itemId = itemId;
            this.callId = callId;
            this.name = name;
        }
    }

    ResponsesEvents(ResponseObjects.Shape shape, boolean store, Completion completion) {
        this.shape = shape;
        this.store = store;
        this.completion = completion;
    }

    @Override
    public void chunk(OutputStream os, JsonObject chunk, String raw) throws IOException {
        write(os, chunk(chunk));
    }

    @Override
    public void finish(
            OutputStream os,
            JsonObject lastChunk,
            long inputTokens,
            long outputTokens,
            boolean estimated)
            throws IOException {
        List<String> out = new ArrayList<>();
        if (!ended) {
            start(out);
            usage = ResponseObjects.usage(inputTokens, outputTokens, 0, 0);
        }
        write(os, out);
    }

    @Override
    public void done(OutputStream os) throws IOException {
        write(os, done());
    }

    @Override
    public void error(OutputStream os, int status, String code, String message) throws IOException {
        write(os, error(code, message));
    }

    private static void write(OutputStream os, List<String> events) throws IOException {
        for (String e : events) {
            os.write(e.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The events one chat chunk gives (none for a chunk with nothing new). */
    List<String> chunk(JsonObject chunk) {
        List<String> out = new ArrayList<>();
        if (ended) {
            return out;
        }
        start(out);
        if (chunk.get("model") instanceof JsonString m && !m.getString().isEmpty()) {
            model = m.getString();
        }
        if (!(chunk.get("choices") instanceof JsonArray choices)) {
            return out;
        }
        for (JsonValue cv : choices) {
            if (!(cv instanceof JsonObject choice) || choice.getInt("index", 0) != 0) {
                continue; // Responses has one output: n > 1 cannot be asked for
            }
            if (choice.get("delta") instanceof JsonObject delta) {
                if (delta.get("content") instanceof JsonString c && !c.getString().isEmpty()) {
                    text(out, c.getString(), false);
                }
                if (delta.get("refusal") instanceof JsonString r && !r.getString().isEmpty()) {
                    text(out, r.getString(), true);
                }
                if (delta.get("tool_calls") instanceof JsonArray tcs) {
                    for (JsonValue tv : tcs) {
                        if (tv instanceof JsonObject tc) {
                            toolCall(out, tc);
                        }
                    }
                }
            }
            if (choice.get("finish_reason") instanceof JsonString f) {
                finishReason = f.getString();
            }
        }
        return out;
    }

    /** The stream ended well and is recorded: the open items close and the response completes. */
    List<String> done() {
        List<String> out = new ArrayList<>();
        if (ended) {
            return out;
        }
        start(out);
        closeMessage(out);
        for (Call c : calls.values()) {
            closeCall(out, c);
        }
        ended = true;
        String status = ResponseObjects.status(finishReason);
        ResponseObjects.Rendered rendered = rendered(status);
        boolean stored;
        try {
            stored = completion.completed(rendered);
        } catch (RuntimeException e) {
            stored = false; // answered all the same; the completion logs why
        }
        if (store && !stored) {
            store = false;
            rendered = rendered(status);
        }
        String type = status.equals("completed") ? "response.completed" : "response.incomplete";
        out.add(event(type, JSON.createObjectBuilder().add("response", rendered.response())));
        return out;
    }

    /** The stream broke off (or was not recorded): {@code response.failed}. */
    List<String> error(String code, String message) {
        List<String> out = new ArrayList<>();
        if (ended) {
            return out;
        }
        start(out);
        ended = true;
        out.add(failed(code, message));
        return out;
    }

    private String failed(String code, String message) {
        JsonObject err =
                JSON.createObjectBuilder().add("code", code).add("message", message).build();
        return event(
                "response.failed",
                JSON.createObjectBuilder().add("response", response("failed", err, null)));
    }

    private void start(List<String> out) {
        if (started) {
            return;
        }
        started = true;
        JsonObject r = response("in_progress", null, null);
        out.add(event("response.created", JSON.createObjectBuilder().add("response", r)));
        out.add(event("response.in_progress", JSON.createObjectBuilder().add("response", r)));
    }

    private ResponseObjects.Rendered rendered(String status) {
        return new ResponseObjects.Rendered(
                response(status, null, ResponseObjects.incompleteReason(finishReason)),
                ResponseObjects.assistant(
                        allText.toString(),
                        calls.values().stream().map(ResponsesEvents::chatCall).toList()));
    }

    private void text(List<String> out, String delta, boolean refusal) {
        if (messageId != null && messageRefusal != refusal) {
            closeMessage(out); // text and a refusal are separate message items
        }
        if (messageId == null) {
            messageId = ResponseObjects.newId("msg");
            messageIndex = nextOutputIndex++;
            messageRefusal = refusal;
            text = new StringBuilder();
            out.add(
                    event(
                            "response.output_item.added",
                            JSON.createObjectBuilder()
                                    .add("output_index", messageIndex)
                                    .add(
                                            "item",
                                            ResponseObjects.messageItem(
                                                    messageId, "in_progress", null, false))));
            out.add(
                    event(
                            "response.content_part.added",
                            part(JSON.createObjectBuilder())
                                    .add(
                                            "part",
                                            refusal
                                                    ? ResponseObjects.refusalPart("")
                                                    : ResponseObjects.textPart(""))));
        }
        text.append(delta);
        if (refusal) {
            out.add(
                    event(
                            "response.refusal.delta",
                            part(JSON.createObjectBuilder()).add("delta", delta)));
            return;
        }
        allText.append(delta);
        out.add(
                event(
                        "response.output_text.delta",
                        part(JSON.createObjectBuilder())
                                .add("delta", delta)
                                .add("logprobs", JsonValue.EMPTY_JSON_ARRAY)));
    }

    private JsonObjectBuilder part(JsonObjectBuilder b) {
        return b.add("item_id", messageId)
                .add("output_index", messageIndex)
                .add("content_index", 0);
    }

    private void closeMessage(List<String> out) {
        if (messageId == null) {
            return;
        }
        String t = text.toString();
        if (messageRefusal) {
            out.add(
                    event(
                            "response.refusal.done",
                            part(JSON.createObjectBuilder()).add("refusal", t)));
        } else {
            out.add(
                    event(
                            "response.output_text.done",
                            part(JSON.createObjectBuilder())
                                    .add("text", t)
                                    .add("logprobs", JsonValue.EMPTY_JSON_ARRAY)));
        }
        out.add(
                event(
                        "response.content_part.done",
                        part(JSON.createObjectBuilder())
                                .add(
                                        "part",
                                        messageRefusal
                                                ? ResponseObjects.refusalPart(t)
                                                : ResponseObjects.textPart(t))));
        JsonObject item = ResponseObjects.messageItem(messageId, "completed", t, messageRefusal);
        items.put(messageIndex, item);
        out.add(
                event(
                        "response.output_item.done",
                        JSON.createObjectBuilder()
                                .add("output_index", messageIndex)
                                .add("item", item)));
        messageId = null;
    }

    private void toolCall(List<String> out, JsonObject tc) {
        int index = tc.get("index") instanceof JsonNumber n ? n.intValue() : 0;
        JsonObject fn =
                tc.get("function") instanceof JsonObject f ? f : JsonValue.EMPTY_JSON_OBJECT;
        Call c = calls.get(index);
        if (c == null) {
            closeMessage(out); // the text before a call is one finished item
            c =
                    new Call(
                            nextOutputIndex++,
                            ResponseObjects.newId("fc"),
                            tc.getString("id", ResponseObjects.newId("call")),
                            fn.getString("name", ""));
            calls.put(index, c);
            out.add(
                    event(
                            "response.output_item.added",
                            JSON.createObjectBuilder()
                                    .add("output_index", c.outputIndex)
                                    .add(
                                            "item",
                                            ResponseObjects.functionCallItem(
                                                    c.itemId,
                                                    "in_progress",
                                                    c.callId,
                                                    c.name,
                                                    ""))));
        }
        if (fn.get("arguments") instanceof JsonString a && !a.getString().isEmpty()) {
            c.arguments.append(a.getString());
            out.add(
                    event(
                            "response.function_call_arguments.delta",
                            JSON.createObjectBuilder()
                                    .add("item_id", c.itemId)
                                    .add("output_index", c.outputIndex)
                                    .add("delta", a.getString())));
        }
    }

    private void closeCall(List<String> out, Call c) {
        if (!c.open) {
            return;
        }
        c.open = false;
        out.add(
                event(
                        "response.function_call_arguments.done",
                        JSON.createObjectBuilder()
                                .add("item_id", c.itemId)
                                .add("output_index", c.outputIndex)
                                .add("name", c.name)
                                .add("arguments", c.arguments.toString())));
        JsonObject item =
                ResponseObjects.functionCallItem(
                        c.itemId, "completed", c.callId, c.name, c.arguments.toString());
        items.put(c.outputIndex, item);
        out.add(
                event(
                        "response.output_item.done",
                        JSON.createObjectBuilder()
                                .add("output_index", c.outputIndex)
                                .add("item", item)));
    }

    private static JsonObject chatCall(Call c) {
        return JSON.createObjectBuilder()
                .add("id", c.callId)
                .add("type", "function")
                .add(
                        "function",
                        JSON.createObjectBuilder()
                                .add("name", c.name)
                                .add("arguments", c.arguments.toString()))
                .build();
    }

    private JsonObject response(String status, JsonObject error, String incompleteReason) {
        JsonArrayBuilder output = JSON.createArrayBuilder();
        items.values().forEach(output::add);
        boolean finished = !status.equals("in_progress");
        return shape.render(
                status,
                model,
                output.build(),
                finished ? usage : null,
                error,
                incompleteReason,
                store);
    }

    /** One server-sent event: its type as the event name and in the data, numbered. */
    private String event(String type, JsonObjectBuilder fields) {
        JsonObject data =
                JSON.createObjectBuilder()
                        .add("type", type)
                        .add("sequence_number", sequence++)
                        .addAll(fields)
                        .build();
        return "event: " + type + "\ndata: " + data + "\n\n";
    }
}
