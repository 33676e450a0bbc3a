package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.detect.Detection;
import io.gatehouse.policy.internal.detect.Detectors;
import io.gatehouse.policy.internal.detect.Redactor;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Tool-call arguments as the detectors see them and as redaction rewrites them. Arguments are a
 * JSON text: detectors run on each string (and number) value, so a finding never spans JSON syntax,
 * and redaction replaces it inside its value, so the arguments stay valid JSON (a number that held
 * a finding becomes the placeholder string). Arguments that are not JSON are treated as plain text.
 */
final class ToolText {
    private static final JsonProvider JSON = JsonProvider.provider();

    private ToolText() {}

    /** The findings in {@code arguments} (all values together). */
    static List<Detection> scan(String arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return List.of();
        }
        JsonStructure parsed = parse(arguments);
        if (parsed == null) {
            return Detectors.scan(arguments);
        }
        List<Detection> found = new ArrayList<>();
        walk(parsed, v -> found.addAll(Detectors.scan(v)));
        return found;
    }

    /** The values' text, one per line: what the injection detector reads. */
    static String text(String arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return "";
        }
        JsonStructure parsed = parse(arguments);
        if (parsed == null) {
            return arguments;
        }
        StringBuilder sb = new StringBuilder();
        walk(parsed, v -> sb.append(v).append('\n'));
        return sb.toString();
    }

    /** {@code arguments} with findings of {@code types} masked; the same string when none. */
    static String redact(String arguments, Set<String> types) {
        if (arguments == null || arguments.isEmpty() || types.isEmpty()) {
            return arguments;
        }
        JsonStructure parsed = parse(arguments);
        if (parsed == null) {
            String r = Redactor.redact(arguments, Detectors.scan(arguments), types);
            return r.equals(arguments) ? arguments : r;
        }
        boolean[] changed = {false};
        JsonValue out = rewrite(parsed, types, changed);
        return changed[0] ? out.toString() : arguments;
    }

    private static JsonStructure parse(String text) {
        try (var r = JSON.createReader(new StringReader(text))) {
            return r.read();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void walk(JsonValue v, java.util.function.Consumer<String> each) {
        if (v instanceof JsonObject o) {
            o.values().forEach(x -> walk(x, each));
        } else if (v instanceof JsonArray a) {
            a.forEach(x -> walk(x, each));
        } else if (v instanceof JsonString s) {
            each.accept(s.getString());
        } else if (v instanceof JsonNumber n) {
            each.accept(n.toString());
        }
    }

    private static JsonValue rewrite(JsonValue v, Set<String> types, boolean[] changed) {
        if (v instanceof JsonObject o) {
            JsonObjectBuilder b = JSON.createObjectBuilder();
            o.forEach((k, x) -> b.add(k, rewrite(x, types, changed)));
            return b.build();
        }
        if (v instanceof JsonArray a) {
            JsonArrayBuilder b = JSON.createArrayBuilder();
            a.forEach(x -> b.add(rewrite(x, types, changed)));
            return b.build();
        }
        String text =
                v instanceof JsonString s
                        ? s.getString()
                        : v instanceof JsonNumber n ? n.toString() : null;
        if (text == null) {
            return v;
        }
        String r = Redactor.redact(text, Detectors.scan(text), types);
        if (r.equals(text)) {
            return v;
        }
        changed[0] = true;
        return JSON.createValue(r);
    }
}
