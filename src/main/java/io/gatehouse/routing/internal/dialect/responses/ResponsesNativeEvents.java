package io.gatehouse.routing.internal.dialect.responses;

import io.gatehouse.routing.internal.pipeline.StreamEvents;
import io.gatehouse.routing.internal.provider.ResponsesNativeStream;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI Responses stream relayed natively ({@code ResponsesNativeStream}): each provider event
 * goes to the client in turn, in OpenAI's order, rewritten where the gateway owns it: the {@code
 * response} under the gateway's id (and store setting, the client's previous_response_id and
 * instructions, the provider's other fields dropped as in a JSON answer), every item id replaced by
 * one of the gateway's (consistently, in every event), {@code sequence_number} the gateway's own
 * count (so it stays gapless where events are dropped or added), {@code output_index} and {@code
 * content_index} dense over the items and parts written (as ids are mapped). Text deltas are
 * written as the stream filters (output policy) left them; the {@code .done} events, parts, items
 * and the final response carry the text the client got, never the provider's, and no annotations.
 * Reasoning text (summary and raw; the gateway never asks for a summary), other item types
 * (built-in tools, which are never asked for) and event types this gateway does not know are
 * dropped: their content never passed the output policy; a reasoning item keeps its id and an empty
 * summary, as in a JSON answer. {@code response.completed} (or {@code .incomplete}) is written
 * after the record, once the response is stored; {@code response.failed} when the stream breaks
 * off.
 *
 * <p>Long on purpose: one stream's state (the ids, the parts and the text the client got of each,
 * the numbering) against OpenAI's event order, each event's rewriting beside the others.
 */
final class ResponsesNativeEvents implements StreamEvents {
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Set<String> ITEM_TYPES = Set.of("message", "reasoning");

    /** A text part and the text the client got of it. */
    private static final class Part {
        final String itemId; // the provider's
        final int index; // the provider's content_index
        final boolean refusal;
        final StringBuilder written = new StringBuilder();

        Part(String itemId, int index, boolean refusal) {
            this.itemId = itemId;
            this.index = index;
            this.refusal = refusal;
        }
    }

    /** What the events need of the request's codec ({@link ResponsesCodec}). */
    interface Owner {
        /** The client's response object of the provider's ({@code output} rewritten). */
        JsonObject streamedResponse(JsonObject provider, JsonArray output, boolean store);

        /** Whether the response is to be stored. */
        boolean storing();

        /** Stores the response when it is to be stored; false when it was not stored. */
        boolean storeStreamed(JsonObject response, String text);
    }

    private final Owner codec;
    private int sequence;
    private boolean started;
    private boolean ended;
    private final Map<String, String> ids = new HashMap<>(); // provider item id -> gateway's
    private final Map<Integer, Part> parts = new HashMap<>(); // by the stream's part number
    private final Map<String, Part> partsByKey = new LinkedHashMap<>();
    // the provider's indexes -> the client's, dense over what is written
    private final Map<String, Integer> outputIndexes = new HashMap<>(); // by provider item id
    private final Map<String, Integer> contentIndexes = new HashMap<>(); // by part key
    private final Map<String, Integer> partsOfItem = new HashMap<>();
    private final StringBuilder allText = new StringBuilder();
    private JsonObject lastResponse = JsonValue.EMPTY_JSON_OBJECT;
    private JsonObject terminal; // response.completed or response.incomplete, written by done
    private long inputTokens;
    private long outputTokens;

    ResponsesNativeEvents(Owner codec) {
        this.codec = codec;
    }

    @Override
    public void chunk(OutputStream os, JsonObject chunk, String raw) throws IOException {
        List<String> out = new ArrayList<>();
        chunk(chunk, out);
        write(os, out);
    }

