package io.gatehouse.prompts.internal;

import io.gatehouse.prompts.internal.persistence.JpaPrompts;
import io.gatehouse.shared.DemoTenantReady;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.transaction.Transactional;
import java.util.logging.Logger;

/**
 * Demo mode: the prompt {@code support-triage} on label {@code production} for tenant {@code demo}.
 * Seed data is exempt from review and recorded in the audit trail with {@code seed: true}. Runs on
 * {@link DemoTenantReady}, after the edge has seeded the tenant.
 */
@ApplicationScoped
public class DemoPromptSeed {
    private static final Logger LOG = Logger.getLogger(DemoPromptSeed.class.getName());
    static final String NAME = "support-triage";

    @Inject JpaPrompts prompts;
    @Inject PromptRegistry registry;

    @Transactional
    void onDemoTenant(@Observes DemoTenantReady ready) {
        TenantId demoTenant = ready.tenant();
        if (prompts.find(demoTenant.value(), NAME).isPresent()) {
            return;
        }
        registry.apply(
                demoTenant,
                NAME,
                content(),
                null,
                new PromptRegistry.Publisher("system", "seed", true));
        LOG.info("Demo mode: seeded prompt '" + NAME + "' at label production");
    }

    static PromptContent content() {
        return PromptContent.parse(
                Json.createObjectBuilder()
                        .add(
                                "messages",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("role", "system")
                                                        .add(
                                                                "content",
                                                                "You triage support requests for {{product}}. Classify the customer's"
                                                                        + " message as billing, technical, account or other, and give one"
                                                                        + " sentence of reasoning. Answer in {{language}}.")))
                        .add(
                                "variables",
                                Json.createObjectBuilder()
                                        .add("type", "object")
                                        .add(
                                                "properties",
                                                Json.createObjectBuilder()
                                                        .add(
                                                                "product",
                                                                Json.createObjectBuilder()
                                                                        .add("type", "string")
                                                                        .add("maxLength", 100))
                                                        .add(
                                                                "language",
                                                                Json.createObjectBuilder()
                                                                        .add("type", "string")
                                                                        .add(
                                                                                "enum",
                                                                                Json
                                                                                        .createArrayBuilder()
                                                                                        .add(
                                                                                                "English")
                                                                                        .add(
                                                                                                "German")
                                                                                        .add(
                                                                                                "French"))
                                                                        .add("default", "English")))
                                        .add("required", Json.createArrayBuilder().add("product")))
                        .add("route", "sandbox")
                        .add("label", "production")
                        .add("parameters", Json.createObjectBuilder().add("temperature", 0))
                        .build());
    }
}
