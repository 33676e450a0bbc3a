package io.gatehouse.policy.internal.engine;

import io.gatehouse.policy.internal.detect.EntityType;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a policy's JSON content, checks every field (CEL included), and writes it back normalized
 * with defaults filled. Errors name the field, e.g. {@code content.rules[2].condition}.
 *
 * <p>Long on purpose: one checker per field of the policy document, so that every error names its
 * field.
 */
public final class PolicyParser {
    private static final Pattern RULE_ID = Pattern.compile("[a-z0-9][a-z0-9._\\-]{0,63}");
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{2,63}");
    private static final int MAX_RULES = 200;

    /** A tool's name as chat validates it. */
    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    static final int MAX_RULE_TOOLS = 64;
    private static final Pattern GUARD_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    static final int MAX_GUARDS = 4;
    static final int MAX_GUARD_TIMEOUT_MS = 5000;
    private static final Set<String> GUARD_FIELDS =
            Set.of(
                    "route",
                    "kind",
                    "timeoutMs",
                    "onError",
                    "messages",
                    "cacheSeconds",
                    "maxChars",
                    "positiveLabels",
                    "rubric",
                    "labels");

    private PolicyParser() {}

    /**
     * The parsed document; every condition compiles and stays within the evaluation bounds in the
     * worst case (throws ValidationException otherwise). For new content: drafts and changes.
     */
    public static PolicyDocument parse(JsonObject content) {
        return parse(content, true);
    }

    /**
     * A stored version, without the worst-case check: a version published before the check existed
     * must still load (the run-time bounds apply to it), or its tenant's requests would all fail.
     */
    public static PolicyDocument parseStored(JsonObject content) {
        return parse(content, false);
    }

