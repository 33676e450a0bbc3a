package io.gatehouse.policy.internal.engine;

import io.gatehouse.policy.internal.engine.RequestFacts.EntityStat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A stage's tool traffic as rules see it ({@code tools} in CEL, docs/policy.md): the tools the
 * request offers, and the calls and results of the stage (input: the conversation's tool calls and
 * tool results; output: the answer's calls), each with the entities found in its arguments or
 * result. A rule scoped to tools ({@code "tools": [...]}) sees only the findings of those tools.
 *
 * @param offered names of the tools the request offers, in order
 * @param calls tool calls (input: in assistant messages; output: in the answer)
 * @param results tool results (input only), named after the call they answer
 * @param definitions findings in each offered tool's description and schema, by name
 */
public record ToolFacts(
        List<String> offered,
        List<Use> calls,
        List<Use> results,
        Map<String, Map<String, EntityStat>> definitions) {

    public static final ToolFacts NONE = new ToolFacts(List.of(), List.of(), List.of(), Map.of());

    /** One call or result: the tool's name ({@code ""} when unknown) and its findings. */
    public record Use(String name, Map<String, EntityStat> entities) {
        public Use {
            name = name == null ? "" : name;
            entities = Map.copyOf(entities);
        }
    }

    public ToolFacts {
        offered = List.copyOf(offered);
        calls = List.copyOf(calls);
        results = List.copyOf(results);
        definitions = Map.copyOf(definitions);
    }

    /** The same offer, with the answer's calls instead of the conversation's. */
    public ToolFacts forOutput(List<Use> answerCalls) {
        return new ToolFacts(offered, answerCalls, List.of(), Map.of());
    }

    /**
     * Whether a rule's tool name names {@code name}: compared case-folded, as a provider or client
     * may spell a tool's name in another case than the rule (a rule for {@code run_shell} also
     * holds for {@code Run_Shell}).
     */
    static boolean names(Collection<String> ruleNames, String name) {
        for (String n : ruleNames) {
            if (n.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** True when the stage has traffic of one of {@code names}: offered, called or answered. */
    boolean touches(Collection<String> names) {
        for (String d : definitions.keySet()) {
            if (names(names, d)) {
                return true;
            }
        }
        for (Use u : calls) {
            if (names(names, u.name())) {
                return true;
            }
        }
        for (Use u : results) {
            if (names(names, u.name())) {
                return true;
            }
        }
        return false;
    }

    /** The findings of {@code names}' definitions, calls and results together. */
    Map<String, EntityStat> entitiesOf(Collection<String> names) {
        Map<String, EntityStat> m = new HashMap<>();
        for (var d : definitions.entrySet()) {
            if (names(names, d.getKey())) {
                add(m, d.getValue());
            }
        }
        for (Use u : calls) {
            if (names(names, u.name())) {
                add(m, u.entities());
            }
        }
        for (Use u : results) {
            if (names(names, u.name())) {
                add(m, u.entities());
            }
        }
        return m;
    }

    private static void add(Map<String, EntityStat> into, Map<String, EntityStat> more) {
        more.forEach(
                (t, s) -> {
                    EntityStat x = into.getOrDefault(t, EntityStat.NONE);
                    into.put(
                            t,
                            new EntityStat(
                                    x.count() + s.count(), Math.max(x.maxScore(), s.maxScore())));
                });
    }

    /**
     * The CEL value of {@code tools}: names lower-cased, so that a condition comparing names folds
     * case as a rule's {@code tools} scope does ({@code Run_Shell} is {@code run_shell}).
     */
    Map<String, Object> celValue() {
        List<Object> names = new ArrayList<>(offered.size());
        for (String n : offered) {
            names.add(folded(n));
        }
        return Map.of(
                "offered",
                names,
                "count",
                (long) offered.size(),
                "calls",
                uses(calls),
                "results",
                uses(results));
    }

    private static List<Object> uses(List<Use> uses) {
        List<Object> l = new ArrayList<>(uses.size());
        for (Use u : uses) {
            l.add(
                    Map.of(
                            "name",
                            folded(u.name()),
                            "entities",
                            RequestFacts.celEntities(u.entities())));
        }
        return l;
    }

    private static String folded(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
