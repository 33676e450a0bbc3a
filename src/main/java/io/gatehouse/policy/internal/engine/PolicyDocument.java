package io.gatehouse.policy.internal.engine;

import java.util.List;

/**
 * A policy's content: an ordered list of rules, its mode (enforce or shadow) and what happens when
 * evaluation fails (fail closed unless the policy says otherwise).
 */
public record PolicyDocument(
        String description, boolean shadow, boolean failOpen, List<PolicyRule> rules) {
    public PolicyDocument {
        rules = List.copyOf(rules);
    }
}