    /** The events one relayed chunk gives (none for a chunk with nothing to write). */
    void chunk(JsonObject chunk, List<String> out) {
        if (ended) {
            return;
        }
        JsonObject event =
                chunk.get(ResponsesNativeStream.EVENT) instanceof JsonObject e ? e : null;
        if (event != null && chunk.get(ResponsesNativeStream.PART) instanceof JsonNumber n) {
            register(n.intValue(), event);
        }
        JsonObject choice =
                chunk.get("choices") instanceof JsonArray cs
                                && !cs.isEmpty()
                                && cs.get(0) instanceof JsonObject c
                        ? c
                        : null;
        if (choice != null
                && choice.get("delta") instanceof JsonObject d
                && d.get("content") instanceof JsonString text) {
            // text as the filters left it: a delta of its part (none while a filter holds it)
            Part p = parts.get(choice.getInt("index", 0));
            if (!text.getString().isEmpty() && p != null && ids.containsKey(p.itemId)) {
                start(out);
                delta(out, p, text.getString());
            }
            return;
        }
        if (event == null) {
            return;
        }
        String type = event.getString("type", "");
        if (type.equals("response.completed") || type.equals("response.incomplete")) {
            terminal = event; // after the record (done)
            return;
        }
        JsonObjectBuilder rewritten = rewrite(type, event);
        if (rewritten == null) {
            return;
        }
        if (!type.equals("response.created")) {
            start(out);
        } else if (started) {
            return;
        }
        started = true;
        out.add(event(type, rewritten));
    }

    @Override
    public void finish(
            OutputStream os,
            JsonObject lastChunk,
            long inputTokens,
            long outputTokens,
            boolean estimated)
            throws IOException {
        // the end with usage is held by the relay: it is the stream's last chunk
        if (lastChunk != null
                && lastChunk.get(ResponsesNativeStream.EVENT) instanceof JsonObject e
                && (e.getString("type", "").equals("response.completed")
                        || e.getString("type", "").equals("response.incomplete"))) {
            terminal = e;
        }
        this.inputTokens = inputTokens;
        this.outputTokens = outputTokens;
    }

    @Override
    public void done(OutputStream os) throws IOException {
        write(os, done());
    }

    @Override
    public void error(OutputStream os, int status, String code, String message) throws IOException {
        write(os, error(code, message));
    }

    /** The stream ended well and is recorded: stored if it is to be, then the final event. */
    List<String> done() {
        List<String> out = new ArrayList<>();
        if (ended) {
            return out;
        }
        start(out);
        ended = true;
        JsonObject r =
                terminal != null && terminal.get("response") instanceof JsonObject tr
                        ? tr
                        : JSON.createObjectBuilder(lastResponse)
                                .add("status", "completed")
                                .add(
                                        "usage",
                                        ResponseObjects.usage(inputTokens, outputTokens, 0, 0))
                                .build();
        JsonArray output = output(r.get("output"));
        boolean store = codec.storing();
        JsonObject response = codec.streamedResponse(r, output, store);
        boolean stored;
        try {
            stored = codec.storeStreamed(response, allText.toString());
        } catch (RuntimeException e) {
            stored = false; // answered all the same: the call was made and charged
        }
        if (store && !stored) {
            response = codec.streamedResponse(r, output, false);
        }
        String type =
                "incomplete".equals(r.getString("status", ""))
                        ? "response.incomplete"
                        : "response.completed";
        out.add(event(type, JSON.createObjectBuilder().add("response", response)));
        return out;
    }

    /** The stream broke off (or was not recorded): {@code response.failed}, nothing after it. */
    List<String> error(String code, String message) {
        List<String> out = new ArrayList<>();
        if (ended) {
            return out;
        }
        start(out);
        ended = true;
        JsonObject failed =
                JSON.createObjectBuilder(lastResponse)
                        .add("object", "response")
                        .add("status", "failed")
                        .add(
                                "error",
                                JSON.createObjectBuilder()
                                        .add("code", code)
                                        .add("message", message))
                        .add("usage", JsonValue.NULL)
                        .build();
        out.add(
                event(
                        "response.failed",
                        JSON.createObjectBuilder()
                                .add(
                                        "response",
                                        codec.streamedResponse(
                                                failed, JsonValue.EMPTY_JSON_ARRAY, false))));
        return out;
    }

