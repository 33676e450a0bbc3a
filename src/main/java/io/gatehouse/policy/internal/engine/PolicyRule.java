package io.gatehouse.policy.internal.engine;

import java.util.List;
import java.util.Set;

/**
 * One rule of a policy: when {@code condition} (CEL, boolean) holds in a stage, do {@code action}.
 *
 * @param stages where the rule applies: {@code input}, {@code output} or both
 * @param message deny: what the client sees
 * @param code deny: the stable error code the client sees
 * @param entities redact: entity types to mask
 * @param providers restrict_providers: CEL over {@code provider} (and the request), may be null
 * @param regions restrict_providers: allowed regions (a trailing {@code *} matches a prefix)
 * @param minClearance restrict_providers: minimum provider clearance, or null
 * @param flag flag: the flag's name
 * @param level classify: the classification to raise to (0..3)
 * @param tools the tools the rule is scoped to (empty: the whole request): it applies only when the
 *     stage has traffic of one of them, sees only their findings, and redacts only in their
 *     arguments and results
 */
public record PolicyRule(
        String id,
        String description,
        String condition,
        Action action,
        Set<Stage> stages,
        String message,
        String code,
        Set<String> entities,
        String providers,
        List<String> regions,
        Integer minClearance,
        String flag,
        int level,
        List<String> tools) {

    public PolicyRule {
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    public enum Action {
        ALLOW,
        DENY,
        REDACT,
        RESTRICT_PROVIDERS,
        FLAG,
        CLASSIFY;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean terminal() {
            return this == ALLOW || this == DENY;
        }
    }

    public enum Stage {
        INPUT,
        OUTPUT;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean appliesTo(Stage stage) {
        return stages.contains(stage);
    }
}