    private static PolicyDocument parse(JsonObject content, boolean bounded) {
        if (content == null) {
            throw new ValidationException("content", "A policy needs content");
        }
        String mode = string(content, "mode", "enforce", "content.mode");
        if (!mode.equals("enforce") && !mode.equals("shadow")) {
            throw new ValidationException("content.mode", "mode must be enforce or shadow");
        }
        String onError = string(content, "onError", "fail_closed", "content.onError");
        if (!onError.equals("fail_closed") && !onError.equals("fail_open")) {
            throw new ValidationException(
                    "content.onError", "onError must be fail_closed or fail_open");
        }
        JsonValue rulesValue = content.get("rules");
        if (!(rulesValue instanceof JsonArray rules)) {
            throw new ValidationException("content.rules", "rules must be a list");
        }
        if (rules.size() > MAX_RULES) {
            throw new ValidationException("content.rules", "at most " + MAX_RULES + " rules");
        }
        List<PolicyRule> parsed = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            String at = "content.rules[" + i + "]";
            if (!(rules.get(i) instanceof JsonObject r)) {
                throw new ValidationException(at, "a rule must be an object");
            }
            PolicyRule rule = rule(r, at, bounded);
            if (!ids.add(rule.id())) {
                throw new ValidationException(at + ".id", "duplicate rule id " + rule.id());
            }
            parsed.add(rule);
        }
        Map<String, GuardSpec> guards = guards(content.get("guards"));
        for (int i = 0; i < parsed.size(); i++) {
            checkGuardReferences(parsed.get(i), guards, "content.rules[" + i + "]");
        }
        return new PolicyDocument(
                string(content, "description", "", "content.description"),
                mode.equals("shadow"),
                onError.equals("fail_open"),
                parsed,
                guards);
    }

    private static Map<String, GuardSpec> guards(JsonValue value) {
        Map<String, GuardSpec> out = new LinkedHashMap<>();
        if (value == null || value == JsonValue.NULL) {
            return out;
        }
        if (!(value instanceof JsonObject guards)) {
            throw new ValidationException("content.guards", "guards must be an object by name");
        }
        if (guards.size() > MAX_GUARDS) {
            throw new ValidationException("content.guards", "at most " + MAX_GUARDS + " guards");
        }
        for (var e : guards.entrySet()) {
            String at = "content.guards." + e.getKey();
            if (!GUARD_NAME.matcher(e.getKey()).matches()) {
                throw new ValidationException(
                        "content.guards", "guard name must match " + GUARD_NAME.pattern());
            }
            if (!(e.getValue() instanceof JsonObject g)) {
                throw new ValidationException(at, "a guard must be an object");
            }
            out.put(e.getKey(), guard(e.getKey(), g, at));
        }
        return out;
    }

    private static GuardSpec guard(String name, JsonObject g, String at) {
        for (String field : g.keySet()) {
            if (!GUARD_FIELDS.contains(field)) {
                throw new ValidationException(
                        at + "." + field, "unknown guard field; known: " + GUARD_FIELDS);
            }
        }
        String route = string(g, "route", null, at + ".route");
        if (route == null || route.isBlank() || route.length() > 128) {
            throw new ValidationException(at + ".route", "route must name a route (1..128)");
        }
        String kind = string(g, "kind", null, at + ".kind");
        if (kind == null || !Set.of("classifier", "moderation", "judge").contains(kind)) {
            throw new ValidationException(
                    at + ".kind", "kind must be classifier, moderation or judge");
        }
        int timeoutMs = integer(g, "timeoutMs", 1000, 10, MAX_GUARD_TIMEOUT_MS, at);
        String onError = string(g, "onError", "deny", at + ".onError");
        GuardSpec.OnError mode =
                switch (onError) {
                    case "allow" -> GuardSpec.OnError.ALLOW;
                    case "deny" -> GuardSpec.OnError.DENY;
                    case "flag" -> GuardSpec.OnError.FLAG;
                    default ->
                            throw new ValidationException(
                                    at + ".onError", "onError must be allow, deny or flag");
                };
        String messages = string(g, "messages", "user", at + ".messages");
        if (!messages.equals("user") && !messages.equals("all")) {
            throw new ValidationException(at + ".messages", "messages must be user or all");
        }
        int cacheSeconds = integer(g, "cacheSeconds", 300, 0, 3600, at);
        int maxChars = integer(g, "maxChars", 20_000, 1, 100_000, at);
        List<String> positive = labels(g, "positiveLabels", at);
        String rubric = string(g, "rubric", null, at + ".rubric");
        List<String> labels = labels(g, "labels", at);
        if (kind.equals("classifier") && positive.isEmpty()) {
            throw new ValidationException(
                    at + ".positiveLabels",
                    "a classifier guard needs positiveLabels (the labels that mean unwanted)");
        }
        if (!kind.equals("classifier") && g.containsKey("positiveLabels")) {
            throw new ValidationException(
                    at + ".positiveLabels", "positiveLabels applies to classifier guards only");
        }
        if (kind.equals("judge")) {
            if (rubric == null || rubric.isBlank() || rubric.length() > 4000) {
                throw new ValidationException(
                        at + ".rubric", "a judge guard needs a rubric of 1..4000 characters");
            }
        } else if (rubric != null || g.containsKey("labels")) {
            throw new ValidationException(
                    at + (rubric != null ? ".rubric" : ".labels"),
                    "rubric and labels apply to judge guards only");
        }
        return new GuardSpec(
                name,
                route,
                kind,
                timeoutMs,
                mode,
                messages,
                cacheSeconds,
                maxChars,
                positive,
                rubric,
                labels);
    }

    /** A rule may read only declared guards, and only at the input stage (they see the prompt). */
    private static void checkGuardReferences(
            PolicyRule rule, Map<String, GuardSpec> guards, String at) {
        Set<String> refs = guardsUsed(rule);
        if (refs.isEmpty()) {
            return;
        }
        if (rule.appliesTo(PolicyRule.Stage.OUTPUT)) {
            throw new ValidationException(
                    at + ".stage",
                    "a rule reading guard applies to the input stage only (guards classify the"
                            + " request's messages)");
        }
        for (String name : refs) {
            if (name.equals(CelRules.ANY_GUARD) ? guards.isEmpty() : !guards.containsKey(name)) {
                throw new ValidationException(
                        at + ".condition",
                        "the rule reads "
                                + (name.equals(CelRules.ANY_GUARD) ? "guard" : "guard." + name)
                                + ", which content.guards does not declare; declared: "
                                + guards.keySet());
            }
        }
    }

    /** The guards a rule reads (condition and provider expression); may hold ANY_GUARD. */
    static Set<String> guardsUsed(PolicyRule rule) {
        Set<String> refs = new java.util.TreeSet<>();
        try {
            refs.addAll(CelRules.guardReferences(rule.condition()));
            if (rule.providers() != null) {
                refs.addAll(CelRules.guardReferences(rule.providers()));
            }
        } catch (CelRules.CompileException e) {
            throw new IllegalStateException("validated rule did not compile: " + e.getMessage());
        }
        return refs;
    }

    /** The guards to call for a document's input rules, in declaration order. */
    public static List<GuardSpec> inputGuards(PolicyDocument doc) {
        Set<String> refs = new java.util.HashSet<>();
        for (PolicyRule r : doc.rules()) {
            if (r.appliesTo(PolicyRule.Stage.INPUT)) {
                refs.addAll(guardsUsed(r));
            }
        }
        boolean any = refs.contains(CelRules.ANY_GUARD);
        return doc.guards().values().stream().filter(g -> any || refs.contains(g.name())).toList();
    }

    private static int integer(JsonObject o, String field, int dflt, int min, int max, String at) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return dflt;
        }
        if (!(v instanceof JsonNumber n)
                || !n.isIntegral()
                || n.longValue() < min
                || n.longValue() > max) {
            throw new ValidationException(
                    at + "." + field, field + " must be an integer " + min + ".." + max);
        }
        return n.intValue();
    }

    private static List<String> labels(JsonObject o, String field, String at) {
        List<String> labels = strings(o, field, at + "." + field);
        if (labels.size() > 16 || labels.stream().anyMatch(l -> l.isBlank() || l.length() > 64)) {
            throw new ValidationException(
                    at + "." + field, field + " must be at most 16 labels of 1..64 characters");
        }
        return List.copyOf(new LinkedHashSet<>(labels));
    }

    private static PolicyRule rule(JsonObject r, String at, boolean bounded) {
        String id = string(r, "id", null, at + ".id");
        if (id == null || !RULE_ID.matcher(id).matches()) {
            throw new ValidationException(at + ".id", "id must match " + RULE_ID.pattern());
        }
        String condition = string(r, "condition", "true", at + ".condition");
        checkCel(condition, bounded, at + ".condition");
        String actionName = string(r, "action", null, at + ".action");
        PolicyRule.Action action;
        try {
            action = PolicyRule.Action.valueOf(String.valueOf(actionName).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    at + ".action",
                    "action must be allow, deny, redact, restrict_providers, flag or classify");
        }
        String stage = string(r, "stage", "input", at + ".stage");
        Set<PolicyRule.Stage> stages =
                switch (stage) {
                    case "input" -> EnumSet.of(PolicyRule.Stage.INPUT);
                    case "output" -> EnumSet.of(PolicyRule.Stage.OUTPUT);
                    case "both" -> EnumSet.allOf(PolicyRule.Stage.class);
                    default ->
                            throw new ValidationException(
                                    at + ".stage", "stage must be input, output or both");
                };
        if (stages.contains(PolicyRule.Stage.OUTPUT)
                && (action == PolicyRule.Action.RESTRICT_PROVIDERS
                        || action == PolicyRule.Action.CLASSIFY)) {
            throw new ValidationException(
                    at + ".stage", action.wireName() + " applies to the input stage only");
        }
        List<String> tools = tools(r, action, at);
        String message = null;
        String code = null;
        Set<String> entities = Set.of();
        String providers = null;
        List<String> regions = List.of();
        Integer minClearance = null;
        String flag = null;
        int level = 0;
        switch (action) {
            case DENY -> {
                message = string(r, "message", "The request was denied by policy", at + ".message");
                code = string(r, "code", "policy_denied", at + ".code");
                if (!CODE.matcher(code).matches()) {
                    throw new ValidationException(
                            at + ".code", "code must match " + CODE.pattern());
                }
                if (message.isBlank() || message.length() > 500) {
                    throw new ValidationException(
                            at + ".message", "message must have 1..500 characters");
                }
            }
            case REDACT -> {
                entities = new LinkedHashSet<>(strings(r, "entities", at + ".entities"));
                if (entities.isEmpty()) {
                    throw new ValidationException(at + ".entities", "redact needs entity types");
                }
                for (String e : entities) {
                    if (EntityType.fromWireName(e).isEmpty()) {
                        throw new ValidationException(
                                at + ".entities",
                                "unknown entity type " + e + "; known: " + EntityType.wireNames());
                    }
                }
            }
            case RESTRICT_PROVIDERS -> {
                providers = string(r, "providers", null, at + ".providers");
                if (providers != null) {
                    checkCel(providers, bounded, at + ".providers");
                }
                regions = strings(r, "regions", at + ".regions");
                if (r.containsKey("minClearance")) {
                    minClearance = level(r, "minClearance", at);
                }
                if (providers == null && regions.isEmpty() && minClearance == null) {
                    throw new ValidationException(
                            at,
                            "restrict_providers needs providers (CEL), regions or minClearance");
                }
            }
            case FLAG -> {
                flag = string(r, "flag", id, at + ".flag");
                if (!RULE_ID.matcher(flag).matches()) {
                    throw new ValidationException(
                            at + ".flag", "flag must match " + RULE_ID.pattern());
                }
            }
            case CLASSIFY -> level = level(r, "level", at);
            case ALLOW -> {}
        }
        return new PolicyRule(
                id,
                string(r, "description", "", at + ".description"),
                condition,
                action,
                stages,
                message,
                code,
                Set.copyOf(entities),
                providers,
                List.copyOf(regions),
                minClearance,
                flag,
                level,
                tools);
    }

    /**
     * A rule's {@code tools} scope: absent, or 1..64 distinct tool names; only for deny, redact and
     * flag (an allow scoped to a tool would end the whole policy for every message, a provider
     * restriction or classification is about the request, not a tool).
     */
    private static List<String> tools(JsonObject r, PolicyRule.Action action, String at) {
        if (!r.containsKey("tools")) {
            return List.of();
        }
        List<String> tools = strings(r, "tools", at + ".tools");
        if (tools.isEmpty() || tools.size() > MAX_RULE_TOOLS) {
            throw new ValidationException(
                    at + ".tools",
                    "tools must list 1.."
                            + MAX_RULE_TOOLS
                            + " tool names (omit it for a rule"
                            + " over the whole request)");
        }
        for (String t : tools) {
            if (!TOOL_NAME.matcher(t).matches()) {
                throw new ValidationException(
                        at + ".tools", "tool name " + t + " must match " + TOOL_NAME.pattern());
            }
        }
        if (new LinkedHashSet<>(tools).size() != tools.size()) {
            throw new ValidationException(at + ".tools", "tools lists a name twice");
        }
        if (action != PolicyRule.Action.DENY
                && action != PolicyRule.Action.REDACT
                && action != PolicyRule.Action.FLAG) {
            throw new ValidationException(
                    at + ".tools",
                    "a rule scoped to tools must be deny, redact or flag, not "
                            + action.wireName());
        }
        return List.copyOf(tools);
    }

    /** The content as stored: defaults filled, unknown fields dropped. */
    public static JsonObject normalize(JsonObject content) {
        PolicyDocument doc = parse(content);
        JsonArrayBuilder rules = Json.createArrayBuilder();
        for (PolicyRule r : doc.rules()) {
            JsonObjectBuilder b =
                    Json.createObjectBuilder()
                            .add("id", r.id())
                            .add("description", r.description())
                            .add("condition", r.condition())
                            .add("action", r.action().wireName())
                            .add(
                                    "stage",
                                    r.stages().size() == 2
                                            ? "both"
                                            : r.stages().iterator().next().wireName());
            if (!r.tools().isEmpty()) {
                b.add("tools", Json.createArrayBuilder(r.tools()));
            }
            switch (r.action()) {
                case DENY -> b.add("message", r.message()).add("code", r.code());
                case REDACT ->
                        b.add(
                                "entities",
                                Json.createArrayBuilder(r.entities().stream().sorted().toList()));
                case RESTRICT_PROVIDERS -> {
                    if (r.providers() != null) {
                        b.add("providers", r.providers());
                    }
                    if (!r.regions().isEmpty()) {
                        b.add("regions", Json.createArrayBuilder(r.regions()));
                    }
                    if (r.minClearance() != null) {
                        b.add("minClearance", r.minClearance());
                    }
                }
                case FLAG -> b.add("flag", r.flag());
                case CLASSIFY -> b.add("level", r.level());
                case ALLOW -> {}
            }
            rules.add(b);
        }
        JsonObjectBuilder out =
                Json.createObjectBuilder()
                        .add("description", doc.description())
                        .add("mode", doc.shadow() ? "shadow" : "enforce")
                        .add("onError", doc.failOpen() ? "fail_open" : "fail_closed")
                        .add("rules", rules);
        if (!doc.guards().isEmpty()) {
            JsonObjectBuilder guards = Json.createObjectBuilder();
            for (GuardSpec g : doc.guards().values()) {
                JsonObjectBuilder b =
                        Json.createObjectBuilder()
                                .add("route", g.route())
                                .add("kind", g.kind())
                                .add("timeoutMs", g.timeoutMs())
                                .add("onError", g.onError().wireName())
                                .add("messages", g.messages())
                                .add("cacheSeconds", g.cacheSeconds())
                                .add("maxChars", g.maxChars());
                if (g.kind().equals("classifier")) {
                    b.add("positiveLabels", Json.createArrayBuilder(g.positiveLabels()));
                }
                if (g.kind().equals("judge")) {
                    b.add("rubric", g.rubric());
                    if (!g.labels().isEmpty()) {
                        b.add("labels", Json.createArrayBuilder(g.labels()));
                    }
                }
                guards.add(g.name(), b);
            }
            out.add("guards", guards);
        }
        return out.build();
    }

    private static void checkCel(String expression, boolean bounded, String at) {
        try {
            if (bounded) {
                CelRules.compileBounded(expression);
            } else {
                CelRules.compile(expression);
            }
        } catch (CelRules.BoundExceededException e) {
            throw new ValidationException(
                    "cel_bound_exceeded",
                    at,
                    "CEL: " + e.getMessage() + " (see Evaluation bounds in docs/policy.md)");
        } catch (CelRules.CompileException e) {
            throw new ValidationException(at, "CEL: " + e.getMessage());
        }
    }

    private static int level(JsonObject r, String field, String at) {
        JsonValue v = r.get(field);
        if (!(v instanceof JsonNumber n)
                || !n.isIntegral()
                || n.intValue() < 0
                || n.intValue() > 3) {
            throw new ValidationException(
                    at + "." + field,
                    field + " must be 0..3 (public, internal, confidential, restricted)");
        }
        return n.intValue();
    }

    private static String string(JsonObject o, String field, String dflt, String at) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return dflt;
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        throw new ValidationException(at, field + " must be a string");
    }

    private static List<String> strings(JsonObject o, String field, String at) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return List.of();
        }
        if (!(v instanceof JsonArray a)) {
            throw new ValidationException(at, field + " must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonValue e : a) {
            if (!(e instanceof JsonString s)) {
                throw new ValidationException(at, field + " must be a list of strings");
            }
            out.add(s.getString());
        }
        return out;
    }
}
