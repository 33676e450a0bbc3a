package io.gatehouse.governance.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.ContentDiff;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.internal.persistence.ChangeRequestEntity;
import io.gatehouse.governance.internal.persistence.ChangeRevisionEntity;
import io.gatehouse.governance.internal.persistence.CommentEntity;
import io.gatehouse.governance.internal.persistence.JpaChangeRequests;
import io.gatehouse.governance.internal.persistence.ReviewEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ConflictException;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Runs every change request transition: checks who may do it, applies the state machine, and writes
 * the new state, its audit event and its webhook outbox rows in one transaction. The row is locked
 * first (SELECT ... FOR UPDATE), so concurrent actions on one change are serialized and the later
 * one sees the earlier one's outcome.
 *
 * <p>Long on purpose: every action of the state machine goes through one locked {@code transition}
 * (authorization, state, audit event, webhook outbox in one transaction); split by action, the
 * state machine would be spread over several classes. How many approvals a change needs is {@link
 * ApprovalPolicies}'s, whose approvals count is {@link ApprovalRule}'s, whether the evidence allows
 * publishing (and an override) is {@link EvidenceGate}'s; reading changes (one, the list, their
 * diffs and history) is {@link ChangeViews}'s; a comment outside a transition is {@link
 * ChangeComments}'s.
 */
@ApplicationScoped
public class ChangeRequestService {
    private static final int MAX_COMMENT = 10_000;

    @Inject JpaChangeRequests repo;
    @Inject AuditRecorder audit;
    @Inject ChangeKinds kinds;
    @Inject ChangeViews views;
    @Inject WebhookOutbox outbox;
    @Inject Event<ChangeTransition> transitions;
    @Inject ApprovalPolicies approvalPolicies;
    @Inject EvidenceGate evidenceGate;

    @Transactional
    public ChangeView create(
            Caller caller,
            String requestId,
            String kind,
            String target,
            JsonObject content,
            String comment) {
        requireAny(caller, Role.AUTHOR, Role.ADMIN);
        if (kind == null || !ChangeKinds.NAME.matcher(kind).matches()) {
            throw new ValidationException("kind", "kind is required");
        }
        if (target == null || target.isBlank() || target.length() > 200) {
            throw new ValidationException("target", "target is required (at most 200 characters)");
        }
        if (content == null) {
            throw new ValidationException("content", "content must be a JSON object");
        }
        checkComment(comment);
        TenantId tenant = caller.tenant();
        ChangeKind k = kinds.named(kind);
        JsonObject normalized = ChangeKinds.validated(k, tenant, target, content);
        Optional<LiveVersion> live = k.live(tenant, target);
        Instant now = Instant.now();
        ChangeRequestEntity c = new ChangeRequestEntity();
        c.id(UUID.randomUUID());
        c.tenantId(tenant.value());
        c.kind(kind);
        c.target(target);
        c.state(ChangeState.DRAFT.wireName());
        c.revision(1);
        c.content(normalized.toString());
        baseOn(c, live, normalized, k);
        c.risk(k.risk(tenant, target, normalized, live).name());
        c.authorId(caller.subject());
        c.authorName(caller.name());
        c.createdAt(now);
        c.updatedAt(now);
        repo.add(c);
        addRevision(c, caller, now, "create");
        addComment(repo, c, caller, "create", comment, now);
        repo.flush();
        transition(c, caller, requestId, "create", null, Set.of());
        return views.of(c, k);
    }

