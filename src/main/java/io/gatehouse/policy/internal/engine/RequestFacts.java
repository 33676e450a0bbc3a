package io.gatehouse.policy.internal.engine;

import dev.cel.runtime.CelVariableResolver;
import io.gatehouse.policy.internal.detect.EntityType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What rules can see about a request: the documented CEL context (docs/policy.md). Built from a
 * live exchange and its detector findings, or from a recorded request's summary (the test bench).
 */
public record RequestFacts(
        String tenant,
        String key,
        String user,
        String route,
        String operation,
        int classification,
        Map<String, EntityStat> entities,
        double injectionScore,
        List<String> injectionSignals,
        boolean obfuscated,
        long tokens,
        int messageCount,
        List<String> roles,
        Map<String, String> headers,
        List<Map<String, Object>> providers,
        Instant now,
        ToolFacts tools) {

    /** Findings of one entity type: how many, and the highest detector score. */
    public record EntityStat(long count, double maxScore) {
        public static final EntityStat NONE = new EntityStat(0, 0.0);
    }

    public RequestFacts {
        entities = complete(entities);
        headers = Map.copyOf(headers);
        roles = List.copyOf(roles);
        injectionSignals = List.copyOf(injectionSignals);
        providers = List.copyOf(providers);
        tools = tools == null ? ToolFacts.NONE : tools;
    }

    /**
     * Every entity type with no finding: most requests have none, and share this map instead of
     * building an equal one twice per request (input facts, output facts).
     */
    private static final Map<String, EntityStat> NO_ENTITIES = allTypes(Map.of());

    /** Every entity type, in {@link EntityType#wireNames()} order, with its findings or none. */
    private static Map<String, EntityStat> complete(Map<String, EntityStat> found) {
        return found.isEmpty() || found == NO_ENTITIES ? NO_ENTITIES : allTypes(found);
    }

    private static Map<String, EntityStat> allTypes(Map<String, EntityStat> found) {
        Map<String, EntityStat> all = new LinkedHashMap<>();
        for (String t : EntityType.wireNames()) {
            all.put(t, found.getOrDefault(t, EntityStat.NONE));
        }
        return java.util.Collections.unmodifiableMap(all);
    }

    /** A request without tool traffic (the test bench's recorded summaries). */
    public RequestFacts(
            String tenant,
            String key,
            String user,
            String route,
            String operation,
            int classification,
            Map<String, EntityStat> entities,
            double injectionScore,
            List<String> injectionSignals,
            boolean obfuscated,
            long tokens,
            int messageCount,
            List<String> roles,
            Map<String, String> headers,
            List<Map<String, Object>> providers,
            Instant now) {
        this(
                tenant,
                key,
                user,
                route,
                operation,
                classification,
                entities,
                injectionScore,
                injectionSignals,
                obfuscated,
                tokens,
                messageCount,
                roles,
                headers,
                providers,
                now,
                ToolFacts.NONE);
    }

    /**
     * The facts a rule scoped to {@code toolNames} sees: the entities of those tools' traffic only.
     */
    public RequestFacts scopedTo(java.util.Collection<String> toolNames) {
        return new RequestFacts(
                tenant,
                key,
                user,
                route,
                operation,
                classification,
                tools.entitiesOf(toolNames),
                injectionScore,
                injectionSignals,
                obfuscated,
                tokens,
                messageCount,
                roles,
                headers,
                providers,
                now,
                tools);
    }

    public RequestFacts withClassification(int level) {
        return new RequestFacts(
                tenant,
                key,
                user,
                route,
                operation,
                level,
                entities,
                injectionScore,
                injectionSignals,
                obfuscated,
                tokens,
                messageCount,
                roles,
                headers,
                providers,
                now,
                tools);
    }

    /** The same request seen at the output stage: entities of the answer instead of the prompt. */
    public RequestFacts withEntities(
            Map<String, EntityStat> answerEntities, double injection, List<String> signals) {
        return new RequestFacts(
                tenant,
                key,
                user,
                route,
                operation,
                classification,
                answerEntities,
                injection,
                signals,
                false,
                tokens,
                messageCount,
                roles,
                headers,
                providers,
                now,
                tools);
    }

    /** The same request at the output stage: classification now, entities of the answer. */
    public RequestFacts forOutput(
            int level,
            Map<String, EntityStat> answerEntities,
            double injection,
            List<String> signals) {
        return forOutput(level, answerEntities, injection, signals, List.of());
    }

    /**
     * The same request at the output stage with the answer's tool calls ({@code tools.calls});
     * {@code answerEntities} include the calls' findings.
     */
    public RequestFacts forOutput(
            int level,
            Map<String, EntityStat> answerEntities,
            double injection,
            List<String> signals,
            List<ToolFacts.Use> answerCalls) {
        return new RequestFacts(
                tenant,
                key,
                user,
                route,
                operation,
                level,
                answerEntities,
                injection,
                signals,
                false,
                tokens,
                messageCount,
                roles,
                headers,
                providers,
                now,
                tools.forOutput(answerCalls));
    }

    /** The names of the CEL variables (docs/policy.md). */
    static final List<String> VARIABLES =
            List.of(
                    "tenant",
                    "key",
                    "user",
                    "route",
                    "operation",
                    "stage",
                    "classification",
                    "entities",
                    "injection",
                    "tokens",
                    "messages",
                    "time",
                    "headers",
                    "providers",
                    "provider",
                    "guard",
                    "tools");

    /** The CEL variables for {@code stage}. */
    public Map<String, Object> context(PolicyRule.Stage stage) {
        Variables v = variables(stage);
        Map<String, Object> c = new HashMap<>();
        for (String name : VARIABLES) {
            c.put(name, v.value(name));
        }
        return c;
    }

    /**
     * The CEL variables for {@code stage} as CEL resolves them: each is built when a rule first
     * reads it (rules usually read two or three of fifteen), with the same values as {@link
     * #context}.
     */
    public Variables variables(PolicyRule.Stage stage) {
        return new Variables(this, stage);
    }

    // Every entity type is present; most have no finding, and then share this value.
    private static final Map<String, Object> NO_FINDINGS = Map.of("count", 0L, "max_score", 0.0);

    /** Lazily built CEL variables of one evaluation. Not thread-safe (one request, one thread). */
    public static final class Variables implements CelVariableResolver {
        private final RequestFacts f;
        private final PolicyRule.Stage stage;
        private Object entities;
        private Object injection;
        private Object messages;
        private Object time;
        private Object tools;

        Variables(RequestFacts f, PolicyRule.Stage stage) {
            this.f = f;
            this.stage = stage;
        }

        @Override
        public Optional<Object> find(String name) {
            return Optional.ofNullable(value(name));
        }

        Object value(String name) {
            return switch (name) {
                case "tenant" -> nz(f.tenant);
                case "key" -> nz(f.key);
                case "user" -> nz(f.user);
                case "route" -> nz(f.route);
                case "operation" -> nz(f.operation);
                case "stage" -> stage.wireName();
                case "classification" -> (long) f.classification;
                case "entities" -> entities != null ? entities : (entities = entities());
                case "injection" ->
                        injection != null
                                ? injection
                                : (injection =
                                        Map.of(
                                                "score",
                                                f.injectionScore,
                                                "signals",
                                                f.injectionSignals,
                                                "obfuscated",
                                                f.obfuscated));
                case "tokens" -> f.tokens;
                case "messages" ->
                        messages != null
                                ? messages
                                : (messages =
                                        Map.of("count", (long) f.messageCount, "roles", f.roles));
                case "time" -> time != null ? time : (time = time());
                case "headers" -> f.headers;
                case "providers" -> f.providers;
                case "provider" -> Map.of();
                case "guard" -> Map.of(); // each policy sees its own guards (PolicyEngine)
                case "tools" -> tools != null ? tools : (tools = f.tools.celValue());
                default -> null;
            };
        }

        private Map<String, Object> entities() {
            return celEntities(f.entities);
        }

        private Map<String, Object> time() {
            ZonedDateTime t = f.now.atZone(ZoneOffset.UTC);
            return Map.of(
                    "hour", (long) t.getHour(),
                    "minute", (long) t.getMinute(),
                    "weekday", (long) t.getDayOfWeek().getValue(),
                    "epoch_seconds", f.now.getEpochSecond(),
                    "iso", f.now.toString());
        }
    }

    /**
     * Entities as CEL reads them when nothing was found: the same map {@link #celEntities} builds,
     * built once (CEL only reads it; unmodifiable so that nothing else can change it).
     */
    private static final Map<String, Object> NO_CEL_ENTITIES =
            java.util.Collections.unmodifiableMap(celEntitiesOf(Map.of()));

    /** Entities as CEL reads them: every type, each {@code {count, max_score}}. */
    static Map<String, Object> celEntities(Map<String, EntityStat> found) {
        for (EntityStat s : found.values()) {
            if (!s.equals(EntityStat.NONE)) {
                return celEntitiesOf(found);
            }
        }
        return NO_CEL_ENTITIES;
    }

    private static Map<String, Object> celEntitiesOf(Map<String, EntityStat> found) {
        Map<String, Object> ents = new HashMap<>();
        for (String t : EntityType.wireNames()) {
            EntityStat s = found.getOrDefault(t, EntityStat.NONE);
            ents.put(
                    t,
                    s.equals(EntityStat.NONE)
                            ? NO_FINDINGS
                            : Map.of("count", s.count(), "max_score", s.maxScore()));
        }
        return ents;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
