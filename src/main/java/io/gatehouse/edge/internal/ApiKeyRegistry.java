package io.gatehouse.edge.internal;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.edge.internal.persistence.ApiKeyEntity;
import io.gatehouse.edge.internal.persistence.JpaIdentity;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.UnauthorizedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies API keys on the hot path from an in-memory cache keyed by the secret's hash. Changes
 * (revocation, rotation, scope edits) reach every instance through the change feed, so a revoked
 * key stops working within about a second everywhere, not after a TTL.
 */
@ApplicationScoped
public class ApiKeyRegistry {
    public static final String TOPIC = "api-key";
    private static final int MAX_NEGATIVE = 10_000;

    /** What the hot path needs to know about a key. */
    public record ActiveKey(
            ClientKey key,
            Instant expiresAt,
            Instant revokedAt,
            List<Cidr> cidrs,
            Integer rpm,
            Integer tpm) {}

    @Inject JpaIdentity identity;

    private final ConcurrentHashMap<String, Optional<ActiveKey>> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<java.util.UUID, ActiveKey> byId = new ConcurrentHashMap<>();

    /** A key verified recently on this instance (its limits), by id. */
    public Optional<ActiveKey> recent(java.util.UUID keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }

    /** The key's grant, or 401 (unknown, revoked, expired) / 403 (address not allowed). */
    public ActiveKey verify(String secret, String remoteAddress) {
        if (!ApiKeySecrets.looksLikeKey(secret)) {
            throw invalid();
        }
        String hash = ApiKeySecrets.hash(secret);
        Optional<ActiveKey> found = cache.get(hash);
        if (found == null) {
            found = load(hash);
            if (found.isPresent() || cache.size() < MAX_NEGATIVE) {
                cache.put(hash, found);
            }
        }
        ActiveKey k = found.orElseThrow(ApiKeyRegistry::invalid);
        byId.put(k.key().id(), k);
        Instant now = Instant.now();
        if (k.revokedAt() != null && !k.revokedAt().isAfter(now)) {
            throw new UnauthorizedException("invalid_api_key", "This API key has been revoked");
        }
        if (k.expiresAt() != null && !k.expiresAt().isAfter(now)) {
            throw new UnauthorizedException("invalid_api_key", "This API key has expired");
        }
        if (!k.cidrs().isEmpty() && k.cidrs().stream().noneMatch(c -> c.contains(remoteAddress))) {
            throw new ForbiddenException(
                    "ip_not_allowed", "This API key may not be used from this address");
        }
        return k;
    }

    private static UnauthorizedException invalid() {
        return new UnauthorizedException("invalid_api_key", "Incorrect API key provided");
    }

    // A non-transactional read: the container-managed EntityManager returns detached rows.
    Optional<ActiveKey> load(String hash) {
        return identity.keyByHash(hash).map(ApiKeyRegistry::toActive);
    }

    static ActiveKey toActive(ApiKeyEntity e) {
        ClientKey key =
                new ClientKey(e.id(), e.name(), new TenantId(e.tenantId()), e.allowedRoutes());
        List<Cidr> cidrs = e.allowedCidrs().stream().map(Cidr::parse).toList();
        return new ActiveKey(key, e.expiresAt(), e.revokedAt(), cidrs, e.rpmLimit(), e.tpmLimit());
    }

    void onChange(@Observes ChangeFeed.Invalidated change) {
        if (!TOPIC.equals(change.topic())) {
            return;
        }
        if (change.key() == null) {
            cache.clear();
            byId.clear();
        } else {
            cache.remove(change.key());
        }
    }
}
