package io.gatehouse.prompts.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.prompts.internal.persistence.JpaPrompts;
import io.gatehouse.prompts.internal.persistence.PromptEntity;
import io.gatehouse.prompts.internal.persistence.PromptLabelEntity;
import io.gatehouse.prompts.internal.persistence.PromptVersionEntity;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ConflictException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The registry's reads and writes. Writes happen only inside a governance publish or rollback (or
 * demo seeding), in the caller's transaction; each tells every instance through the change feed.
 */
@ApplicationScoped
public class PromptRegistry {
    @Inject JpaPrompts repo;
    @Inject AuditRecorder audit;
    @Inject ChangeFeed feed;

    /** Who made a version live: a change's publisher, or the seed. */
    public record Publisher(String actorKind, String actor, boolean seed) {}

    /**
     * Makes {@code content} live on its label: reuses the version with identical content (a
     * rollback, or promoting a canary) or creates the next version, then points the label at it
     * (or, with a canary percentage, splits the label between its current version and this one).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int apply(
            TenantId tenant,
            String name,
            PromptContent content,
            ChangeContext context,
            Publisher by) {
        PromptEntity p = repo.lockOrCreate(tenant.value(), name);
        String hash = content.versionHash();
        Instant now = Instant.now();
        boolean created = false;
        PromptVersionEntity v = repo.byHash(p.id(), hash).orElse(null);
        if (v == null) {
            v = new PromptVersionEntity();
            v.id(UUID.randomUUID());
            v.promptId(p.id());
            v.tenantId(p.tenantId());
            v.version(repo.maxVersion(p.id()) + 1);
            v.messages(content.messages().toString());
            v.variables(content.variables().toString());
            v.route(content.route());
            v.parameters(content.parameters().toString());
            v.contentHash(hash);
            v.publishedLabel(content.label());
            v.changeId(context == null ? null : context.changeId());
            v.createdBy(by.actor());
            v.createdAt(now);
            repo.add(v);
            created = true;
        }
        boolean rollback = context != null && context.rollback();
        int canary = rollback ? 0 : content.canaryPercent();
        PromptLabelEntity l = repo.label(p.id(), content.label()).orElse(null);
        if (canary > 0 && (l == null || l.version() == v.version())) {
            throw new ConflictException(
                    "canary_without_base",
                    "A canary splits a label between its current version and a new one; label '"
                            + content.label()
                            + "' has no other version yet");
        }
        boolean newLabel = l == null;
        if (newLabel) {
            l = new PromptLabelEntity();
            l.promptId(p.id());
            l.label(content.label());
            l.tenantId(p.tenantId());
        }
        if (canary > 0) {
            l.canaryVersion(v.version());
            l.canaryPercent(canary);
        } else {
            l.version(v.version());
            l.canaryVersion(null);
            l.canaryPercent(0);
        }
        l.changeId(context == null ? null : context.changeId());
        l.updatedBy(by.actor());
        l.updatedAt(now);
        if (newLabel) {
            // Hibernate inserts the state an entity has when persisted: persist it complete.
            repo.add(l);
        }
        p.liveVersion(v.version());
        p.liveLabel(content.label());
        p.updatedAt(now);
        repo.flush();
        feed.publish(PromptCache.TOPIC, tenant, name);
        AuditEvent.Builder e =
                AuditEvent.of(
                                tenant,
                                by.actorKind(),
                                by.actor(),
                                rollback ? "prompt.rollback" : "prompt.publish")
                        .target("prompt", name)
                        .detail("version", v.version())
                        .detail("newVersion", created)
                        .detail("label", content.label())
                        .detail("canaryPercent", canary)
                        .requestId(context == null ? null : context.requestId());
        if (context != null) {
            // the publisher's name and roles beside the hash, as AuditEvent.by would record them
            e.actorName(
                    context.publisher().name(),
                    context.publisher().roles().stream()
                            .map(io.gatehouse.shared.Role::wireName)
                            .toList());
            e.detail("changeId", context.changeId().toString());
        }
        if (by.seed()) {
            e.detail("seed", true);
        }
        audit.recordInTransaction(e.build());
        return v.version();
    }

    /**
     * The version most recently made live, as change content (what a new change is diffed against).
     */
    @Transactional
    public Optional<LiveVersion> live(TenantId tenant, String name) {
        return repo.find(tenant.value(), name)
                .filter(p -> p.liveVersion() != null)
                .flatMap(
                        p ->
                                repo.version(p.id(), p.liveVersion())
                                        .map(
                                                v ->
                                                        new LiveVersion(
                                                                String.valueOf(v.version()),
                                                                contentOf(v, p.liveLabel()))));
    }

