package io.gatehouse.edge.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.edge.internal.persistence.JpaIdentity;
import io.gatehouse.edge.internal.persistence.JpaTenants;
import io.gatehouse.edge.internal.persistence.TenantEntity;
import io.gatehouse.edge.internal.persistence.TenantLimitsEntity;
import io.gatehouse.edge.internal.persistence.UserEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.DemoTenantReady;
import io.gatehouse.shared.SchemaReady;
import io.gatehouse.shared.TenantId;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Startup seeding of identities, before any other module's seed (priority 100): the bootstrap
 * platform admin (tenant {@code system}, user {@code platform-admin}) when {@code
 * GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD} is set and none exists yet, and in demo mode the tenant
 * {@code demo} with its users and API key. Seed data is exempt from review and audited as {@code
 * seed}. Then, in demo mode, {@link DemoTenantReady} starts the other modules' demo seeds. (Demo
 * mode in the production profile never gets here: {@code StartupConfigurationCheck} refuses the
 * start.)
 */
@ApplicationScoped
public class DemoIdentitySeed {
    private static final Logger LOG = Logger.getLogger(DemoIdentitySeed.class.getName());
    public static final String DEMO_TENANT = "demo";
    public static final String SYSTEM_TENANT = "system";
    public static final String PLATFORM_ADMIN = "platform-admin";

    @Inject
    @ConfigProperty(name = "gatehouse.demo.enabled", defaultValue = "false")
    boolean demoEnabled;

    @Inject
    @ConfigProperty(name = "gatehouse.demo.password")
    Optional<String> demoPassword;

    @Inject
    @ConfigProperty(name = "gatehouse.demo.api.key")
    Optional<String> demoApiKey;

    @Inject
    @ConfigProperty(name = "gatehouse.bootstrap.admin.password")
    Optional<String> bootstrapPassword;

    @Inject JpaTenants tenants;
    @Inject JpaIdentity identity;
    @Inject AuditRecorder audit;
    @Inject Event<DemoTenantReady> demoTenantReady;
    private final PasswordHasher hasher = new PasswordHasher();

    @Transactional
    void onSchemaReady(@Observes @Priority(100) SchemaReady ready) {
        bootstrapPlatformAdmin();
        if (!demoEnabled) {
            return;
        }
        if (tenants.findBySlug(DEMO_TENANT).isPresent()) {
            return;
        }
        String password =
                demoPassword
                        .filter(p -> !p.isBlank())
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "Demo mode needs GATEHOUSE_DEMO_PASSWORD"));
        TenantEntity t = tenant(DEMO_TENANT, "Demo tenant");
        UUID tid = t.id();
        Map<String, List<String>> people =
                Map.of(
                        "admin", List.of("admin"),
                        "alice", List.of("author"),
                        "bob", List.of("reviewer"),
                        "carol", List.of("reviewer"),
                        "dave", List.of("auditor"));
        String hash = hasher.hash(password);
        people.forEach((name, roles) -> user(tid, name, hash, roles));
        TenantLimitsEntity limits = new TenantLimitsEntity(tid);
        // generous, so the benchmark measures the limiter's cost rather than its refusals
        limits.rpmLimit(1_000_000);
        limits.tpmLimit(1_000_000_000);
        identity.add(limits);
        demoApiKey
                .filter(k -> !k.isBlank())
                .ifPresent(
                        k -> {
                            if (!ApiKeySecrets.looksLikeKey(k)) {
                                throw new IllegalStateException(
                                        "GATEHOUSE_DEMO_API_KEY must look like gh_<letters and digits>, 20+ chars");
                            }
                            var e =
                                    new io.gatehouse.edge.internal.persistence.ApiKeyEntity(
                                            UUID.randomUUID(),
                                            tid,
                                            "demo key",
                                            ApiKeySecrets.prefix(k),
                                            ApiKeySecrets.hash(k),
                                            "system:seed");
                            identity.add(e);
                            seedEvent(
                                    new TenantId(tid),
                                    "key.create",
                                    "api_key",
                                    e.id().toString(),
                                    Map.of("prefix", e.prefix()));
                        });
        LOG.info(
                "Demo mode: seeded tenant 'demo' with users admin, alice, bob, carol, dave and the demo API key");
    }

    /**
     * In demo mode, once the seeding above has committed (a later priority, outside its
     * transaction), tells the other modules which tenant is the demo tenant.
     */
    void announceDemoTenant(
            @Observes @Priority(Interceptor.Priority.APPLICATION + 800) SchemaReady ready) {
        if (!demoEnabled) {
            return;
        }
        TenantEntity demo =
                tenants.findBySlug(DEMO_TENANT)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "Demo mode: tenant 'demo' missing"));
        demoTenantReady.fire(new DemoTenantReady(new TenantId(demo.id())));
    }

    private void bootstrapPlatformAdmin() {
        if (bootstrapPassword.filter(p -> !p.isBlank()).isEmpty()
                || identity.userByUsername(PLATFORM_ADMIN).isPresent()) {
            return;
        }
        TenantEntity system =
                tenants.findBySlug(SYSTEM_TENANT)
                        .orElseGet(() -> tenant(SYSTEM_TENANT, "Platform"));
        user(
                system.id(),
                PLATFORM_ADMIN,
                hasher.hash(bootstrapPassword.get()),
                List.of("platform-admin"));
        LOG.info("Bootstrap: created the platform admin 'platform-admin'");
    }

    private TenantEntity tenant(String slug, String name) {
        TenantEntity t = tenants.add(new TenantEntity(UUID.randomUUID(), slug, name));
        seedEvent(null, "tenant.create", "tenant", t.id().toString(), Map.of("slug", slug));
        seedEvent(
                new TenantId(t.id()),
                "tenant.create",
                "tenant",
                t.id().toString(),
                Map.of("slug", slug));
        return t;
    }

    private void user(UUID tenant, String name, String hash, List<String> roles) {
        UserEntity u = new UserEntity(UUID.randomUUID(), tenant, name, hash, Set.copyOf(roles));
        identity.add(u);
        seedEvent(
                new TenantId(tenant),
                "user.create",
                "user",
                u.id().toString(),
                Map.of("username", name, "roles", roles));
    }

    private void seedEvent(
            TenantId tenant, String action, String type, String id, Map<String, ?> details) {
        audit.recordInTransaction(
                AuditEvent.by(Caller.system("seed", tenant), action)
                        .tenant(tenant)
                        .target(type, id)
                        .details(details)
                        .detail("seed", true)
                        .build());
    }
}
