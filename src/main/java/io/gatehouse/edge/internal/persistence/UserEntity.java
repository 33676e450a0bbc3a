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

/** A person of the built-in identity. */
@Entity
@Table(name = "edge_users")
public class UserEntity {
    @Id private UUID id;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    @Column(nullable = false)
    private String username;

    @Column(name = "password_hash", nullable = false)
    private String passwordHash;

    /** Wire names, comma-separated: a short fixed vocabulary, no need for a join table. */
    @Column(nullable = false)
    private String roles;

    @Column(nullable = false)
    private String status;

    @Column(name = "tokens_valid_after", nullable = false)
    private Instant tokensValidAfter;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Version private long version;

    protected UserEntity() {}

    public UserEntity(
            UUID id, UUID tenantId, String username, String passwordHash, Set<String> roles) {
        this.id = id;
        this.tenantId = tenantId;
        this.username = username;
        this.passwordHash = passwordHash;
        setRoles(roles);
        this.status = "active";
        this.createdAt = Instant.now();
        this.tokensValidAfter = createdAt.minusSeconds(1);
    }

    public UUID getId() {
        return id;
    }

    public UUID getTenantId() {
        return tenantId;
    }

    public String getUsername() {
        return username;
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public void setPasswordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }

    public Set<String> getRoles() {
        Set<String> out = new LinkedHashSet<>();
        Arrays.stream(roles.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .forEach(out::add);
        return out;
    }

    public void setRoles(Set<String> roles) {
        this.roles = String.join(",", roles);
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public Instant getTokensValidAfter() {
        return tokensValidAfter;
    }

    public void setTokensValidAfter(Instant tokensValidAfter) {
        this.tokensValidAfter = tokensValidAfter;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