    @Transactional
    public ChangeView revise(
            Caller caller, String requestId, UUID id, JsonObject content, String comment) {
        requireAny(caller, Role.AUTHOR, Role.ADMIN);
        if (content == null) {
            throw new ValidationException("content", "content must be a JSON object");
        }
        checkComment(comment);
        ChangeRequestEntity c = lock(caller, id);
        requireAuthorOrAdmin(caller, c);
        ChangeState from = state(c);
        ChangeState to = ChangeWorkflow.next(from, ChangeAction.REVISE, false);
        ChangeKind k = kinds.named(c.kind());
        TenantId tenant = caller.tenant();
        JsonObject normalized = ChangeKinds.validated(k, tenant, c.target(), content);
        Optional<LiveVersion> live = k.live(tenant, c.target());
        Instant now = Instant.now();
        c.content(normalized.toString());
        baseOn(c, live, normalized, k);
        c.risk(k.risk(tenant, c.target(), normalized, live).name());
        c.revision(c.revision() + 1);
        c.state(to.wireName());
        c.updatedAt(now);
        addRevision(c, caller, now, "revise");
        addComment(repo, c, caller, "revise", comment, now);
        repo.flush();
        transition(c, caller, requestId, "revise", from, Set.of());
        return views.of(c, k);
    }

    @Transactional
    public ChangeView submit(Caller caller, String requestId, UUID id, String comment) {
        return authorAction(caller, requestId, id, comment, ChangeAction.SUBMIT, "submit");
    }

    @Transactional
    public ChangeView withdraw(Caller caller, String requestId, UUID id, String comment) {
        return authorAction(caller, requestId, id, comment, ChangeAction.WITHDRAW, "withdraw");
    }

    /** A transition only the change's author (or an admin) may make: submit, withdraw. */
    private ChangeView authorAction(
            Caller caller,
            String requestId,
            UUID id,
            String comment,
            ChangeAction action,
            String verb) {
        requireAny(caller, Role.AUTHOR, Role.ADMIN);
        checkComment(comment);
        ChangeRequestEntity c = lock(caller, id);
        requireAuthorOrAdmin(caller, c);
        ChangeState from = state(c);
        c.state(ChangeWorkflow.next(from, action, false).wireName());
        Instant now = Instant.now();
        if (action == ChangeAction.SUBMIT) {
            c.submittedAt(now);
        }
        c.updatedAt(now);
        addComment(repo, c, caller, verb, comment, now);
        repo.flush();
        transition(c, caller, requestId, verb, from, Set.of());
        return views.of(c, kinds.named(c.kind()));
    }

    /**
     * An approval. Nobody who authored any revision of the change (created, revised, rebased or
     * rolled it back) approves it (403); nobody approves one revision twice (409). On a published
     * break-glass rollback it is the review after the fact, which also excludes the authors of the
     * change whose content the rollback re-applied.
     */
    @Transactional
    public ChangeView approve(Caller caller, String requestId, UUID id, String comment) {
        requireAny(caller, Role.REVIEWER, Role.ADMIN);
        checkComment(comment);
        ChangeRequestEntity c = lock(caller, id);
        ChangeState from = state(c);
        boolean postHoc = from == ChangeState.PUBLISHED && "pending".equals(c.postHocReview());
        Set<String> authors = authorIds(c);
        if (postHoc && c.rollbackOf() != null) {
            repo.find(c.tenantId(), c.rollbackOf())
                    .ifPresent(earlier -> authors.addAll(authorIds(earlier)));
        }
        requireNotAuthor(caller, authors, postHoc ? "review" : "approve");
        Instant now = Instant.now();
        if (postHoc) {
            addReview(c, caller, "post_hoc", comment, now);
            addComment(repo, c, caller, "post-hoc-review", comment, now);
            c.postHocReview("done");
            c.updatedAt(now);
            repo.flush();
            transition(c, caller, requestId, "post_hoc_review", from, Set.of());
            return views.of(c, kinds.named(c.kind()));
        }
        List<String> approvers = approvers(c, authors);
        if (approvers.contains(caller.subject())) {
            throw new ConflictException(
                    "already_approved",
                    "You have already approved revision " + c.revision() + " of this change");
        }
        int required = approvalPolicies.requiredApprovals(c);
        ChangeState to =
                ChangeWorkflow.next(from, ChangeAction.APPROVE, approvers.size() + 1 >= required);
        requireLiveBase(c, caller.tenant(), "approve");
        addReview(c, caller, "approve", comment, now);
        addComment(repo, c, caller, "approve", comment, now);
        c.state(to.wireName());
        c.updatedAt(now);
        repo.flush();
        transition(
                c,
                caller,
                requestId,
                "approve",
                from,
                Set.of(
                        new Detail("approvals", approvers.size() + 1),
                        new Detail("requiredApprovals", required)));
        return views.of(c, kinds.named(c.kind()));
    }

