package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.engine.Decision;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TenantLabels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Policy outcomes as counters, per tenant (slug), stage and rule: every enforced rule that matched
 * by its action (deny, redact, flag, ...), and the entity types redacted. Rules are labelled {@code
 * policy/rule} without the version, so a new version of a policy continues the same series. Shadow
 * decisions are not counted (they changed nothing).
 */
@ApplicationScoped
public class PolicyMetrics {
    private static final Metadata RULES =
            Metadata.builder()
                    .withName("gatehouse_policy_rule_matches")
                    .withDescription(
                            "Enforced policy rules that matched, by stage, policy/rule and action")
                    .build();
    private static final Metadata REDACTIONS =
            Metadata.builder()
                    .withName("gatehouse_policy_redactions")
                    .withDescription("Requests or answers redacted, by stage and entity type")
                    .build();

    @Inject MetricRegistry registry;
    @Inject TenantLabels tenants;

    private record Key(TenantId tenant, String stage, String a, String b) {}

    private final Map<Key, Counter> rules = new ConcurrentHashMap<>();
    private final Map<Key, Counter> redactions = new ConcurrentHashMap<>();

    void record(TenantId tenant, String stage, Decision d) {
        for (String m : d.matched()) {
            int colon = m.lastIndexOf(':');
            int slash = m.lastIndexOf('/', colon);
            if (colon < 0 || slash < 0) {
                continue;
            }
            String version = m.substring(0, slash);
            int at = version.lastIndexOf('@');
            String rule = (at < 0 ? version : version.substring(0, at)) + m.substring(slash, colon);
            String action = m.substring(colon + 1);
            rules.computeIfAbsent(
                            new Key(tenant, stage, rule, action),
                            k ->
                                    registry.counter(
                                            RULES,
                                            new Tag("tenant", tenants.labelOf(k.tenant())),
                                            new Tag("stage", k.stage()),
                                            new Tag("rule", k.a()),
                                            new Tag("action", k.b())))
                    .inc();
        }
        for (String entity : d.redact()) {
            redactions
                    .computeIfAbsent(
                            new Key(tenant, stage, entity, null),
                            k ->
                                    registry.counter(
                                            REDACTIONS,
                                            new Tag("tenant", tenants.labelOf(k.tenant())),
                                            new Tag("stage", k.stage()),
                                            new Tag("entity", k.a())))
                    .inc();
        }
    }
}
