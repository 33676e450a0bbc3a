package io.gatehouse.audit;

import io.gatehouse.shared.TenantId;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A tenant's content-retention setting as other modules that keep content of their own must obey it
 * (routing's stored responses): whether readable content may be kept at all, and for how long.
 */
public interface ContentRetentionRules {

    /** The tenant's rule, from its retention setting (cached for a few seconds). */
    Keeping keeping(TenantId tenant);

    /**
     * How long the tenant's setting keeps what it keeps, whatever the mode (the default period when
     * it has no setting): for content that outlives its run under every mode, such as a canary
     * answer's hash and length.
     */
    int retentionDays(TenantId tenant);

    /**
     * What an event's bodies ({@code AuditEvent.Builder.content}) become under the tenant's setting
     * (cached for a few seconds), so that a writer builds only what is used: nothing under {@link
     * Bodies#NONE}, the full form only under {@link Bodies#HASHED} and {@link Bodies#FULL}, both
     * under {@link Bodies#REDACTED}.
     */
    Bodies bodies(TenantId tenant);

    /** The retention modes as a writer of bodies sees them (docs/audit.md, "Content retention"). */
    enum Bodies {
        /** no hash, nothing stored: bodies are dropped unread */
        NONE,
        /** the hash of the full bodies only */
        HASHED,
        /** the hash of the full bodies, the redacted bodies stored */
        REDACTED,
        /** the hash of the full bodies, the full bodies stored */
        FULL
    }

    /**
     * @param keepsContent true only under the {@code full} setting: {@code none} and {@code hashed}
     *     keep no readable content, and {@code redacted} keeps only what a redaction produced
     * @param retentionDays how long kept content may live
     */
    record Keeping(boolean keepsContent, int retentionDays) {}

    /** A deletion of kept content on the connection audit gives it; returns how many it deleted. */
    @FunctionalInterface
    interface Deletion {
        long delete(Connection c) throws SQLException;
    }

    /** What {@link #deleteUnlessHeld} did. */
    enum Deleted {
        /** deleted, and the event recorded with it */
        DELETED,
        /** the deletion found nothing: no event */
        NOTHING,
        /** the tenant is under an active legal hold: nothing deleted, no event */
        HELD
    }

    /**
     * A deletion someone asks for now (a client's {@code DELETE} of its stored response), under the
     * same rule as the retention purge: one transaction on audit's connection that takes the
     * tenant's hold lock, finds no active legal hold, runs {@code deletion} and, when it deleted
     * anything, records {@code event} in the tenant's chain. A hold being placed meanwhile either
     * precedes it (HELD) or waits for it; the event and the deletion commit together, so neither
     * exists without the other. {@code deletion} neither commits nor closes the connection. Throws
     * {@code audit_unavailable} (503) when the transaction fails.
     */
    Deleted deleteUnlessHeld(TenantId tenant, Deletion deletion, AuditEvent event);
}
