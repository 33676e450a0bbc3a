package io.gatehouse.routing.internal.catalog;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.routing.internal.persistence.CatalogRows;
import io.gatehouse.shared.DemoTenantReady;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Demo mode: the built-in sandbox provider and the aliases {@code sandbox} (chat) and {@code
 * sandbox-embed} (embeddings) for tenant {@code demo}; with {@code GATEHOUSE_BENCH_UPSTREAM} set,
 * an OpenAI-compatible provider and alias {@code bench} pointing at it (for latency benchmarks).
 * Runs on {@link DemoTenantReady}, after the edge's demo seed created the tenant. Seed data skips
 * review and is recorded in the audit trail as {@code seed}.
 */
@ApplicationScoped
public class DemoCatalogSeed {
    private static final Logger LOG = Logger.getLogger(DemoCatalogSeed.class.getName());

    @Inject
    @ConfigProperty(name = "gatehouse.bench.upstream")
    Optional<String> benchUpstream;

    @Inject
    @ConfigProperty(name = "gatehouse.bench.model", defaultValue = "bench")
    String benchModel;

    @Inject CatalogRows store;
    @Inject CatalogWriter writer;
    @Inject AuditRecorder audit;

    @Transactional
    void onDemoTenant(@Observes DemoTenantReady ready) {
        TenantId t = ready.tenant();
        CatalogSnapshot snap = store.load(t);
        if (!snap.providers().containsKey("sandbox")) {
            JsonObject sandbox =
                    Json.createObjectBuilder()
                            .add("kind", "sandbox")
                            .add("region", "local")
                            .add("clearance", 3)
                            .add("timeoutMs", 30_000)
                            .add("maxConcurrency", 1000)
                            .add(
                                    "models",
                                    Json.createArrayBuilder()
                                            .add(
                                                    Json.createObjectBuilder()
                                                            .add("name", "sandbox-chat")
                                                            .add("contextWindow", 128_000)
                                                            .add(
                                                                    "capabilities",
                                                                    Json.createArrayBuilder()
                                                                            .add("chat")
                                                                            .add("tools")
                                                                            .add("json")
                                                                            .add("streaming")
                                                                            .add("vision"))
                                                            .add("inputPricePerMillion", "0.50")
                                                            .add("outputPricePerMillion", "1.50"))
                                            .add(
                                                    Json.createObjectBuilder()
                                                            .add("name", "sandbox-embed")
                                                            .add("contextWindow", 8192)
                                                            .add(
                                                                    "capabilities",
                                                                    Json.createArrayBuilder()
                                                                            .add("embeddings"))
                                                            .add("inputPricePerMillion", "0.02")
                                                            .add("outputPricePerMillion", "0")))
                            .build();
            seedProvider(t, "sandbox", sandbox);
        }
        if (!snap.routes().containsKey("sandbox")) {
            seedRoute(t, "sandbox", route("chat", "sandbox", "sandbox-chat"));
        }
        if (!snap.routes().containsKey("sandbox-embed")) {
            seedRoute(t, "sandbox-embed", route("embeddings", "sandbox", "sandbox-embed"));
        }
        if (benchUpstream.isPresent() && !benchUpstream.get().isBlank()) {
            JsonObject bench =
                    Json.createObjectBuilder()
                            .add("kind", "openai")
                            .add("baseUrl", benchUpstream.get())
                            .add("region", "local")
                            .add("clearance", 3)
                            .add("timeoutMs", 60_000)
                            .add("maxConcurrency", 10_000)
                            .add(
                                    "models",
                                    Json.createArrayBuilder()
                                            .add(
                                                    Json.createObjectBuilder()
                                                            .add("name", benchModel)
                                                            .add(
                                                                    "capabilities",
                                                                    Json.createArrayBuilder()
                                                                            .add("chat")
                                                                            .add("tools")
                                                                            .add("json")
                                                                            .add("streaming"))))
                            .build();
            seedProvider(t, "bench", bench);
            seedRoute(t, "bench", route("chat", "bench", benchModel));
        }
    }

    private static JsonObject route(String operation, String provider, String model) {
        return Json.createObjectBuilder()
                .add("operation", operation)
                .add("strategy", "priority")
                .add(
                        "targets",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("provider", provider)
                                                .add("model", model)))
                .build();
    }

    private void seedProvider(TenantId t, String name, JsonObject content) {
        writer.writeProvider(t, CatalogContent.provider(name, content, null), "seed");
        audit.recordInTransaction(
                AuditEvent.of(t, "system", "seed", "provider.publish")
                        .target("provider", name)
                        .detail("seed", true)
                        .detail("kind", content.getString("kind"))
                        .build());
        LOG.info("Demo mode: seeded provider '" + name + "'");
    }

    private void seedRoute(TenantId t, String alias, JsonObject content) {
        writer.writeRoute(t, CatalogContent.route(alias, content), "seed");
        audit.recordInTransaction(
                AuditEvent.of(t, "system", "seed", "route.publish")
                        .target("route", alias)
                        .detail("seed", true)
                        .build());
        LOG.info("Demo mode: seeded route '" + alias + "'");
    }
}