    @Transactional
    public ChangeView reject(Caller caller, String requestId, UUID id, String comment) {
        return review(caller, requestId, id, comment, ChangeAction.REJECT, "reject");
    }

    @Transactional
    public ChangeView requestChanges(Caller caller, String requestId, UUID id, String comment) {
        return review(
                caller, requestId, id, comment, ChangeAction.REQUEST_CHANGES, "request_changes");
    }

    private ChangeView review(
            Caller caller,
            String requestId,
            UUID id,
            String comment,
            ChangeAction action,
            String decision) {
        requireAny(caller, Role.REVIEWER, Role.ADMIN);
        checkComment(comment);
        ChangeRequestEntity c = lock(caller, id);
        requireNotAuthor(
                caller,
                authorIds(c),
                action == ChangeAction.REJECT ? "reject" : "request changes on");
        ChangeState from = state(c);
        c.state(ChangeWorkflow.next(from, action, false).wireName());
        Instant now = Instant.now();
        addReview(c, caller, decision, comment, now);
        addComment(repo, c, caller, action.verb(), comment, now);
        c.updatedAt(now);
        repo.flush();
        transition(c, caller, requestId, decision, from, Set.of());
        return views.of(c, kinds.named(c.kind()));
    }

    /**
     * Re-bases the change on what is live now: the diff and risk are recomputed and the revision
     * advances, so approvals given against the old base no longer count.
     */
    @Transactional
    public ChangeView rebase(Caller caller, String requestId, UUID id, String comment) {
        requireAny(caller, Role.AUTHOR, Role.ADMIN);
        checkComment(comment);
        ChangeRequestEntity c = lock(caller, id);
        requireAuthorOrAdmin(caller, c);
        ChangeKind k = kinds.named(c.kind());
        TenantId tenant = caller.tenant();
        Optional<LiveVersion> live = k.live(tenant, c.target());
        String liveVersion = live.map(LiveVersion::version).orElse(null);
        ChangeState from = state(c);
        if (Objects.equals(liveVersion, c.baseVersion())) {
            throw new ConflictException(
                    "nothing_to_rebase", "The change is already based on the live version");
        }
        ChangeState to = ChangeWorkflow.next(from, ChangeAction.REBASE, false);
        JsonObject content = JsonInput.readObject(c.content());
        Instant now = Instant.now();
        baseOn(c, live, content, k);
        c.risk(k.risk(tenant, c.target(), content, live).name());
        c.revision(c.revision() + 1);
        c.state(to.wireName());
        c.updatedAt(now);
        addRevision(c, caller, now, "rebase");
        addComment(repo, c, caller, "rebase", comment, now);
        repo.flush();
        transition(c, caller, requestId, "rebase", from, Set.of());
        return views.of(c, k);
    }

    /**
     * 409 {@code rebase_required} unless the change is still based on what is live, as committed in
     * the database (not a cache): neither approving nor publishing a change whose base has moved
     * means anything, since a rebase restarts the review (issue 21: approve refuses it too; reject
     * and request-changes stay allowed).
     */
    private void requireLiveBase(ChangeRequestEntity c, TenantId tenant, String verb) {
        String liveVersion =
                kinds.named(c.kind()).committedVersion(tenant, c.target()).orElse(null);
        if (!Objects.equals(liveVersion, c.baseVersion())) {
            throw new ConflictException(
                    "rebase_required",
                    "Cannot "
                            + verb
                            + ": the change is based on version "
                            + c.baseVersion()
                            + " but "
                            + liveVersion
                            + " is live now; rebase it and have it reviewed again");
        }
    }

