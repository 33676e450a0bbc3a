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
        roles(roles);
        this.status = "active";
        this.createdAt = Instant.now();
        this.tokensValidAfter = createdAt.minusSeconds(1);
    }

    public UUID id() {
        return id;
    }

    public UUID tenantId() {
        return tenantId;
    }

    public String username() {
        return username;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public void passwordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }

    public Set<String> roles() {
        Set<String> out = new LinkedHashSet<>();
        Arrays.stream(roles.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .forEach(out::add);
        return out;
    }

    public void roles(Set<String> roles) {
        this.roles = String.join(",", roles);
    }

    public String status() {
        return status;
    }

    public void status(String status) {
        this.status = status;
    }

    public Instant tokensValidAfter() {
        return tokensValidAfter;
    }

    public void tokensValidAfter(Instant tokensValidAfter) {
        this.tokensValidAfter = tokensValidAfter;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