    /** response.created and response.in_progress, unless the provider's were written. */
    private void start(List<String> out) {
        if (started) {
            return;
        }
        started = true;
        JsonObject r =
                JSON.createObjectBuilder(lastResponse)
                        .add("object", "response")
                        .add("status", "in_progress")
                        .build();
        for (String type : List.of("response.created", "response.in_progress")) {
            out.add(
                    event(
                            type,
                            JSON.createObjectBuilder()
                                    .add(
                                            "response",
                                            codec.streamedResponse(
                                                    r,
                                                    JsonValue.EMPTY_JSON_ARRAY,
                                                    codec.storing()))));
        }
    }

    /** Notes a part the first time one of its events comes by. */
    private void register(int number, JsonObject event) {
        if (parts.containsKey(number)) {
            return;
        }
        String type = event.getString("type", "");
        int index = event.getInt("content_index", 0);
        boolean refusal =
                type.startsWith("response.refusal")
                        || event.get("part") instanceof JsonObject p
                                && "refusal".equals(p.getString("type", ""));
        Part p = new Part(event.getString("item_id", ""), index, refusal);
        parts.put(number, p);
        partsByKey.put(key(p.itemId, index), p);
    }

    private static String key(String itemId, int index) {
        return itemId + "/c" + index;
    }

    /**
     * The client's content_index of a written part: dense within its item, in order of first use.
     */
    private int contentIndex(String itemId, int index) {
        return contentIndexes.computeIfAbsent(
                key(itemId, index), k -> partsOfItem.merge(itemId, 1, Integer::sum) - 1);
    }

    private void delta(List<String> out, Part p, String text) {
        p.written.append(text);
        JsonObjectBuilder b =
                JSON.createObjectBuilder()
                        .add("item_id", ids.get(p.itemId))
                        .add("output_index", outputIndexes.get(p.itemId))
                        .add("content_index", contentIndex(p.itemId, p.index))
                        .add("delta", text);
        if (p.refusal) {
            out.add(event("response.refusal.delta", b));
            return;
        }
        allText.append(text);
        out.add(event("response.output_text.delta", b.add("logprobs", JsonValue.EMPTY_JSON_ARRAY)));
    }

    /** The event as the client gets it (without type and number), or null when it is dropped. */
    private JsonObjectBuilder rewrite(String type, JsonObject event) {
        switch (type) {
            case "response.created", "response.in_progress", "response.queued" -> {
                if (!(event.get("response") instanceof JsonObject r)) {
                    return null;
                }
                lastResponse = r;
                return JSON.createObjectBuilder()
                        .add(
                                "response",
                                codec.streamedResponse(
                                        r, output(r.get("output")), codec.storing()));
            }
            case "response.output_item.added", "response.output_item.done" -> {
                if (!(event.get("item") instanceof JsonObject item)
                        || !ITEM_TYPES.contains(item.getString("type", ""))) {
                    return null;
                }
                String itemId = item.getString("id", "");
                ids.computeIfAbsent(itemId, ResponsesNativeEvents::newId);
                outputIndexes.computeIfAbsent(itemId, k -> outputIndexes.size());
                JsonObject rewritten = item(item);
                return rewritten == null
                        ? null
                        : JSON.createObjectBuilder()
                                .add("output_index", outputIndexes.get(itemId))
                                .add("item", rewritten);
            }
            case "response.content_part.added", "response.content_part.done" -> {
                String itemId = event.getString("item_id", "");
                int index = event.getInt("content_index", 0);
                if (!ids.containsKey(itemId) || !(event.get("part") instanceof JsonObject part)) {
                    return null;
                }
                JsonObject p = part(part, partsByKey.get(key(itemId, index)));
                return p == null
                        ? null
                        : JSON.createObjectBuilder()
                                .add("item_id", ids.get(itemId))
                                .add("output_index", outputIndexes.get(itemId))
                                .add("content_index", contentIndex(itemId, index))
                                .add("part", p);
            }
            case "response.output_text.done", "response.refusal.done" -> {
                String itemId = event.getString("item_id", "");
                int index = event.getInt("content_index", 0);
                Part p = partsByKey.get(key(itemId, index));
                if (!ids.containsKey(itemId) || p == null) {
                    return null;
                }
                JsonObjectBuilder b =
                        JSON.createObjectBuilder()
                                .add("item_id", ids.get(itemId))
                                .add("output_index", outputIndexes.get(itemId))
                                .add("content_index", contentIndex(itemId, index));
                return type.equals("response.refusal.done")
                        ? b.add("refusal", p.written.toString())
                        : b.add("text", p.written.toString())
                                .add("logprobs", JsonValue.EMPTY_JSON_ARRAY);
            }
            default -> {
                // reasoning text (summary and raw: its text never passes the output policy's
                // filters), annotations, built-in tools' events, types unknown here
                return null;
            }
        }
    }

