package io.gatehouse.prompts.internal.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An immutable prompt version. */
@Entity
@Table(name = "prompts_versions")
public class PromptVersionEntity {
    @Id private UUID id;

    @Column(name = "prompt_id", nullable = false)
    private UUID promptId;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    @Column(nullable = false)
    private int version;

    @Column(nullable = false)
    private String messages;

    @Column(nullable = false)
    private String variables;

    @Column(nullable = false)
    private String route;

    @Column(nullable = false)
    private String parameters;

    @Column(name = "content_hash", nullable = false)
    private String contentHash;

    @Column(name = "published_label", nullable = false)
    private String publishedLabel;

    @Column(name = "change_id")
    private UUID changeId;

    @Column(name = "created_by", nullable = false)
    private String createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    // Accessors: field writes must go through the entity (Hibernate enhances it for dirty
    // tracking).

    public UUID id() {
        return id;
    }

    public void id(UUID value) {
        this.id = value;
    }

    public UUID promptId() {
        return promptId;
    }

    public void promptId(UUID value) {
        this.promptId = value;
    }

    public UUID tenantId() {
        return tenantId;
    }

    public void tenantId(UUID value) {
        this.tenantId = value;
    }

    public int version() {
        return version;
    }

    public void version(int value) {
        this.version = value;
    }

    public String messages() {
        return messages;
    }

    public void messages(String value) {
        this.messages = value;
    }

    public String variables() {
        return variables;
    }

    public void variables(String value) {
        this.variables = value;
    }

    public String route() {
        return route;
    }

    public void route(String value) {
        this.route = value;
    }

    public String parameters() {
        return parameters;
    }

    public void parameters(String value) {
        this.parameters = value;
    }

    public String contentHash() {
        return contentHash;
    }

    public void contentHash(String value) {
        this.contentHash = value;
    }

    public String publishedLabel() {
        return publishedLabel;
    }

    public void publishedLabel(String value) {
        this.publishedLabel = value;
    }

    public UUID changeId() {
        return changeId;
    }

    public void changeId(UUID value) {
        this.changeId = value;
    }

    public String createdBy() {
        return createdBy;
    }

    public void createdBy(String value) {
        this.createdBy = value;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public void createdAt(Instant value) {
        this.createdAt = value;
    }
}
