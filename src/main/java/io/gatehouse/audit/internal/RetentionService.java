package io.gatehouse.audit.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.ContentRetention;
import io.gatehouse.audit.internal.persistence.AuditDatabase;
import io.gatehouse.audit.internal.persistence.RetentionRows;
import io.gatehouse.audit.internal.persistence.RetentionRows.Hold;
import io.gatehouse.audit.internal.persistence.RetentionRows.Setting;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ConflictException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

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

    @Inject AuditDatabase db;
    @Inject AuditRecorder recorder;

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
                        return null;
                    });
            cache.remove(tenant);
            recorder.record(event.build());
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

    public Hold placeHold(TenantId tenant, String reason, String by) {
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
                        return null;
                    });
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
        return h;
    }

    /** Releases an active hold; the caller has checked that an auditor asks (RetentionResource). */
    public boolean releaseHold(TenantId tenant, UUID id, String by) {
        try {
            return db.inTransaction(
                    c -> RetentionRows.releaseHold(c, tenant.value(), id, Instant.now(), by));
        } catch (SQLException e) {
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
     * Deletes expired bodies and records one {@code audit.content.purge} event per tenant affected.
     */
    public Map<String, Long> purge() {
        Map<String, Long> purged;
        try {
            purged = db.inTransaction(c -> RetentionRows.purge(c, Instant.now()));
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
        for (var e : purged.entrySet()) {
            recorder.record(
                    AuditEvent.of(
                                    TenantId.of(e.getKey()),
                                    "system",
                                    "retention-purge",
                                    "audit.content.purge")
                            .detail("deleted", e.getValue())
                            .build());
        }
        return purged;
    }

    private static String eventActor(AuditEvent.Builder b) {
        return b.build().actor();
    }
}
