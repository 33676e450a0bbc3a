package io.gatehouse.governance.internal;

import io.gatehouse.audit.ContentRetentionRules;
import io.gatehouse.audit.RetainedContent;
import io.gatehouse.governance.internal.persistence.CanaryRows;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A drift canary's answers ({@code governance_canary_results}) under the tenant's content retention
 * (issue 23 review, finding 7). While a run runs its answers' text is kept: a resumed run and the
 * run's measures read it. Once the run has finished (measures taken, a first run's answers made the
 * baseline) only a tenant that keeps content in full keeps the text; under {@code hashed} and
 * {@code redacted} the answer's SHA-256 and length stay (the canary does not know a redacted form
 * of an answer), under {@code none} its length alone. Audit's retention purge deletes the tenant's
 * answers older than its retention period, as it does the gateway's bodies (and only for a tenant
 * under no legal hold). The baseline answers stay: the next runs are compared with them.
 */
@ApplicationScoped
public class CanaryRetention implements RetainedContent {
    private static final Logger LOG = Logger.getLogger(CanaryRetention.class.getName());

    @Inject ContentRetentionRules rules;
    @Inject CanaryRows rows;

    /** After a run has finished: drops what the tenant's setting does not keep; never throws. */
    void afterRun(UUID tenant, UUID run) {
        try {
            switch (rules.bodies(new TenantId(tenant))) {
                case FULL -> {}
                case HASHED, REDACTED -> rows.forgetAnswers(tenant, run, true);
                case NONE -> rows.forgetAnswers(tenant, run, false);
            }
        } catch (RuntimeException e) {
            // the purge's next pass is not a substitute (it only removes old rows): log loudly
            LOG.log(Level.SEVERE, "Canary run " + run + ": answers kept against retention", e);
        }
    }

    @Override
    public Collection<TenantId> tenants() {
        return rows.tenantsWithResults().stream().map(TenantId::new).toList();
    }

    @Override
    public long purgeExpired(Connection c, TenantId tenant, Instant now) throws SQLException {
        // the period of the tenant's setting whatever its mode: under none and hashed the rows
        // hold no text, but they go after the same period
        int days = Math.max(rules.retentionDays(tenant), 0);
        return rows.purge(c, tenant.value(), now.minus(Duration.ofDays(days)));
    }
}