    /** The provider's output items as the client gets them (the ones it knows). */
    private JsonArray output(JsonValue output) {
        JsonArrayBuilder b = JSON.createArrayBuilder();
        if (output instanceof JsonArray items) {
            for (JsonValue iv : items) {
                if (iv instanceof JsonObject item
                        && ITEM_TYPES.contains(item.getString("type", ""))
                        && ids.containsKey(item.getString("id", ""))) {
                    JsonObject rewritten = item(item);
                    if (rewritten != null) {
                        b.add(rewritten);
                    }
                }
            }
        }
        return b.build();
    }

    /**
     * A message or reasoning item under the gateway's id, with the text the client got: a message's
     * parts from what was written of each; a reasoning item its id and an empty summary (its
     * summary, raw text and encrypted content dropped, as in a JSON answer).
     */
    private JsonObject item(JsonObject item) {
        String providerId = item.getString("id", "");
        String id = ids.get(providerId);
        if (id == null) {
            return null;
        }
        if (item.getString("type", "").equals("reasoning")) {
            return JSON.createObjectBuilder()
                    .add("id", id)
                    .add("type", "reasoning")
                    .add("summary", JsonValue.EMPTY_JSON_ARRAY)
                    .build();
        }
        JsonArrayBuilder content = JSON.createArrayBuilder();
        if (item.get("content") instanceof JsonArray cs) {
            for (int i = 0; i < cs.size(); i++) {
                if (cs.get(i) instanceof JsonObject part) {
                    JsonObject p = part(part, partsByKey.get(key(providerId, i)));
                    if (p != null) {
                        content.add(p);
                    }
                }
            }
        }
        JsonObjectBuilder b =
                JSON.createObjectBuilder()
                        .add("id", id)
                        .add("type", "message")
                        .add("status", item.getString("status", "completed"))
                        .add("content", content)
                        .add("role", "assistant");
        return b.build();
    }

    /**
     * A text or refusal part with the text the client got of it ({@code p}; none yet: empty), never
     * the provider's annotations (their titles and URLs never passed the output policy). Other part
     * types: null (dropped).
     */
    private static JsonObject part(JsonObject part, Part p) {
        String written = p == null ? "" : p.written.toString();
        switch (part.getString("type", "")) {
            case "output_text" -> {
                return JSON.createObjectBuilder()
                        .add("type", "output_text")
                        .add("annotations", JsonValue.EMPTY_JSON_ARRAY)
                        .add("logprobs", JsonValue.EMPTY_JSON_ARRAY)
                        .add("text", written)
                        .build();
            }
            case "refusal" -> {
                return JSON.createObjectBuilder()
                        .add("type", "refusal")
                        .add("refusal", written)
                        .build();
            }
            default -> {
                return null;
            }
        }
    }

    private static String newId(String providerId) {
        int cut = providerId.indexOf('_');
        String prefix = cut > 0 ? providerId.substring(0, cut) : "";
        return ResponseObjects.newId(prefix.matches("[a-z]{1,8}") ? prefix : "item");
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

    private static void write(OutputStream os, List<String> events) throws IOException {
        for (String e : events) {
            os.write(e.getBytes(StandardCharsets.UTF_8));
        }
    }
}
