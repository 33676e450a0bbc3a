package io.gatehouse.shared;

import java.util.Objects;
import java.util.UUID;

/** A tenant's identity. Every stored object belongs to exactly one tenant (or to the platform). */
public record TenantId(UUID value) {
    public TenantId {
        Objects.requireNonNull(value, "tenant id");
    }

    public static TenantId of(String value) {
        return new TenantId(UUID.fromString(value));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