    /**
     * Publishes an approved change: it must have the approvals its risk needs now, and its base
     * must still be what is live. The target is locked in PostgreSQL first and the live version
     * read from the database (not a cache) under that lock, so of two publishes of one target, on
     * any instances, the second sees the first and gets 409 {@code rebase_required}. The kind
     * applies it inside this transaction; the previously published change of the same target is
     * superseded.
     */
    @Transactional
    public ChangeView publish(Caller caller, String requestId, UUID id, String comment) {
        return publish(caller, requestId, id, comment, null);
    }

    /**
     * Publishes, with {@code override} (null: none) of a failed evaluation run when an approval
     * rule requires evidence ({@link EvidenceGate}): checked under the same locks as the rest, so
     * neither a run finishing nor a revision arriving meanwhile lets stale evidence through. The
     * override is recorded on the change and in the publish event's details.
     */
    @Transactional
    public ChangeView publish(
            Caller caller,
            String requestId,
            UUID id,
            String comment,
            EvidenceGate.EvidenceOverride override) {
        requireAny(caller, Role.ADMIN);
        checkComment(comment);
        ChangeRequestEntity c = lock(caller, id);
        repo.lockTarget(c.tenantId(), c.kind(), c.target());
        ChangeState from = state(c);
        ChangeState to = ChangeWorkflow.next(from, ChangeAction.PUBLISH, true);
        int required = approvalPolicies.requiredApprovals(c);
        Set<String> authors = authorIds(c);
        List<String> approvers = approvers(c, authors);
        if (approvers.size() < required) {
            throw new ConflictException(
                    "not_enough_approvals",
                    "The change has "
                            + approvers.size()
                            + " of "
                            + required
                            + " required approvals");
        }
        ChangeKind k = kinds.named(c.kind());
        TenantId tenant = caller.tenant();
        requireLiveBase(c, tenant, "publish");
        Instant now = Instant.now();
        EvidenceGate.Outcome evidence =
                evidenceGate.check(
                        c,
                        caller,
                        approvalPolicies.requiresEvidence(c),
                        required,
                        repo.reviews(c.id()),
                        authors,
                        override,
                        now);
        if (evidence.override() != null) {
            c.evidenceOverride(evidence.override().toString());
        }
        supersedePublished(caller, requestId, c, now);
        String version =
                k.apply(
                        tenant,
                        c.target(),
                        JsonInput.readObject(c.content()),
                        new ChangeContext(c.id(), caller, requestId, false));
        c.state(to.wireName());
        c.publishedAt(now);
        c.publishedBy(caller.subject());
        c.publishedVersion(version);
        c.updatedAt(now);
        addComment(repo, c, caller, "publish", comment, now);
        repo.flush();
        Set<Detail> details = new java.util.LinkedHashSet<>();
        details.add(new Detail("version", version));
        evidence.auditDetails().forEach((key, value) -> details.add(new Detail(key, value)));
        transition(c, caller, requestId, "publish", from, details);
        return views.of(c, k);
    }

