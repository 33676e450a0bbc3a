package io.gatehouse.policy.internal.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy's content: an ordered list of rules, its mode (enforce or shadow), what happens when
 * evaluation fails (fail closed unless the policy says otherwise), and the model-based guards its
 * rules may read, by name in declaration order.
 */
public record PolicyDocument(
        String description,
        boolean shadow,
        boolean failOpen,
        List<PolicyRule> rules,
        Map<String, GuardSpec> guards) {
    public PolicyDocument {
        rules = List.copyOf(rules);
        guards = Collections.unmodifiableMap(new LinkedHashMap<>(guards));
    }

    public PolicyDocument(
            String description, boolean shadow, boolean failOpen, List<PolicyRule> rules) {
        this(description, shadow, failOpen, rules, Map.of());
    }
}
