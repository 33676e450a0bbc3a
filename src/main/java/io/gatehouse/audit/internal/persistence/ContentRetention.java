package io.gatehouse.audit.internal.persistence;

import io.gatehouse.shared.WireNames;
import java.util.Locale;
import java.util.Optional;

/**
 * How a tenant's prompt and response bodies are kept: not at all, only as a hash in the event,
 * redacted, or in full. Stored bodies are purged after the tenant's retention period (unless a
 * legal hold is in force); the event keeps the hash, so the chain stays verifiable after a purge.
 */
public enum ContentRetention {
    NONE,
    HASHED,
    REDACTED,
    FULL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ContentRetention> fromWireName(String s) {
        return WireNames.parse(ContentRetention.class, ContentRetention::wireName, s);
    }
}
