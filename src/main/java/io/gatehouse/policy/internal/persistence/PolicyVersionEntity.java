package io.gatehouse.policy.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One published version of a policy. Never leaves the policy module. */
@Entity
@Table(name = "policy_versions")
public class PolicyVersionEntity {
    @Id private UUID id;

    @Column(name = "tenant_id")
    private UUID tenantId;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private int version;

    @Column(nullable = false)
    private String content;

    @Column(nullable = false)
    private String mode;

    @Column(nullable = false)
    private String status;

    @Column(name = "change_id")
    private UUID changeId;

    @Column(name = "published_by", nullable = false)
    private String publishedBy;

    @Column(name = "published_at", nullable = false)
    private Instant publishedAt;

    @Column(nullable = false)
    private boolean rollback;

    protected PolicyVersionEntity() {}

    public PolicyVersionEntity(
            UUID tenantId,
            String name,
            int version,
            String content,
            String mode,
            UUID changeId,
            String publishedBy,
            Instant publishedAt,
            boolean rollback) {
        this.id = UUID.randomUUID();
        this.tenantId = tenantId;
        this.name = name;
        this.version = version;
        this.content = content;
        this.mode = mode;
        this.status = "live";
        this.changeId = changeId;
        this.publishedBy = publishedBy;
        this.publishedAt = publishedAt;
        this.rollback = rollback;
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

    public int version() {
        return version;
    }

    public String content() {
        return content;
    }

    public String mode() {
        return mode;
    }

    public String status() {
        return status;
    }

    public void supersede() {
        this.status = "superseded";
    }

    public UUID changeId() {
        return changeId;
    }

    public String publishedBy() {
        return publishedBy;
    }

    public Instant publishedAt() {
        return publishedAt;
    }

    public boolean rollback() {
        return rollback;
    }

    /** The label decisions record, e.g. {@code pii@v3} or {@code global:baseline@v1}. */
    public String label() {
        return (tenantId == null ? "global:" : "") + name + "@v" + version;
    }
}
