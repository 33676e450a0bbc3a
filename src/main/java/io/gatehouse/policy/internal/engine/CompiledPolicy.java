package io.gatehouse.policy.internal.engine;

import jakarta.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy version ready to evaluate: its rules with their CEL compiled. Built once per version and
 * cached (compilation costs far more than evaluation).
 *
 * @param name the policy's name
 * @param version the version label recorded with decisions, e.g. {@code pii@v3}
 * @param global true for a platform policy that applies to every tenant
 * @param inputGuards the guards its input rules read: the only ones called for a request
 */
public record CompiledPolicy(
        String name,
        String version,
        boolean global,
        PolicyDocument document,
        Map<String, CelRules.Condition> conditions,
        Map<String, CelRules.Condition> providerConditions,
        List<GuardSpec> inputGuards) {

    public static CompiledPolicy compile(
            String name, String version, boolean global, JsonObject content) {
        PolicyDocument doc = PolicyParser.parseStored(content);
        Map<String, CelRules.Condition> conditions = new HashMap<>();
        Map<String, CelRules.Condition> providers = new HashMap<>();
        try {
            for (PolicyRule r : doc.rules()) {
                conditions.put(r.id(), CelRules.compile(r.condition()));
                if (r.providers() != null) {
                    providers.put(r.id(), CelRules.compile(r.providers()));
                }
            }
        } catch (CelRules.CompileException e) {
            throw new IllegalStateException("validated policy did not compile: " + e.getMessage());
        }
        return new CompiledPolicy(
                name,
                version,
                global,
                doc,
                Map.copyOf(conditions),
                Map.copyOf(providers),
                PolicyParser.inputGuards(doc));
    }
}
