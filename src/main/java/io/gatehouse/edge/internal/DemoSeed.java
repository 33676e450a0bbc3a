package io.gatehouse.edge.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.edge.internal.persistence.JpaTenants;
import io.gatehouse.edge.internal.persistence.TenantEntity;
import io.gatehouse.shared.SchemaReady;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Demo mode: seeds tenant {@code demo} once the schema is ready. Seed data is exempt from review and
 * recorded in the audit trail as {@code seed}. Off unless {@code GATEHOUSE_DEMO_ENABLED=true}.
 */
@ApplicationScoped
public class DemoSeed {
  private static final Logger LOG = Logger.getLogger(DemoSeed.class.getName());
  public static final String DEMO_TENANT = "demo";

  @Inject
  @ConfigProperty(name = "gatehouse.demo.enabled", defaultValue = "false")
  boolean demoEnabled;

  @Inject JpaTenants tenants;
  @Inject AuditRecorder audit;

  @Transactional
  void onSchemaReady(@Observes SchemaReady ready) {
    if (!demoEnabled) {
      return;
    }
    if (tenants.findBySlug(DEMO_TENANT).isPresent()) {
      return;
    }
    TenantEntity t = tenants.add(new TenantEntity(UUID.randomUUID(), DEMO_TENANT, "Demo tenant"));
    audit.recordInTransaction(
        AuditEvent.of(null, "system", "seed", "tenant.create")
            .target("tenant", t.getId())
            .detail("slug", DEMO_TENANT)
            .detail("seed", true)
            .build());
    audit.recordInTransaction(
        AuditEvent.of(new TenantId(t.getId()), "system", "seed", "tenant.create")
            .target("tenant", t.getId())
            .detail("slug", DEMO_TENANT)
            .detail("seed", true)
            .build());
    LOG.info("Demo mode: seeded tenant 'demo'");
  }
}
