package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.detect.Detection;
import io.gatehouse.policy.internal.detect.Detectors;
import io.gatehouse.policy.internal.detect.Redactor;
import jakarta.json.JsonException;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Tool-call arguments as the detectors see them and as redaction rewrites them. Arguments are a
 * JSON text: detectors run on each member name and each string (and number) value, so a finding
 * never spans JSON syntax, and redaction replaces it inside its name or value, so the arguments
 * stay valid JSON (a number that held a finding becomes the placeholder string; a name that held
 * one becomes the placeholder, with a suffix where the object already has that name).
 *
 * <p>The text is read event by event, not into a tree: a tree keeps one value of a duplicated name
 * (the other would pass unscanned yet be forwarded in the original string), and a tree reader stops
 * after the first value. Text that is not exactly one JSON value (trailing text included) is
 * scanned and redacted as plain text, so no part of what is forwarded goes unscanned.
 */
final class ToolText {
    private static final JsonProvider JSON = JsonProvider.provider();

    private ToolText() {}

    /** One parser event: structure, a member name or a scalar (its text). */
    private record Token(JsonParser.Event event, String text) {}

    /** The findings in {@code arguments} (all names and values together). */
    static List<Detection> scan(String arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return List.of();
        }
        List<Token> tokens = tokens(arguments);
        if (tokens == null) {
            return Detectors.scan(arguments);
        }
        List<Detection> found = new ArrayList<>();
        for (Token t : tokens) {
            if (t.text() != null) {
                found.addAll(Detectors.scan(t.text()));
            }
        }
        return found;
    }

    /** The names' and values' text, one per line: what the injection detector reads. */
    static String text(String arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return "";
        }
        List<Token> tokens = tokens(arguments);
        if (tokens == null) {
            return arguments;
        }
        StringBuilder sb = new StringBuilder();
        for (Token t : tokens) {
            if (t.text() != null) {
                sb.append(t.text()).append('\n');
            }
        }
        return sb.toString();
    }

    /** {@code arguments} with findings of {@code types} masked; the same string when none. */
    static String redact(String arguments, Set<String> types) {
        if (arguments == null || arguments.isEmpty() || types.isEmpty()) {
            return arguments;
        }
        List<Token> tokens = tokens(arguments);
        if (tokens == null) {
            String r = Redactor.redact(arguments, Detectors.scan(arguments), types);
            return r.equals(arguments) ? arguments : r;
        }
        // the names of each object (in order of their start), to rename a key without collision
        List<Set<String>> names = new ArrayList<>();
        Deque<Set<String>> open = new ArrayDeque<>();
        for (Token t : tokens) {
            switch (t.event()) {
                case START_OBJECT -> {
                    Set<String> s = new HashSet<>();
                    names.add(s);
                    open.push(s);
                }
                case START_ARRAY -> open.push(Set.of());
                case END_OBJECT, END_ARRAY -> open.pop();
                case KEY_NAME -> open.peek().add(t.text());
                default -> {}
            }
        }
        boolean changed = false;
        int objects = 0;
        Deque<Set<String>> used = new ArrayDeque<>();
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            for (Token t : tokens) {
                switch (t.event()) {
                    case START_OBJECT -> {
                        g.writeStartObject();
                        used.push(new HashSet<>(names.get(objects++)));
                    }
                    case START_ARRAY -> {
                        g.writeStartArray();
                        used.push(Set.of());
                    }
                    case END_OBJECT, END_ARRAY -> {
                        g.writeEnd();
                        used.pop();
                    }
                    case KEY_NAME -> {
                        String r = mask(t.text(), types);
                        if (r.equals(t.text())) {
                            g.writeKey(t.text());
                        } else {
                            changed = true;
                            String name = r;
                            for (int n = 2; !used.peek().add(name); n++) {
                                name = r + "_" + n;
                            }
                            g.writeKey(name);
                        }
                    }
                    case VALUE_STRING -> {
                        String r = mask(t.text(), types);
                        changed |= !r.equals(t.text());
                        g.write(r);
                    }
                    case VALUE_NUMBER -> {
                        String r = mask(t.text(), types);
                        if (r.equals(t.text())) {
                            g.write(new BigDecimal(t.text()));
                        } else {
                            changed = true;
                            g.write(r);
                        }
                    }
                    case VALUE_TRUE -> g.write(true);
                    case VALUE_FALSE -> g.write(false);
                    case VALUE_NULL -> g.writeNull();
                }
            }
        }
        return changed ? out.toString() : arguments;
    }

    private static String mask(String text, Set<String> types) {
        return Redactor.redact(text, Detectors.scan(text), types);
    }

    /**
     * The events of {@code text} when it is exactly one JSON value (whitespace around it allowed),
     * duplicate names kept; null otherwise.
     */
    private static List<Token> tokens(String text) {
        List<Token> tokens = new ArrayList<>();
        try (JsonParser p = JSON.createParser(new StringReader(text))) {
            int depth = 0;
            do {
                JsonParser.Event e = p.next();
                switch (e) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    default -> {}
                }
                String value =
                        switch (e) {
                            case KEY_NAME, VALUE_STRING, VALUE_NUMBER -> p.getString();
                            default -> null;
                        };
                tokens.add(new Token(e, value));
            } while (depth > 0);
            if (p.hasNext()) {
                return null;
            }
            return tokens;
        } catch (JsonException | NoSuchElementException | IllegalStateException e) {
            return null;
        }
    }
}
