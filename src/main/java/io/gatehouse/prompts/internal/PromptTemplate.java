package io.gatehouse.prompts.internal;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mustache-style variables in message text: {@code {{name}}} (and {@code {{{name}}}}, the same
 * here: the text goes to a model, not a browser, so nothing is HTML-escaped). A variable left unset
 * renders as its schema's {@code default}, or as nothing. Sections and partials are not supported.
 */
public final class PromptTemplate {
    static final Pattern VARIABLE =
            Pattern.compile("\\{\\{\\{?\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\}?\\}\\}");

    private PromptTemplate() {}

    /** The variable names the text uses, in order of first use. */
    public static Set<String> variables(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    public static String render(String text, JsonObject variables, JsonObject properties) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 64);
        while (m.find()) {
            String name = m.group(1);
            JsonValue v = variables == null ? null : variables.get(name);
            if ((v == null || v == JsonValue.NULL) && properties.containsKey(name)) {
                JsonValue p = properties.get(name);
                if (p.getValueType() == JsonValue.ValueType.OBJECT) {
                    v = p.asJsonObject().get("default");
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(text(v)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String text(JsonValue v) {
        if (v == null || v == JsonValue.NULL) {
            return "";
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        if (v instanceof JsonNumber n) {
            return n.toString();
        }
        return v.toString();
    }
}
