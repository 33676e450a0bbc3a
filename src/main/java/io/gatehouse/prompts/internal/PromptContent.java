package io.gatehouse.prompts.internal;

import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A prompt change's content, checked and normalized: {@code {"messages":[{"role","content"}...],
 * "variables":<schema>, "route":"<alias>", "label":"production", "parameters":{...},
 * "canary":{"percent":n}}} ({@code parameters} and {@code canary} optional). Every {@code
 * {{variable}}} a message uses must be declared in the schema.
 */
public record PromptContent(
        JsonArray messages,
        JsonObject variables,
        String route,
        String label,
        JsonObject parameters,
        int canaryPercent) {
    public static final String DEFAULT_LABEL = "production";
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    static final Pattern ROUTE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}");
    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
    static final Set<String> KEYS =
            Set.of("messages", "variables", "route", "label", "parameters", "canary");
    private static final int MAX_MESSAGES = 50;
    private static final int MAX_TEXT = 100_000;

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ValidationException(
                    "target", "A prompt name is 1-100 lower-case letters, digits, '.', '_' or '-'");
        }
    }

    public static PromptContent parse(JsonObject c) {
        for (String k : c.keySet()) {
            if (!KEYS.contains(k)) {
                throw new ValidationException(
                        "content." + k, "Unknown field '" + k + "' in a prompt");
            }
        }
        JsonValue mv = c.get("messages");
        if (mv == null
                || mv.getValueType() != JsonValue.ValueType.ARRAY
                || mv.asJsonArray().isEmpty()) {
            throw new ValidationException("content.messages", "messages is a non-empty array");
        }
        if (mv.asJsonArray().size() > MAX_MESSAGES) {
            throw new ValidationException(
                    "content.messages", "at most " + MAX_MESSAGES + " messages");
        }
        JsonObject variables =
                c.containsKey("variables") && c.get("variables") != JsonValue.NULL
                        ? object(c.get("variables"), "content.variables")
                        : Json.createObjectBuilder()
                                .add("type", "object")
                                .add("properties", JsonValue.EMPTY_JSON_OBJECT)
                                .build();
        VariableSchema.checkSchema(variables, "content.variables");
        JsonObject props = VariableSchema.properties(variables);
        JsonArrayBuilder messages = Json.createArrayBuilder();
        int i = 0;
        for (JsonValue v : mv.asJsonArray()) {
            String p = "content.messages[" + i + "]";
            JsonObject m = object(v, p);
            String role = string(m, "role", p + ".role");
            if (!ROLES.contains(role)) {
                throw new ValidationException(p + ".role", "role is one of " + ROLES);
            }
            String text = string(m, "content", p + ".content");
            if (text.isEmpty() || text.length() > MAX_TEXT) {
                throw new ValidationException(
                        p + ".content", "content is 1 to " + MAX_TEXT + " characters");
            }
            for (String var : PromptTemplate.variables(text)) {
                if (!props.containsKey(var)) {
                    throw new ValidationException(
                            p + ".content",
                            "The template uses {{" + var + "}} but variables does not declare it");
                }
            }
            messages.add(Json.createObjectBuilder().add("role", role).add("content", text));
            i++;
        }
        String route = string(c, "route", "content.route");
        if (!ROUTE.matcher(route).matches() || route.startsWith("prompt:")) {
            throw new ValidationException("content.route", "route is a route alias");
        }
        String label = c.containsKey("label") ? string(c, "label", "content.label") : DEFAULT_LABEL;
        if (!LABEL.matcher(label).matches()) {
            throw new ValidationException(
                    "content.label", "A label is lower-case letters, digits and '-'");
        }
        JsonObject parameters =
                c.containsKey("parameters") && c.get("parameters") != JsonValue.NULL
                        ? object(c.get("parameters"), "content.parameters")
                        : JsonValue.EMPTY_JSON_OBJECT;
        int canary = 0;
        if (c.containsKey("canary") && c.get("canary") != JsonValue.NULL) {
            JsonObject co = object(c.get("canary"), "content.canary");
            if (!(co.get("percent") instanceof jakarta.json.JsonNumber n)
                    || !n.isIntegral()
                    || n.intValue() < 1
                    || n.intValue() > 99) {
                throw new ValidationException(
                        "content.canary.percent", "percent is an integer from 1 to 99");
            }
            canary = n.intValue();
        }
        return new PromptContent(messages.build(), variables, route, label, parameters, canary);
    }

    /** The normalized change content. */
    public JsonObject toJson() {
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("messages", messages)
                        .add("variables", variables)
                        .add("route", route)
                        .add("label", label)
                        .add("parameters", parameters);
        if (canaryPercent > 0) {
            b.add("canary", Json.createObjectBuilder().add("percent", canaryPercent));
        }
        return b.build();
    }

    /**
     * Identifies a version's content (messages, variables, route, parameters); labels are not part.
     */
    public String versionHash() {
        String canonical =
                Json.createArrayBuilder()
                        .add(messages)
                        .add(variables)
                        .add(route)
                        .add(parameters)
                        .build()
                        .toString();
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject object(JsonValue v, String param) {
        if (v == null || v.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new ValidationException(
                    param, param.substring(param.lastIndexOf('.') + 1) + " is an object");
        }
        return v.asJsonObject();
    }

    private static String string(JsonObject o, String key, String param) {
        if (!(o.get(key) instanceof JsonString s)) {
            throw new ValidationException(param, key + " is a string");
        }
        return s.getString();
    }
}
