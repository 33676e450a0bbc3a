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

    public UUID id() {
        return id;
    }

    public UUID tenantId() {
        return tenantId;
    }

    public String name() {
        return name;
    }

    public String prefix() {
        return prefix;
    }

    public String secretHash() {
        return secretHash;
    }

    public Set<String> allowedRoutes() {
        return split(allowedRoutes);
    }

    public void allowedRoutes(Set<String> routes) {
        this.allowedRoutes = String.join(",", routes);
    }

    public Set<String> allowedCidrs() {
        return split(allowedCidrs);
    }

    public void allowedCidrs(Set<String> cidrs) {
        this.allowedCidrs = String.join(",", cidrs);
    }

    public Integer rpmLimit() {
        return rpmLimit;
    }

    public void rpmLimit(Integer rpmLimit) {
        this.rpmLimit = rpmLimit;
    }

    public Integer tpmLimit() {
        return tpmLimit;
    }

    public void tpmLimit(Integer tpmLimit) {
        this.tpmLimit = tpmLimit;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public void expiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
    }

    public Instant revokedAt() {
        return revokedAt;
    }

    public void revokedAt(Instant revokedAt) {
        this.revokedAt = revokedAt;
    }

    public UUID rotatedFrom() {
        return rotatedFrom;
    }

    public void rotatedFrom(UUID rotatedFrom) {
        this.rotatedFrom = rotatedFrom;
    }

    public String createdBy() {
        return createdBy;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
