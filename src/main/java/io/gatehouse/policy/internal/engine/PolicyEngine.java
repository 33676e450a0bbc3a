package io.gatehouse.policy.internal.engine;

import dev.cel.runtime.CelVariableResolver;
import io.gatehouse.routing.stage.ProviderTarget;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Evaluates policies in order of precedence (docs/policy.md): global policies before the tenant's;
 * inside a policy its rules top to bottom, where a matching {@code allow} or {@code deny} ends that
 * policy; across policies a deny anywhere wins (a tenant's allow never overrides a global deny),
 * redactions and flags add up, provider restrictions all apply, the highest classification counts.
 * Shadow policies are evaluated the same way into a separate decision that is recorded, never
 * enforced.
 */
public final class PolicyEngine {
    /** The enforced decision and what shadow policies would have decided. */
    public record Evaluation(Decision enforced, Decision shadow) {}

    private PolicyEngine() {}

    public static Evaluation evaluate(
            List<CompiledPolicy> policies, RequestFacts facts, PolicyRule.Stage stage) {
        return evaluate(policies, facts, stage, Map.of());
    }

    /**
     * @param guards each policy's guard verdicts (input stage; by identity of the policy): rules
     *     read their own policy's guards as {@code guard.<name>}
     */
    public static Evaluation evaluate(
            List<CompiledPolicy> policies,
            RequestFacts facts,
            PolicyRule.Stage stage,
            Map<CompiledPolicy, Map<String, GuardResult>> guards) {
        Decision enforced = new Decision();
        Decision shadow = null; // most tenants have no shadow policy: then NO_SHADOW
        RequestFacts.Variables ctx = facts.variables(stage);
        for (CompiledPolicy p : policies) {
            Decision d;
            if (p.document().shadow()) {
                d = shadow == null ? (shadow = new Decision()) : shadow;
            } else {
                d = enforced;
            }
            if (d.denied) {
                continue; // the decision is made; later policies cannot undo a deny
            }
            Map<String, GuardResult> own = guards.get(p);
            if (own == null || own.isEmpty()) {
                evaluatePolicy(p, ctx, facts, stage, d);
                continue;
            }
            if (guardErrors(p, own, d)) {
                continue;
            }
            Map<String, Object> values = new HashMap<>();
            own.forEach((name, r) -> values.put(name, r.celValue()));
            CelVariableResolver withGuards =
                    name -> name.equals("guard") ? Optional.of(values) : ctx.find(name);
            evaluatePolicy(p, withGuards, facts, stage, d);
        }
        return new Evaluation(enforced, shadow == null ? NO_SHADOW : shadow);
    }

    /**
     * The shadow decision when no shadow policy took part: empty, and never changed (only this
     * class changes decisions, and only those it creates in {@link #evaluate}).
     */
    private static final Decision NO_SHADOW = new Decision();

    /**
     * Applies each failed guard's {@code onError}: {@code deny} refuses the request (the policy
     * cannot be shown to hold), {@code flag} records a flag, {@code allow} lets the rules see score
     * 0. True when the policy's evaluation ends here.
     */
    private static boolean guardErrors(CompiledPolicy p, Map<String, GuardResult> own, Decision d) {
        for (var e : own.entrySet()) {
            GuardResult r = e.getValue();
            if (!r.error()) {
                continue;
            }
            String where = p.version() + "/guard." + e.getKey();
            d.errors.add(where + ": " + r.errorKind());
            switch (r.spec().onError()) {
                case DENY -> {
                    d.denied = true;
                    d.guardUnavailable = true;
                    d.denyCode = "guard_unavailable";
                    d.denyMessage =
                            "A guard model could not check the request; the request was not sent";
                    d.denyRule = where;
                    d.versions.add(p.version());
                    return true;
                }
                case FLAG -> d.flags.add("guard_error." + e.getKey());
                case ALLOW -> {}
            }
        }
        return false;
    }

    private static void evaluatePolicy(
            CompiledPolicy p,
            CelVariableResolver ctx,
            RequestFacts facts,
            PolicyRule.Stage stage,
            Decision d) {
        boolean any = false;
        for (PolicyRule rule : p.document().rules()) {
            if (!rule.appliesTo(stage)) {
                continue;
            }
            any = true;
            CelVariableResolver ruleCtx = ctx;
            if (!rule.tools().isEmpty()) {
                // scoped to tools: only when they have traffic, seeing only their findings
                if (!facts.tools().touches(rule.tools())) {
                    continue;
                }
                RequestFacts.Variables scoped = facts.scopedTo(rule.tools()).variables(stage);
                ruleCtx = name -> name.equals("entities") ? scoped.find(name) : ctx.find(name);
            }
            boolean matches;
            try {
                matches = p.conditions().get(rule.id()).test(ruleCtx);
            } catch (CelRules.RuleEvaluationException e) {
                d.errors.add(p.version() + "/" + rule.id() + ": " + shorten(e.getMessage()));
                if (p.document().failOpen()) {
                    continue;
                }
                // Fail closed: the request cannot be shown to satisfy the policy.
                if (!d.denied) {
                    d.denied = true;
                    d.failedClosed = true;
                    d.denyCode = "policy_evaluation_failed";
                    d.denyMessage = "The request could not be checked against policy";
                    d.denyRule = p.version() + "/" + rule.id();
                }
                d.versions.add(p.version());
                return;
            }
            if (!matches) {
                continue;
            }
            d.matched.add(p.version() + "/" + rule.id() + ":" + rule.action().wireName());
            switch (rule.action()) {
                case ALLOW -> {
                    d.versions.add(p.version());
                    return;
                }
                case DENY -> {
                    if (!d.denied) {
                        d.denied = true;
                        d.denyCode = rule.code();
                        d.denyMessage = rule.message();
                        d.denyRule = p.version() + "/" + rule.id();
                    }
                    d.versions.add(p.version());
                    return;
                }
                case REDACT -> {
                    if (rule.tools().isEmpty()) {
                        d.redact.addAll(rule.entities());
                    } else {
                        for (String t : rule.tools()) {
                            d.toolRedact
                                    .computeIfAbsent(t, k -> new java.util.LinkedHashSet<>())
                                    .addAll(rule.entities());
                        }
                    }
                }
                case FLAG -> d.flags.add(rule.flag());
                case CLASSIFY -> d.classification = Math.max(d.classification, rule.level());
                case RESTRICT_PROVIDERS ->
                        d.restrictions.add(
                                new Decision.Restriction(
                                        p.version() + "/" + rule.id(),
                                        providerFilter(p, rule, ctx, d)));
            }
        }
        if (any) {
            d.versions.add(p.version());
        }
    }

    private static Predicate<ProviderTarget> providerFilter(
            CompiledPolicy p, PolicyRule rule, CelVariableResolver ctx, Decision d) {
        CelRules.Condition cel = p.providerConditions().get(rule.id());
        List<String> regions = rule.regions();
        Integer minClearance = rule.minClearance();
        boolean failOpen = p.document().failOpen();
        return target -> {
            if (minClearance != null && target.clearance() < minClearance) {
                return false;
            }
            if (!regions.isEmpty()
                    && regions.stream().noneMatch(r -> regionMatches(r, target.region()))) {
                return false;
            }
            if (cel == null) {
                return true;
            }
            Map<String, Object> provider =
                    Map.of(
                            "name", nz(target.provider()),
                            "model", nz(target.model()),
                            "region", nz(target.region()),
                            "clearance", (long) target.clearance());
            CelVariableResolver withProvider =
                    name -> name.equals("provider") ? Optional.of(provider) : ctx.find(name);
            try {
                return cel.test(withProvider);
            } catch (CelRules.RuleEvaluationException e) {
                return failOpen;
            }
        };
    }

    static boolean regionMatches(String pattern, String region) {
        if (region == null) {
            return false;
        }
        if (pattern.endsWith("*")) {
            return region.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return region.equals(pattern);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String shorten(String s) {
        String one = String.valueOf(s).replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 200) : one;
    }
}
