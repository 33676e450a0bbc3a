package io.gatehouse.audit.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.ContentRetentionRules;
import io.gatehouse.audit.RetainedContent;
import io.gatehouse.audit.internal.persistence.AuditConnections;
import io.gatehouse.audit.internal.persistence.ContentRetention;
import io.gatehouse.audit.internal.persistence.RetentionRows;
import io.gatehouse.audit.internal.persistence.RetentionRows.Hold;
import io.gatehouse.audit.internal.persistence.RetentionRows.Setting;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ConflictException;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Per-tenant content retention and legal holds, and the purge of expired bodies. The recording path
 * asks {@link #modeFor} on every event with content, so the setting is cached for a few seconds.
 */
@ApplicationScoped
public class RetentionService {
    /** Without a setting a tenant's bodies are only hashed (kept in no readable form). */
    public static final Setting DEFAULT =
            new Setting(ContentRetention.HASHED, 30, Instant.EPOCH, "default");

    private static final long CACHE_NANOS = 5_000_000_000L;

    @Inject AuditConnections db;
    @Inject DefaultAuditRecorder recorder;
    @Inject Instance<RetainedContent> elsewhere;

    private static final Logger LOG = Logger.getLogger(RetentionService.class.getName());

    private record Cached(ContentRetention mode, long at) {}

    private final Map<TenantId, Cached> cache = new ConcurrentHashMap<>();

    public ContentRetention modeFor(TenantId tenant) {
        if (tenant == null) {
            return ContentRetention.HASHED;
        }
        Cached c = cache.get(tenant);
        long now = System.nanoTime();
        if (c != null && now - c.at() < CACHE_NANOS) {
            return c.mode();
        }
        ContentRetention mode = setting(tenant).mode();
        cache.put(tenant, new Cached(mode, now));
        return mode;
    }

    public Setting setting(TenantId tenant) {
        try {
            return db.reading(c -> RetentionRows.setting(c, tenant.value())).orElse(DEFAULT);
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
    }

    /**
     * Changes the setting. While the tenant has an active legal hold the retention period may grow
     * but not shrink (409 {@code legal_hold_active}): a shorter period would purge what the hold
     * preserves as soon as an auditor releases it. (V47 holds the same rule in the database.)
     */
    public Setting update(
            TenantId tenant, ContentRetention mode, int days, AuditEvent.Builder event) {
        Setting s =
                new Setting(
                        mode,
                        days,
                        Instant.now().truncatedTo(ChronoUnit.MICROS),
                        eventActor(event));
        event.detail("mode", mode.wireName()).detail("retentionDays", (long) days);
        ConflictException refused;
        try {
            db.inTransaction(
                    c -> {
                        RetentionRows.lockTenant(c, tenant.value());
                        int current =
                                RetentionRows.setting(c, tenant.value())
                                        .orElse(DEFAULT)
                                        .retentionDays();
                        if (days < current && RetentionRows.hasActiveHold(c, tenant.value())) {
                            throw new ConflictException(
                                    "legal_hold_active",
                                    "A legal hold is active: the retention period cannot be shortened from "
                                            + current
                                            + " to "
                                            + days
                                            + " days until an auditor releases every hold");
                        }
                        RetentionRows.upsert(c, tenant.value(), s);
                        // the setting and its event commit together
                        recorder.recordOn(c, event.build());
                        return null;
                    });
            cache.remove(tenant);
            return s;
        } catch (ConflictException e) {
            refused = e;
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw CheckpointService.unavailable(e);
            }
            // V47's trigger (insufficient_privilege): the same rule, held by the database.
            refused =
                    new ConflictException(
                            "legal_hold_active",
                            "A legal hold is active: the retention period cannot be shortened");
        }
        // The attempt is evidence too: the auditors see who tried to shorten the period.
        recorder.record(
                event.outcome(AuditEvent.Outcome.DENIED).detail("refused", refused.code()).build());
        throw refused;
    }

    public List<Hold> holds(TenantId tenant) {
        try {
            return db.reading(c -> RetentionRows.holds(c, tenant.value()));
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
    }

    /**
     * Places a hold; {@code event} is recorded in the same transaction (a hold is in force exactly
     * when the trail says it was placed).
     */
    public Hold placeHold(TenantId tenant, String reason, String by, AuditEvent.Builder event) {
        Hold h =
                new Hold(
                        UUID.randomUUID(),
                        reason,
                        Instant.now().truncatedTo(ChronoUnit.MICROS),
                        by,
                        null,
                        null);
        try {
            db.inTransaction(
                    c -> {
                        RetentionRows.lockTenant(c, tenant.value());
                        RetentionRows.addHold(c, tenant.value(), h);
                        recorder.recordOn(
                                c,
                                event.target("legal_hold", h.id())
                                        .detail("reason", h.reason())
                                        .build());
                        return null;
                    });
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
        return h;
    }

    /**
     * Releases an active hold and records {@code event} in the same transaction; the caller has
     * checked that an auditor asks (RetentionResource). False (and nothing recorded) when there is
     * no such active hold.
     */
    public boolean releaseHold(TenantId tenant, UUID id, String by, AuditEvent.Builder event) {
        try {
            return db.inTransaction(
                    c -> {
                        if (!RetentionRows.releaseHold(c, tenant.value(), id, Instant.now(), by)) {
                            return false;
                        }
                        recorder.recordOn(c, event.target("legal_hold", id).build());
                        return true;
                    });
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
    }

    /**
     * A deletion asked for now (a client's), decided like the purge under the tenant's hold lock,
     * with its event in the same transaction ({@link ContentRetentionRules#deleteUnlessHeld}).
     */
    /** How long a client's deletion waits for the tenant's hold lock. */
    static final int DELETE_LOCK_TIMEOUT_SECONDS = 5;

    public ContentRetentionRules.Deleted deleteUnlessHeld(
            TenantId tenant, ContentRetentionRules.Deletion deletion, AuditEvent event) {
        try {
            return db.inTransaction(
                    c -> {
                        // a client's HTTP thread waits for a hold or a purge, but not for ever
                        RetentionRows.lockTimeout(c, DELETE_LOCK_TIMEOUT_SECONDS);
                        RetentionRows.lockTenant(c, tenant.value());
                        if (RetentionRows.hasActiveHold(c, tenant.value())) {
                            return ContentRetentionRules.Deleted.HELD;
                        }
                        if (deletion.delete(c) == 0) {
                            return ContentRetentionRules.Deleted.NOTHING;
                        }
                        recorder.recordOn(c, event);
                        return ContentRetentionRules.Deleted.DELETED;
                    });
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) { // lock_not_available: lock_timeout ran out
                throw new GatehouseException(
                        503,
                        "retention_lock_busy",
                        "A legal hold or a retention purge of this tenant is under way; try again",
                        null,
                        Map.of("Retry-After", String.valueOf(DELETE_LOCK_TIMEOUT_SECONDS)));
            }
            throw CheckpointService.unavailable(e);
        }
    }

    public Optional<RetentionRows.StoredContent> content(String chain, String hash) {
        try {
            return db.reading(c -> RetentionRows.content(c, chain, hash));
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
    }

    /**
     * Deletes expired bodies, one tenant per transaction under the tenant's hold lock, each with
     * its {@code audit.content.purge} event in that transaction (a deletion is never without its
     * event, nor an event without its deletion); then other modules' content under the same rule.
     * Returns the number deleted per chain.
     */
    public Map<String, Long> purge() {
        Instant now = Instant.now();
        try {
            return purgeContents(now).deleted();
        } finally {
            purgeElsewhere(now);
        }
    }

    /** What a run deleted per chain, and how many tenants failed (tried again next run). */
    private record Run(Map<String, Long> deleted, int failed) {}

    /**
     * The hold check and the deletion form one step under the tenant's hold lock, which a hold
     * being placed either precedes (nothing is deleted) or waits for. One tenant's failure is
     * logged and does not stop the others.
     */
    private Run purgeContents(Instant now) {
        List<UUID> due;
        try {
            due = db.inTransaction(c -> RetentionRows.tenantsWithExpiredContent(c, now));
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
        Map<String, Long> deleted = new LinkedHashMap<>();
        int failed = 0;
        for (UUID tenant : due) {
            try {
                long n = db.inTransaction(c -> RetentionRows.purgeRecorded(c, tenant, now));
                if (n > 0) {
                    deleted.put(tenant.toString(), n);
                }
            } catch (SQLException | RuntimeException e) {
                failed++;
                LOG.log(Level.WARNING, "Content purge of tenant " + tenant + " failed", e);
            }
        }
        return new Run(deleted, failed);
    }

    /**
     * The same deletion for content other modules keep under the setting (routing's stored
     * responses, issue 17), one tenant at a time under the tenant's hold lock. The module deletes
     * on the connection that holds the lock, so its deletion commits or rolls back with the lock's
     * transaction. A failure (of one module's tenant list, or of one tenant) is logged and tried
     * again on the next run; the other tenants go on.
     */
    private void purgeElsewhere(Instant now) {
        for (RetainedContent r : elsewhere) {
            Collection<TenantId> tenants;
            try {
                tenants = r.tenants();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Purge of " + r.getClass().getSimpleName() + " failed", e);
                continue;
            }
            for (TenantId tenant : tenants) {
                try {
                    db.inTransaction(
                            c -> {
                                RetentionRows.lockTenant(c, tenant.value());
                                if (RetentionRows.hasActiveHold(c, tenant.value())) {
                                    return 0L;
                                }
                                return r.purgeExpired(c, tenant, now);
                            });
                } catch (SQLException | RuntimeException e) {
                    LOG.log(
                            Level.WARNING,
                            "Purge of "
                                    + r.getClass().getSimpleName()
                                    + " for tenant "
                                    + tenant.value()
                                    + " failed",
                            e);
                }
            }
        }
    }

    /**
     * The purge a platform admin asks for: as {@link #purge()}, then {@code run} (the admin's own
     * event, in the platform chain) is recorded with the totals, even when nothing was due; a
     * tenant whose purge failed is counted in its {@code failedTenants}.
     */
    public Map<String, Long> purgeOnDemand(AuditEvent.Builder run) {
        Instant now = Instant.now();
        purgeElsewhere(now);
        Run done = purgeContents(now);
        run.tenant(null)
                .detail(
                        "deleted",
                        done.deleted().values().stream().mapToLong(Long::longValue).sum())
                .detail("tenants", done.deleted().size());
        if (done.failed() > 0) {
            run.detail("failedTenants", done.failed());
        }
        try {
            db.inTransaction(
                    c -> {
                        recorder.recordOn(c, run.build());
                        return null;
                    });
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
        return done.deleted();
    }

    private static String eventActor(AuditEvent.Builder b) {
        return b.build().actor();
    }
}
