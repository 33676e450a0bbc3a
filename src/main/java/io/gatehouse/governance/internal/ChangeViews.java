package io.gatehouse.governance.internal;

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
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The read side of change requests: one change with its content (secrets masked), diff, revisions,
 * reviews and comments, and the tenant's list. It writes nothing; the state machine ({@link
 * ChangeRequestService}) answers each transition with {@link #of}.
 */
@ApplicationScoped
public class ChangeViews {
    @Inject JpaChangeRequests repo;
    @Inject ChangeKinds kinds;
    @Inject ApprovalPolicies approvalPolicies;

    /** One change of the caller's tenant, with the live version and whether it needs a rebase. */
    @Transactional
    public ChangeView get(Caller caller, UUID id) {
        ChangeRequestEntity c = find(caller, id);
        return view(c, kinds.named(c.kind()), true);
    }

    /**
     * What is live now for {@code kind}'s {@code target} in the caller's tenant, with secret fields
     * masked, so that an authoring form starts from it; 404 {@code not_live} when nothing of that
     * name is live there (also when another tenant has it), 400 for an unknown kind.
     */
    @Transactional
    public LiveVersion live(Caller caller, String kind, String target) {
        ChangeKind k = kinds.named(kind);
        if (target == null || target.isBlank() || target.length() > 200) {
            throw new ValidationException("target", "target is 1 to 200 characters");
        }
        LiveVersion v =
                k.live(caller.tenant(), target)
                        .orElseThrow(
                                () ->
                                        new NotFoundException(
                                                "not_live",
                                                "No "
                                                        + kind
                                                        + " named '"
                                                        + target
                                                        + "' is live in this tenant"));
        jakarta.json.JsonObjectBuilder masked = jakarta.json.Json.createObjectBuilder(v.content());
        for (String field : k.secretFields()) {
            // a kind's live content should never carry a secret; masked here all the same
            if (v.content().containsKey(field)
                    && v.content().get(field).getValueType()
                            != jakarta.json.JsonValue.ValueType.NULL) {
                masked.add(field, ContentDiff.MASK);
            }
        }
        return new LiveVersion(v.version(), masked.build());
    }

    /** The caller's tenant's changes, newest first: summaries without content, diff or reviews. */
    @Transactional
    public List<ChangeView> list(
            Caller caller,
            String state,
            String kind,
            String target,
            String postHocReview,
            int limit) {
        if (state != null && ChangeState.fromWireName(state).isEmpty()) {
            throw new ValidationException("state", "Unknown state '" + state + "'");
        }
        if (postHocReview != null && !Set.of("pending", "done").contains(postHocReview)) {
            throw new ValidationException("postHocReview", "postHocReview is pending or done");
        }
        List<ChangeRequestEntity> found =
                repo.list(caller.tenant().value(), state, kind, target, postHocReview, limit);
        Map<UUID, List<ChangeRevisionEntity>> revisions = new HashMap<>();
        for (ChangeRevisionEntity r :
                repo.revisions(found.stream().map(ChangeRequestEntity::id).toList())) {
            revisions.computeIfAbsent(r.changeId(), x -> new ArrayList<>()).add(r);
        }
        List<ChangeView> out = new ArrayList<>();
        for (ChangeRequestEntity c : found) {
            out.add(summary(c, revisions.getOrDefault(c.id(), List.of())));
        }
        return out;
    }

    /** A change of the caller's tenant; 404 for any other (never says whose it is). */
    ChangeRequestEntity find(Caller caller, UUID id) {
        return repo.find(caller.tenant().value(), id).orElseThrow(ChangeViews::notFound);
    }

    static NotFoundException notFound() {
        return new NotFoundException("change_not_found", "No such change request");
    }

    /** The change as a transition leaves it (inside its transaction), without the live version. */
    ChangeView of(ChangeRequestEntity c, ChangeKind k) {
        return view(c, k, false);
    }

    private ChangeView summary(ChangeRequestEntity c, List<ChangeRevisionEntity> revisions) {
        return build(c, revisions, repo.reviews(c.id()), Details.NONE);
    }

    private static List<ChangeView.Revision> revisionViews(List<ChangeRevisionEntity> revisions) {
        List<ChangeView.Revision> out = new ArrayList<>();
        for (ChangeRevisionEntity r : revisions) {
            out.add(
                    new ChangeView.Revision(
                            r.revision(),
                            r.createdBy(),
                            r.createdByName(),
                            r.action(),
                            r.createdAt()));
        }
        return out;
    }

    private ChangeView view(ChangeRequestEntity c, ChangeKind k, boolean withLive) {
        String liveVersion = null;
        boolean rebaseRequired = false;
        if (withLive) {
            liveVersion =
                    k.live(new TenantId(c.tenantId()), c.target())
                            .map(LiveVersion::version)
                            .orElse(null);
            ChangeState s = ChangeState.fromWireName(c.state()).orElseThrow();
            rebaseRequired =
                    !Objects.equals(liveVersion, c.baseVersion())
                            && (s == ChangeState.DRAFT
                                    || s == ChangeState.IN_REVIEW
                                    || s == ChangeState.APPROVED
                                    || s == ChangeState.CHANGES_REQUESTED);
        }
        List<ChangeRevisionEntity> revisions = repo.revisions(c.id());
        List<ReviewEntity> reviewRows = repo.reviews(c.id());
        List<ChangeView.Review> reviews = new ArrayList<>();
        for (ReviewEntity r : reviewRows) {
            reviews.add(
                    new ChangeView.Review(
                            r.reviewerId(),
                            r.reviewerName(),
                            r.decision(),
                            r.revision(),
                            r.comment(),
                            r.createdAt()));
        }
        List<ChangeView.Comment> comments = new ArrayList<>();
        for (CommentEntity m : repo.comments(c.id())) {
            comments.add(
                    new ChangeView.Comment(
                            m.id(),
                            m.parentId(),
                            m.authorId(),
                            m.authorName(),
                            m.action(),
                            m.body(),
                            m.createdAt()));
        }
        List<ChangeView.Person> rollbackOfAuthors = List.of();
        if (c.rollbackOf() != null) {
            // who may not give the review after the fact: ApprovalRule's exclusion, by name
            rollbackOfAuthors =
                    repo.find(c.tenantId(), c.rollbackOf())
                            .map(earlier -> people(earlier, repo.revisions(earlier.id())))
                            .orElse(List.of());
        }
        return build(
                c,
                revisions,
                reviewRows,
                new Details(
                        ContentDiff.mask(JsonInput.readObject(c.content()), k.secretFields()),
                        liveVersion,
                        rebaseRequired,
                        JsonInput.readArray(c.diff()),
                        reviews,
                        comments,
                        rollbackOfAuthors));
    }

    /** Everyone who authored a revision of {@code c}, each once, the creator first. */
    private static List<ChangeView.Person> people(
            ChangeRequestEntity c, List<ChangeRevisionEntity> revisions) {
        Map<String, ChangeView.Person> out = new java.util.LinkedHashMap<>();
        out.put(c.authorId(), new ChangeView.Person(c.authorId(), c.authorName()));
        for (ChangeRevisionEntity r : revisions) {
            out.putIfAbsent(r.createdBy(), new ChangeView.Person(r.createdBy(), r.createdByName()));
        }
        return List.copyOf(out.values());
    }

    /** What a single read shows beyond a list's summary. */
    private record Details(
            JsonObject content,
            String liveVersion,
            boolean rebaseRequired,
            JsonArray diff,
            List<ChangeView.Review> reviews,
            List<ChangeView.Comment> comments,
            List<ChangeView.Person> rollbackOfAuthors) {
        static final Details NONE =
                new Details(null, null, false, null, List.of(), List.of(), List.of());
    }

    private ChangeView build(
            ChangeRequestEntity c,
            List<ChangeRevisionEntity> revisions,
            List<ReviewEntity> reviews,
            Details d) {
        return new ChangeView(
                c.id(),
                c.kind(),
                c.target(),
                c.state(),
                c.revision(),
                d.content(),
                c.baseVersion(),
                d.liveVersion(),
                d.rebaseRequired(),
                d.diff(),
                c.risk(),
                approvalPolicies.requiredApprovals(c),
                ApprovalRule.approvers(
                        c.revision(), reviews, ApprovalRule.authors(c.authorId(), revisions)),
                c.authorId(),
                c.authorName(),
                c.createdAt(),
                c.updatedAt(),
                c.submittedAt(),
                c.publishedAt(),
                c.publishedBy(),
                c.publishedVersion(),
                c.rollbackOf(),
                c.postHocReview(),
                revisionViews(revisions),
                d.reviews(),
                d.comments(),
                d.rollbackOfAuthors(),
                approvalPolicies.requiresEvidence(c),
                c.evidenceOverride() == null ? null : JsonInput.readObject(c.evidenceOverride()));
    }
}
