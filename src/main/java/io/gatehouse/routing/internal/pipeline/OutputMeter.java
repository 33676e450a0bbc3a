package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.provider.TokenEstimate;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * A stream's output as the provider sent it (before any stream filter held it back or shortened
 * it), counted for the budget: text, reasoning ({@code reasoning_content}, {@code reasoning}, an
 * Anthropic native stream's {@code thinking}), refusals and tool-call names and arguments, with
 * {@link TokenEstimate#conservative}'s rule over the whole stream. The one count behind the running
 * cost, a stream that broke off and a normal end without usage.
 */
final class OutputMeter {
    private static final String[] TEXT_FIELDS = {
        "content", "reasoning_content", "reasoning", "refusal", "thinking"
    };

    private long ascii;
    private long other;

    /** Counts the deltas of an OpenAI-compatible chunk, every choice. */
    void add(JsonObject chunk) {
        if (!(chunk.get("choices") instanceof JsonArray choices)) {
            return;
        }
        for (JsonValue cv : choices) {
            if (!(cv instanceof JsonObject choice)
                    || !(choice.get("delta") instanceof JsonObject delta)) {
                continue;
            }
            for (String field : TEXT_FIELDS) {
                if (delta.get(field) instanceof JsonString s) {
                    add(s.getString());
                }
            }
            if (delta.get("tool_calls") instanceof JsonArray calls) {
                for (JsonValue tc : calls) {
                    if (tc instanceof JsonObject t && t.get("function") instanceof JsonObject f) {
                        if (f.get("name") instanceof JsonString n) {
                            add(n.getString());
                        }
                        if (f.get("arguments") instanceof JsonString a) {
                            add(a.getString());
                        }
                    }
                }
            }
        }
    }

    void add(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp < 0x80) {
                ascii++;
            } else {
                other++;
            }
            i += Character.charCount(cp);
        }
    }

    /** The output tokens so far: {@link TokenEstimate#conservative} over everything counted. */
    long tokens() {
        return other + (ascii + 3) / 4;
    }
}
