package io.gatehouse.governance.internal;

import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The content of a golden set (issue 23, kind {@code golden_set}): which targets it binds, its
 * cases and the pass rate a candidate needs. Pure parsing: every refusal is a 400 naming the field
 * by its path ({@code content.cases[3].expect[0].threshold}); unknown fields are refused. Which
 * kinds may be bound is asked of {@code offersEvaluation} (the registry's kinds).
 */
public record GoldenSetContent(List<Binding> binds, double minPassRate, List<Case> cases) {
    static final int MAX_BINDS = 10;
    static final int MAX_CASES = 200;
    static final int MAX_EXPECT = 20;
    static final int MAX_TEXT = 10_000;
    static final int MAX_PATTERN = 1_000;
    static final int MAX_MESSAGES = 50;
    static final Pattern CASE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
    static final Set<String> POLICY_OUTCOMES = Set.of("allowed", "redacted", "denied");
    static final Set<String> TYPES =
            Set.of(
                    "contains",
                    "not_contains",
                    "regex",
                    "json_schema",
                    "similarity",
                    "policy",
                    "judge");

    /** A bound target: a change of this kind and target is evaluated against the set. */
    public record Binding(String kind, String target) {
        /** How the database's {@code binds} column names it. */
        public String key() {
            return kind + ":" + target;
        }
    }

    /**
     * One case: its input and what the answer must satisfy.
     *
     * @param variables prompt variables, or null
     * @param messages chat messages, or null
     * @param model a route alias (policy bindings), or null
     * @param expect the expectations, as stored (checked by {@link Expectations})
     */
    public record Case(
            String id, JsonObject variables, JsonArray messages, String model, JsonArray expect) {}

    /** Parses and checks {@code content}; {@code evaluable} says whether a kind may be bound. */
    public static GoldenSetContent parse(JsonObject content, Predicate<String> evaluable) {
        onlyFields(content, "content", Set.of("binds", "minPassRate", "cases", "canary"));
        List<Binding> binds = binds(content.get("binds"), evaluable);
        // checked here, read by the canary's scheduler and runner
        CanarySettings canary = CanarySettings.of(content);
        double minPassRate = fraction(content.get("minPassRate"), "content.minPassRate");
        if (!(content.get("cases") instanceof JsonArray cases)
                || cases.isEmpty()
                || cases.size() > MAX_CASES) {
            throw new ValidationException(
                    "content.cases", "cases must be an array of 1 to " + MAX_CASES + " cases");
        }
        boolean anyPrompt = binds.stream().anyMatch(b -> b.kind().equals("prompt"));
        boolean anyPolicy = binds.stream().anyMatch(b -> b.kind().equals("policy"));
        if (anyPrompt && anyPolicy) {
            throw new ValidationException(
                    "content.binds",
                    "A set binds prompts or policies, not both: a policy case names its model, a"
                            + " prompt case may not");
        }
        // a case may be given by its variables alone when every call it makes names a managed
        // prompt (whose messages are then the whole conversation): every binding a prompt, and no
        // canary route to send the case's messages to as a plain chat
        boolean variablesSuffice =
                binds.stream().allMatch(b -> b.kind().equals("prompt"))
                        && (canary == null || canary.routes().isEmpty());
        List<Case> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c =
                    caseOf(
                            cases.get(i),
                            "content.cases[" + i + "]",
                            anyPrompt,
                            anyPolicy,
                            variablesSuffice);
            if (!ids.add(c.id())) {
                throw new ValidationException(
                        "content.cases[" + i + "].id", "Case id '" + c.id() + "' is used twice");
            }
            out.add(c);
        }
        return new GoldenSetContent(List.copyOf(binds), minPassRate, List.copyOf(out));
    }

    private static List<Binding> binds(JsonValue v, Predicate<String> evaluable) {
        if (!(v instanceof JsonArray a) || a.isEmpty() || a.size() > MAX_BINDS) {
            throw new ValidationException(
                    "content.binds",
                    "binds must be an array of 1 to " + MAX_BINDS + " {kind, target}");
        }
        List<Binding> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < a.size(); i++) {
            String p = "content.binds[" + i + "]";
            JsonObject b = object(a.get(i), p);
            onlyFields(b, p, Set.of("kind", "target"));
            String kind = text(b.get("kind"), p + ".kind", 40);
            if (!evaluable.test(kind)) {
                throw new ValidationException(
                        p + ".kind",
                        "A golden set binds a kind that offers evaluation (prompt, policy, route);"
                                + " '"
                                + kind
                                + "' does not");
            }
            String target = text(b.get("target"), p + ".target", 200);
            Binding binding = new Binding(kind, target);
            if (!seen.add(binding.key())) {
                throw new ValidationException(p, p + " binds " + binding.key() + " twice");
            }
            out.add(binding);
        }
        return out;
    }

    private static Case caseOf(
            JsonValue v, String p, boolean prompt, boolean policy, boolean variablesSuffice) {
        JsonObject c = object(v, p);
        onlyFields(c, p, Set.of("id", "input", "expect", "source"));
        String id = text(c.get("id"), p + ".id", 64);
        if (!CASE_ID.matcher(id).matches()) {
            throw new ValidationException(p + ".id", p + ".id must match " + CASE_ID.pattern());
        }
        JsonObject input = object(c.get("input"), p + ".input");
        onlyFields(input, p + ".input", Set.of("variables", "messages", "model"));
        JsonObject variables = null;
        JsonValue vars = input.get("variables");
        if (vars != null && vars != JsonValue.NULL) {
            variables = object(vars, p + ".input.variables");
        }
        JsonArray messages = null;
        JsonValue msgs = input.get("messages");
        if (msgs != null && msgs != JsonValue.NULL) {
            messages = messages(msgs, p + ".input.messages");
        }
        if (messages == null && !(variablesSuffice && variables != null)) {
            // a prompt's messages come before the case's own; given its variables alone, the
            // prompt's rendered messages are the whole conversation (only where every call names
            // the prompt: a route or policy binding, or a canary's route, sends the case's own)
            throw new ValidationException(
                    p + ".input.messages",
                    variablesSuffice
                            ? p
                                    + ".input.messages or .input.variables is required (a"
                                    + " prompt's messages come before the case's own)"
                            : p
                                    + ".input.messages is required (a set binding a policy or a"
                                    + " route, or a canary watching routes, sends the case's"
                                    + " own messages)");
        }
        String model = null;
        JsonValue m = input.get("model");
        if (m != null && m != JsonValue.NULL) {
            model = text(m, p + ".input.model", 256);
        }
        if (policy && model == null) {
            throw new ValidationException(
                    p + ".input.model",
                    "A case of a set binding a policy names its model (the route alias to call)");
        }
        if (prompt && model != null) {
            throw new ValidationException(
                    p + ".input.model",
                    "A case of a set binding a prompt runs over the prompt's own route; leave model"
                            + " out");
        }
        JsonValue s = c.get("source");
        if (s != null && s != JsonValue.NULL) {
            object(s, p + ".source");
        }
        if (!(c.get("expect") instanceof JsonArray expect)
                || expect.isEmpty()
                || expect.size() > MAX_EXPECT) {
            throw new ValidationException(
                    p + ".expect",
                    p + ".expect must be an array of 1 to " + MAX_EXPECT + " expectations");
        }
        for (int i = 0; i < expect.size(); i++) {
            expectation(expect.get(i), p + ".expect[" + i + "]");
        }
        return new Case(id, variables, messages, model, expect);
    }

    private static void expectation(JsonValue v, String p) {
        JsonObject e = object(v, p);
        String type = text(e.get("type"), p + ".type", 20);
        switch (type) {
            case "contains", "not_contains" -> {
                onlyFields(e, p, Set.of("type", "value"));
                text(e.get("value"), p + ".value", MAX_TEXT);
            }
            case "regex" -> {
                onlyFields(e, p, Set.of("type", "pattern"));
                String pattern = text(e.get("pattern"), p + ".pattern", MAX_PATTERN);
                try {
                    LinearRegex.compile(pattern); // RE2 syntax, bounded size: linear matching
                } catch (LinearRegex.Refused x) {
                    throw new ValidationException(
                            p + ".pattern",
                            p
                                    + ".pattern is refused: "
                                    + x.getMessage()
                                    + " (regex expectations are RE2 syntax: no lookaround, no"
                                    + " backreferences, counts up to 1000)");
                }
            }
            case "json_schema" -> {
                onlyFields(e, p, Set.of("type", "schema"));
                JsonSchemaSubset.check(object(e.get("schema"), p + ".schema"), p + ".schema");
            }
            case "similarity" -> {
                onlyFields(e, p, Set.of("type", "reference", "route", "threshold"));
                text(e.get("reference"), p + ".reference", MAX_TEXT);
                text(e.get("route"), p + ".route", 256);
                fraction(e.get("threshold"), p + ".threshold");
            }
            case "policy" -> {
                onlyFields(e, p, Set.of("type", "outcome"));
                String outcome = text(e.get("outcome"), p + ".outcome", 20);
                if (!POLICY_OUTCOMES.contains(outcome)) {
                    throw new ValidationException(
                            p + ".outcome", p + ".outcome is allowed, redacted or denied");
                }
            }
            case "judge" -> {
                onlyFields(e, p, Set.of("type", "route", "rubric", "threshold"));
                text(e.get("route"), p + ".route", 256);
                text(e.get("rubric"), p + ".rubric", MAX_TEXT);
                fraction(e.get("threshold"), p + ".threshold");
            }
            default ->
                    throw new ValidationException(
                            p + ".type",
                            "Unknown expectation type '"
                                    + type
                                    + "'; known: "
                                    + String.join(", ", new java.util.TreeSet<>(TYPES)));
        }
    }

    private static JsonArray messages(JsonValue v, String p) {
        if (!(v instanceof JsonArray a) || a.isEmpty() || a.size() > MAX_MESSAGES) {
            throw new ValidationException(
                    p, p + " must be an array of 1 to " + MAX_MESSAGES + " {role, content}");
        }
        for (int i = 0; i < a.size(); i++) {
            String mp = p + "[" + i + "]";
            JsonObject m = object(a.get(i), mp);
            onlyFields(m, mp, Set.of("role", "content"));
            String role = text(m.get("role"), mp + ".role", 20);
            if (!ROLES.contains(role)) {
                throw new ValidationException(
                        mp + ".role",
                        mp + ".role must be one of system, developer, user, assistant");
            }
            text(m.get("content"), mp + ".content", 100_000);
        }
        return a;
    }

    static void onlyFields(JsonObject o, String p, Set<String> allowed) {
        for (String f : o.keySet()) {
            if (!allowed.contains(f)) {
                throw new ValidationException(
                        p + "." + f,
                        "Unknown field '"
                                + f
                                + "' in "
                                + p
                                + "; allowed: "
                                + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    static JsonObject object(JsonValue v, String p) {
        if (!(v instanceof JsonObject o)) {
            throw new ValidationException(p, p + " must be a JSON object");
        }
        return o;
    }

    static String text(JsonValue v, String p, int max) {
        if (!(v instanceof JsonString s) || s.getString().isBlank()) {
            throw new ValidationException(p, p + " is required (a non-empty text)");
        }
        if (s.getString().length() > max) {
            throw new ValidationException(p, p + " is at most " + max + " characters");
        }
        return s.getString();
    }

    static double fraction(JsonValue v, String p) {
        if (!(v instanceof JsonNumber n)) {
            throw new ValidationException(p, p + " is required (a number from 0 to 1)");
        }
        BigDecimal d = n.bigDecimalValue();
        if (d.compareTo(BigDecimal.ZERO) < 0 || d.compareTo(BigDecimal.ONE) > 0) {
            throw new ValidationException(p, p + " must be from 0 to 1");
        }
        return d.doubleValue();
    }
}
