package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded Anthropic Messages stream and the comparison of event sequences, for the Messages
 * dialect's tests (unit and IT).
 */
public final class AnthropicStreams {
    private AnthropicStreams() {}

    /** Anthropic's own stream of a text block and a tool call (its documented tool-use example). */
    public static final String RECORDED =
            """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":", let's check the weather for San Francisco, CA:"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"San Francisco, CA\\"}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    public record Event(String name, JsonObject data) {}

    /** Parses server-sent events (one data line each, as both sides write them). */
    public static List<Event> parse(String text) {
        List<Event> out = new ArrayList<>();
        String name = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                JsonObject data =
                        Json.createReader(new StringReader(line.substring(6))).readObject();
                assertThat(data.getString("type")).as("event name and type agree").isEqualTo(name);
                out.add(new Event(name, data));
                name = null;
            }
        }
        return out;
    }

    /**
     * What may differ between Anthropic and a translation: the ids, model and token counts of the
     * message; pings (optional) and empty {@code input_json_delta}s (they carry nothing) may be
     * left out.
     */
    public static List<Event> comparable(List<Event> events) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            JsonObject d = e.data();
            if (e.name().equals("ping")) {
                continue;
            }
            if (e.name().equals("content_block_delta")
                    && d.getJsonObject("delta").getString("type").equals("input_json_delta")
                    && d.getJsonObject("delta").getString("partial_json").isEmpty()) {
                continue;
            }
            if (e.name().equals("message_start")) {
                JsonObject m = d.getJsonObject("message");
                d =
                        Json.createObjectBuilder(d)
                                .add(
                                        "message",
                                        Json.createObjectBuilder(m)
                                                .add("id", "msg")
                                                .add("model", "m")
                                                .remove("usage"))
                                .build();
            }
            if (e.name().equals("message_delta")) {
                d =
                        Json.createObjectBuilder(d)
                                .add(
                                        "usage",
                                        Json.createObjectBuilder()
                                                .add(
                                                        "output_tokens",
                                                        d.getJsonObject("usage")
                                                                .getInt("output_tokens")))
                                .build();
            }
            out.add(new Event(e.name(), d));
        }
        return out;
    }
}