    /**
     * Break-glass: re-applies an earlier published version at once, without review. It becomes a
     * new, published change flagged as a rollback, with a review after the fact pending, and is
     * audited as break-glass.
     */
    @Transactional
    public ChangeView rollback(Caller caller, String requestId, UUID id, String comment) {
        requireAny(caller, Role.ADMIN);
        checkComment(comment);
        ChangeRequestEntity earlier = lock(caller, id);
        ChangeState earlierState = state(earlier);
        if (earlierState == ChangeState.PUBLISHED) {
            throw new ConflictException("already_live", "This change is the one published now");
        }
        if (earlierState != ChangeState.SUPERSEDED) {
            throw new ConflictException(
                    "illegal_transition",
                    "Only an earlier published (now superseded) change can be rolled back to; this one is "
                            + earlierState.wireName().replace('_', ' '));
        }
        repo.lockTarget(earlier.tenantId(), earlier.kind(), earlier.target());
        ChangeKind k = kinds.named(earlier.kind());
        TenantId tenant = caller.tenant();
        JsonObject content = JsonInput.readObject(earlier.content());
        Optional<LiveVersion> live = k.live(tenant, earlier.target());
        Instant now = Instant.now();
        ChangeRequestEntity r = new ChangeRequestEntity();
        r.id(UUID.randomUUID());
        r.tenantId(tenant.value());
        r.kind(earlier.kind());
        r.target(earlier.target());
        r.revision(1);
        r.content(earlier.content());
        baseOn(r, live, content, k);
        r.risk(earlier.risk());
        r.authorId(caller.subject());
        r.authorName(caller.name());
        r.createdAt(now);
        r.updatedAt(now);
        r.submittedAt(now);
        r.rollbackOf(earlier.id());
        r.postHocReview("pending");
        r.state(ChangeState.PUBLISHED.wireName());
        r.publishedAt(now);
        r.publishedBy(caller.subject());
        repo.add(r);
        addRevision(r, caller, now, "rollback");
        supersedePublished(caller, requestId, r, now);
        r.publishedVersion(
                k.apply(
                        tenant,
                        earlier.target(),
                        content,
                        new ChangeContext(earlier.id(), caller, requestId, true)));
        addComment(repo, r, caller, "rollback", comment, now);
        repo.flush();
        transition(
                r,
                caller,
                requestId,
                "rollback",
                null,
                Set.of(
                        new Detail("breakGlass", true),
                        new Detail("rollbackOf", earlier.id().toString()),
                        new Detail("version", r.publishedVersion())));
        return views.of(r, k);
    }

    // ---- helpers

    /** Who approved the current revision and counts (never one of {@code authors}). */
    private List<String> approvers(ChangeRequestEntity c, Set<String> authors) {
        return ApprovalRule.approvers(c.revision(), repo.reviews(c.id()), authors);
    }

    /** Everyone who authored a revision of the change: its creator and each revision's author. */
    private Set<String> authorIds(ChangeRequestEntity c) {
        return ApprovalRule.authors(c.authorId(), repo.revisions(c.id()));
    }

    private static void requireNotAuthor(Caller caller, Set<String> authors, String verb) {
        if (authors.contains(caller.subject())) {
            throw new ForbiddenException(
                    "own_change",
                    "You authored a revision of this change (created, revised, rebased or rolled it back), so"
                            + " you cannot "
                            + verb
                            + " it: someone who authored none of it must review it");
        }
    }

    private void supersedePublished(
            Caller caller, String requestId, ChangeRequestEntity by, Instant now) {
        for (ChangeRequestEntity p : repo.publishedOf(by.tenantId(), by.kind(), by.target())) {
            if (p.id().equals(by.id())) {
                continue;
            }
            ChangeState from = state(p);
            p.state(ChangeWorkflow.next(from, ChangeAction.SUPERSEDE, false).wireName());
            p.updatedAt(now);
            transition(
                    p,
                    caller,
                    requestId,
                    "supersede",
                    from,
                    Set.of(new Detail("supersededBy", by.id().toString())));
        }
    }

    private record Detail(String key, Object value) {}

    /** Audit event (same transaction), webhook outbox rows, and the CDI event for observers. */
    private void transition(
            ChangeRequestEntity c,
            Caller caller,
            String requestId,
            String action,
            ChangeState from,
            Set<Detail> extra) {
        AuditEvent.Builder e =
                AuditEvent.by(caller, "change." + action)
                        .target("change", c.id())
                        .detail("kind", c.kind())
                        .detail("target", c.target())
                        .detail("from", from == null ? null : from.wireName())
                        .detail("to", c.state())
                        .detail("revision", c.revision())
                        .detail("risk", c.risk())
                        .requestId(requestId);
        e.detail(io.gatehouse.audit.LineageKeys.CHANGE_ID, c.id().toString());
        for (Detail d : extra) {
            e.detail(d.key(), d.value());
            if (d.key().equals("version")) {
                // the lineage graph links requests to the change that made their version live, in
                // the form the gateway's events name it (a prompt's "3" is "<name>/v3")
                ChangeKind k = kinds.named(c.kind());
                k.lineageKey()
                        .ifPresent(
                                key ->
                                        e.detail(
                                                key,
                                                k.lineageVersion(
                                                        c.target(), String.valueOf(d.value()))));
            }
        }
        audit.recordInTransaction(e.build());
        ChangeTransition t =
                new ChangeTransition(
                        new TenantId(c.tenantId()),
                        c.id(),
                        c.kind(),
                        c.target(),
                        action,
                        from == null ? null : from.wireName(),
                        c.state(),
                        c.revision(),
                        caller.subject(),
                        requestId,
                        Instant.now());
        outbox.enqueue(t, caller.name());
        transitions.fire(t);
    }