    /** The live version's number as committed now (a column read, never a cached entity). */
    @Transactional
    public Optional<String> committedVersion(TenantId tenant, String name) {
        return repo.liveVersion(tenant.value(), name).map(String::valueOf);
    }

    /** What a label serves now, loaded from the database (callers cache it). */
    @Transactional
    public Optional<ResolvedLabel> load(TenantId tenant, String name, String label) {
        Optional<PromptEntity> p = repo.find(tenant.value(), name);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        return repo.label(p.get().id(), label)
                .map(
                        l ->
                                new ResolvedLabel(
                                        label,
                                        published(
                                                name,
                                                repo.version(l.promptId(), l.version())
                                                        .orElseThrow()),
                                        l.canaryVersion() == null
                                                ? null
                                                : published(
                                                        name,
                                                        repo.version(
                                                                        l.promptId(),
                                                                        l.canaryVersion())
                                                                .orElseThrow()),
                                        l.canaryPercent()));
    }

    // ---- reads for the API

    /** A prompt with its labels and version history. */
    public record PromptView(
            String name,
            Integer liveVersion,
            List<LabelView> labels,
            List<VersionSummary> versions,
            Instant updatedAt) {}

    /** A label's version and canary split. */
    public record LabelView(
            String label,
            int version,
            Integer canaryVersion,
            int canaryPercent,
            UUID changeId,
            String updatedBy,
            Instant updatedAt) {}

    /** One entry of a prompt's version history. */
    public record VersionSummary(
            int version,
            String route,
            String publishedLabel,
            UUID changeId,
            String createdBy,
            Instant createdAt) {}

    /** A version's full content. */
    public record VersionView(VersionSummary summary, JsonObject content) {}

    @Transactional
    public List<PromptView> list(TenantId tenant) {
        return repo.all(tenant.value()).stream().map(p -> view(p, false)).toList();
    }

    @Transactional
    public Optional<PromptView> get(TenantId tenant, String name) {
        return repo.find(tenant.value(), name).map(p -> view(p, true));
    }

    @Transactional
    public Optional<VersionView> version(TenantId tenant, String name, int version) {
        return repo.find(tenant.value(), name)
                .flatMap(p -> repo.version(p.id(), version))
                .map(v -> new VersionView(summary(v), contentOf(v, null)));
    }

    private PromptView view(PromptEntity p, boolean withVersions) {
        List<LabelView> labels =
                repo.labels(p.id()).stream()
                        .map(
                                l ->
                                        new LabelView(
                                                l.label(),
                                                l.version(),
                                                l.canaryVersion(),
                                                l.canaryPercent(),
                                                l.changeId(),
                                                l.updatedBy(),
                                                l.updatedAt()))
                        .toList();
        List<VersionSummary> versions =
                withVersions
                        ? repo.versions(p.id()).stream().map(PromptRegistry::summary).toList()
                        : List.of();
        return new PromptView(p.name(), p.liveVersion(), labels, versions, p.updatedAt());
    }

    private static VersionSummary summary(PromptVersionEntity v) {
        return new VersionSummary(
                v.version(),
                v.route(),
                v.publishedLabel(),
                v.changeId(),
                v.createdBy(),
                v.createdAt());
    }

    /**
     * A version as content; with a label it is shaped like a change's content (for diffs vs live).
     */
    static JsonObject contentOf(PromptVersionEntity v, String label) {
        var b =
                Json.createObjectBuilder()
                        .add("messages", JsonInput.readArray(v.messages()))
                        .add("variables", JsonInput.readObject(v.variables()))
                        .add("route", v.route());
        if (label != null) {
            b.add("label", label);
        }
        b.add("parameters", JsonInput.readObject(v.parameters()));
        return b.build();
    }

    private static PublishedVersion published(String name, PromptVersionEntity v) {
        return new PublishedVersion(
                name,
                v.version(),
                JsonInput.readArray(v.messages()),
                JsonInput.readObject(v.variables()),
                v.route(),
                JsonInput.readObject(v.parameters()));
    }
}
