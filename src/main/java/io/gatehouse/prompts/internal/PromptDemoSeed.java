package io.gatehouse.prompts.internal;

import io.gatehouse.edge.Tenants;
import io.gatehouse.prompts.internal.persistence.JpaPrompts;
import io.gatehouse.shared.SchemaReady;
import io.gatehouse.shared.TenantId;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.json.Json;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Demo mode: the prompt {@code support-triage} on label {@code production} for tenant {@code demo}.
 * Seed data is exempt from review and recorded in the audit trail with {@code seed: true}. Runs
 * after the edge has seeded the tenant (a later observer priority).
 */
@ApplicationScoped
public class PromptDemoSeed {
    private static final Logger LOG = Logger.getLogger(PromptDemoSeed.class.getName());
    static final String NAME = "support-triage";

    @Inject
    @ConfigProperty(name = "gatehouse.demo.enabled", defaultValue = "false")
    boolean demoEnabled;

    @Inject Tenants tenants;
    @Inject JpaPrompts prompts;
    @Inject PromptRegistry registry;

    @Transactional
    void onSchemaReady(
            @Observes @Priority(Interceptor.Priority.APPLICATION + 900) SchemaReady ready) {
        if (!demoEnabled) {
            return;
        }
        Optional<TenantId> demo = tenants.findBySlug("demo");
        if (demo.isEmpty()) {
            LOG.warning("Demo mode: tenant 'demo' not found; prompt seed skipped");
            return;
        }
        if (prompts.find(demo.get().value(), NAME).isPresent()) {
            return;
        }
        registry.apply(
                demo.get(),
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
