package io.gatehouse.edge.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/** A client application's API key; only a hash of the secret is stored. */
@Entity
@Table(name = "edge_api_keys")
public class ApiKeyEntity {
    @Id private UUID id;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String prefix;

    @Column(name = "secret_hash", nullable = false, unique = true)
    private String secretHash;

    @Column(name = "allowed_routes", nullable = false)
    private String allowedRoutes;

    @Column(name = "allowed_cidrs", nullable = false)
    private String allowedCidrs;

    @Column(name = "rpm_limit")
    private Integer rpmLimit;

    @Column(name = "tpm_limit")
    private Integer tpmLimit;

    @Column(name = "expires_at")
    private Instant expiresAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Column(name = "rotated_from")
    private UUID rotatedFrom;

    @Column(name = "created_by", nullable = false)
    private String createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Version private long version;

    protected ApiKeyEntity() {}

    public ApiKeyEntity(
            UUID id,
            UUID tenantId,
            String name,
            String prefix,
            String secretHash,
            String createdBy) {
        this.id = id;
        this.tenantId = tenantId;
        this.name = name;
        this.prefix = prefix;
        this.secretHash = secretHash;
        this.createdBy = createdBy;
        this.createdAt = Instant.now();
        this.allowedRoutes = "";
        this.allowedCidrs = "";
    }

    static Set<String> split(String s) {
        Set<String> out = new LinkedHashSet<>();
        Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).forEach(out::add);
        return out;
    }

    public UUID getId() {
        return id;
    }

    public UUID getTenantId() {
        return tenantId;
    }

    public String getName() {
        return name;
    }

    public String getPrefix() {
        return prefix;
    }

    public String getSecretHash() {
        return secretHash;
    }

    public Set<String> getAllowedRoutes() {
        return split(allowedRoutes);
    }

    public void setAllowedRoutes(Set<String> routes) {
        this.allowedRoutes = String.join(",", routes);
    }

    public Set<String> getAllowedCidrs() {
        return split(allowedCidrs);
    }

    public void setAllowedCidrs(Set<String> cidrs) {
        this.allowedCidrs = String.join(",", cidrs);
    }

    public Integer getRpmLimit() {
        return rpmLimit;
    }

    public void setRpmLimit(Integer rpmLimit) {
        this.rpmLimit = rpmLimit;
    }

    public Integer getTpmLimit() {
        return tpmLimit;
    }

    public void setTpmLimit(Integer tpmLimit) {
        this.tpmLimit = tpmLimit;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
    }

    public Instant getRevokedAt() {
        return revokedAt;
    }

    public void setRevokedAt(Instant revokedAt) {
        this.revokedAt = revokedAt;
    }

    public UUID getRotatedFrom() {
        return rotatedFrom;
    }

    public void setRotatedFrom(UUID rotatedFrom) {
        this.rotatedFrom = rotatedFrom;
    }

    public String getCreatedBy() {
        return createdBy;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
