package io.gatehouse.policy.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.policy.internal.engine.PolicyParser;
import io.gatehouse.policy.internal.persistence.JpaPolicyVersions;
import io.gatehouse.policy.internal.persistence.PolicyVersionEntity;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.DemoTenantReady;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import java.util.logging.Logger;

/**
 * Demo mode: the demo policy of PRODUCT.md for tenant {@code demo} (redact e-mail addresses and
 * payment card numbers, deny requests carrying credentials, flag an injection score of 0.5 or more
 * without blocking), published once as version 1 and recorded in the audit trail as seed. Runs on
 * {@link DemoTenantReady}, after the edge has seeded the tenant.
 */
@ApplicationScoped
public class DemoPolicySeed {
    private static final Logger LOG = Logger.getLogger(DemoPolicySeed.class.getName());
    static final String NAME = "demo";

    @Inject JpaPolicyVersions versions;
    @Inject AuditRecorder audit;
    @Inject ChangeFeed feed;

    /** The demo policy's content (also what docs/policy.md shows). */
    public static JsonObject demoPolicy() {
        return PolicyParser.normalize(
                Json.createObjectBuilder()
                        .add(
                                "description",
                                "Demo: redact e-mail addresses and payment card numbers; deny credentials; flag likely prompt injection")
                        .add("mode", "enforce")
                        .add("onError", "fail_closed")
                        .add(
                                "rules",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("id", "deny-credentials")
                                                        .add(
                                                                "description",
                                                                "Credentials (cloud keys, tokens, private keys, passwords) never leave")
                                                        .add(
                                                                "condition",
                                                                "entities.secret.count > 0")
                                                        .add("action", "deny")
                                                        .add("code", "credentials_in_prompt")
                                                        .add(
                                                                "message",
                                                                "The request carries credentials; remove them and retry"))
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("id", "redact-pii")
                                                        .add(
                                                                "description",
                                                                "E-mail addresses and card numbers are masked, in prompts and answers")
                                                        .add(
                                                                "condition",
                                                                "entities.email.count + entities.card.count > 0")
                                                        .add("action", "redact")
                                                        .add(
                                                                "entities",
                                                                Json.createArrayBuilder()
                                                                        .add("email")
                                                                        .add("card"))
                                                        .add("stage", "both"))
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("id", "flag-injection")
                                                        .add(
                                                                "description",
                                                                "Likely prompt injection is flagged in the audit trail, not blocked (a heuristic score)")
                                                        .add("condition", "injection.score >= 0.5")
                                                        .add("action", "flag")
                                                        .add("flag", "possible_injection")
                                                        .add("stage", "both")))
                        .build());
    }

    @Transactional
    void onDemoTenant(@Observes DemoTenantReady ready) {
        TenantId tenant = ready.tenant();
        if (!versions.history(tenant.value(), NAME).isEmpty()) {
            return;
        }
        JsonObject content = demoPolicy();
        PolicyVersionEntity v =
                versions.publish(
                        tenant.value(), NAME, content.toString(), "enforce", null, "seed", false);
        audit.recordInTransaction(
                AuditEvent.of(tenant, "system", "seed", "policy.publish")
                        .target("policy", NAME)
                        .detail("version", v.label())
                        .detail("seed", true)
                        .build());
        feed.publish(PolicyCache.TOPIC, tenant, NAME);
        LOG.info("Demo mode: seeded policy '" + v.label() + "'");
    }
}
