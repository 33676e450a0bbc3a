package io.gatehouse.routing.internal.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Arguments against a tool's schema, and the stages' view of them (one message per string). */
class McpArgumentsTest {
    static JsonObject json(String s) {
        try (var r = Json.createReader(new StringReader(s))) {
            return r.readObject();
        }
    }

    static final JsonObject SCHEMA =
            json(
                    "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"},"
                            + "\"limit\":{\"type\":\"integer\"}},\"required\":[\"query\"]}");

    @Test
    void requiredPropertiesAndTypesAreChecked() {
        assertThat(McpArguments.check(SCHEMA, json("{\"query\":\"a\",\"limit\":3}"))).isEmpty();
        assertThat(McpArguments.check(SCHEMA, json("{\"limit\":3}")))
                .hasValueSatisfying(m -> assertThat(m).contains("query"));
        assertThat(McpArguments.check(SCHEMA, json("{\"query\":1}"))).isPresent();
        assertThat(McpArguments.check(SCHEMA, json("{\"query\":\"a\",\"limit\":1.5}"))).isPresent();
        assertThat(McpArguments.check(SCHEMA, json("{\"query\":\"a\",\"other\":true}"))).isEmpty();
        JsonObject closed =
                Json.createObjectBuilder(SCHEMA).add("additionalProperties", false).build();
        assertThat(McpArguments.check(closed, json("{\"query\":\"a\",\"other\":true}")))
                .isPresent();
    }

    @Test
    void eachStringKeyAndNumberIsOneMessageAndAChangedStringReplacesExactlyThatValue() {
        JsonObject args =
                json(
                        "{\"to\":\"bob@example.com\",\"n\":2,\"cc\":[\"x\",{\"deep\":\"carol@example.com\"}],\"ok\":true}");
        List<String> paths = new ArrayList<>();
        List<ChatMessage> texts = new ArrayList<>();
        McpArguments.strings(args, "", paths, texts);
        assertThat(paths)
                .containsExactly(
                        "/to#key",
                        "/to",
                        "/n#key",
                        "/n",
                        "/cc#key",
                        "/cc/0",
                        "/cc/1/deep#key",
                        "/cc/1/deep",
                        "/ok#key");
        assertThat(texts)
                .extracting(ChatMessage::text)
                .containsExactly(
                        "to",
                        "bob@example.com",
                        "n",
                        "2",
                        "cc",
                        "x",
                        "deep",
                        "carol@example.com",
                        "ok");
        List<ChatMessage> changed = new ArrayList<>(texts);
        changed.set(1, texts.get(1).withText("[EMAIL]"));
        changed.set(7, texts.get(7).withText("[EMAIL]"));
        assertThat(McpArguments.replaceStrings(args, paths, changed))
                .isEqualTo(
                        json(
                                "{\"to\":\"[EMAIL]\",\"n\":2,\"cc\":[\"x\",{\"deep\":\"[EMAIL]\"}],\"ok\":true}"));
        assertThat(McpArguments.replaceStrings(args, paths, texts)).isEqualTo(args);
    }

    @Test
    void aRedactedKeyOrNumberRefusesTheCall() {
        JsonObject args = json("{\"jane@example.com\":\"x\",\"card\":4111111111111111}");
        List<String> paths = new ArrayList<>();
        List<ChatMessage> texts = new ArrayList<>();
        McpArguments.strings(args, "", paths, texts);
        assertThat(texts).extracting(ChatMessage::text).contains("4111111111111111");
        List<ChatMessage> key = new ArrayList<>(texts);
        key.set(0, texts.get(0).withText("[EMAIL]"));
        assertThatThrownBy(() -> McpArguments.replaceStrings(args, paths, key))
                .isInstanceOfSatisfying(
                        GatehouseException.class,
                        e -> assertThat(e.code()).isEqualTo(McpArguments.UNREPLACEABLE));
        List<ChatMessage> number = new ArrayList<>(texts);
        number.set(3, texts.get(3).withText("[CARD]"));
        assertThatThrownBy(() -> McpArguments.replaceStrings(args, paths, number))
                .isInstanceOf(GatehouseException.class);
    }
}