    private ChangeRequestEntity lock(Caller caller, UUID id) {
        return repo.lock(caller.tenant().value(), id).orElseThrow(ChangeViews::notFound);
    }

    /**
     * Bases the change's content on {@code live} (nothing live: a new target): the base version and
     * the diff against it, secrets masked.
     */
    private static void baseOn(
            ChangeRequestEntity c, Optional<LiveVersion> live, JsonObject content, ChangeKind k) {
        c.baseVersion(live.map(LiveVersion::version).orElse(null));
        c.diff(
                ContentDiff.between(
                                live.map(LiveVersion::content).orElse(null),
                                content,
                                k.secretFields())
                        .toString());
    }

    private static ChangeState state(ChangeRequestEntity c) {
        return ChangeState.fromWireName(c.state()).orElseThrow();
    }

    static void requireAny(Caller caller, Role... roles) {
        for (Role r : roles) {
            if (caller.has(r)) {
                return;
            }
        }
        throw new ForbiddenException("This action needs the role " + roles[0].wireName());
    }

    private static void requireAuthorOrAdmin(Caller caller, ChangeRequestEntity c) {
        if (!c.authorId().equals(caller.subject()) && !caller.has(Role.ADMIN)) {
            throw new ForbiddenException(
                    "not_author", "Only the change's author or an admin may do this");
        }
    }

    static void checkComment(String comment) {
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw new ValidationException("comment", "comment is at most 10000 characters");
        }
    }

    private void addRevision(ChangeRequestEntity c, Caller caller, Instant now, String action) {
        ChangeRevisionEntity r = new ChangeRevisionEntity();
        r.changeId(c.id());
        r.revision(c.revision());
        r.tenantId(c.tenantId());
        r.content(c.content());
        r.baseVersion(c.baseVersion());
        r.diff(c.diff());
        r.risk(c.risk());
        r.createdBy(caller.subject());
        r.createdByName(caller.name());
        r.action(action);
        r.createdAt(now);
        repo.add(r);
    }

    private void addReview(
            ChangeRequestEntity c, Caller caller, String decision, String comment, Instant now) {
        ReviewEntity r = new ReviewEntity();
        r.id(UUID.randomUUID());
        r.changeId(c.id());
        r.tenantId(c.tenantId());
        r.revision(c.revision());
        r.reviewerId(caller.subject());
        r.reviewerName(caller.name());
        r.decision(decision);
        r.comment(blankToNull(comment));
        r.createdAt(now);
        repo.add(r);
    }

    /** A comment row beside the change (none for a blank body), in the caller's transaction. */
    static void addComment(
            JpaChangeRequests repo,
            ChangeRequestEntity c,
            Caller caller,
            String action,
            String body,
            Instant now) {
        addComment(repo, c, caller, action, body, now, null);
    }

    /**
     * A comment row, answering {@code parentId} (null: none), written once: comments are never
     * updated (the application's role may only insert them). Null for a blank body.
     */
    static CommentEntity addComment(
            JpaChangeRequests repo,
            ChangeRequestEntity c,
            Caller caller,
            String action,
            String body,
            Instant now,
            UUID parentId) {
        if (body == null || body.isBlank()) {
            return null;
        }
        CommentEntity m = new CommentEntity();
        m.id(UUID.randomUUID());
        m.changeId(c.id());
        m.tenantId(c.tenantId());
        m.authorId(caller.subject());
        m.authorName(caller.name());
        m.action(action);
        m.parentId(parentId);
        m.body(body);
        m.createdAt(now);
        repo.add(m);
        return m;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
