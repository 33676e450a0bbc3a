package io.gatehouse.governance.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.governance.internal.persistence.ChangeRequestEntity;
import io.gatehouse.governance.internal.persistence.CommentEntity;
import io.gatehouse.governance.internal.persistence.JpaChangeRequests;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ConflictException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;

/**
 * A comment on a change outside any transition: it changes no state, so it takes no row lock and is
 * not part of the state machine ({@link ChangeRequestService}); the comment row and its {@code
 * change.comment} event commit together. A comment may answer another comment of the same change
 * (its parent): the console shows them as a thread with replies.
 */
@ApplicationScoped
public class ChangeComments {
    /** The deepest reply: a comment of its own is level 0, a reply to it level 1. */
    public static final int MAX_DEPTH = 8;

    /** Comments of one change request (those given with workflow actions included). */
    public static final int MAX_COMMENTS = 1000;

    @Inject JpaChangeRequests repo;
    @Inject AuditRecorder audit;
    @Inject ChangeKinds kinds;
    @Inject ChangeViews views;

    @Transactional
    public ChangeView comment(Caller caller, String requestId, UUID id, String body) {
        return comment(caller, requestId, id, body, null);
    }

    /**
     * A comment, or with {@code parentId} a reply to a comment of the same change (400 naming
     * {@code parentId} for any other id: another change's comment is not this one's to answer).
     */
    @Transactional
    public ChangeView comment(
            Caller caller, String requestId, UUID id, String body, UUID parentId) {
        ChangeRequestService.requireAny(caller, Role.AUTHOR, Role.REVIEWER, Role.ADMIN);
        if (body == null || body.isBlank()) {
            throw new ValidationException("comment", "comment is required");
        }
        ChangeRequestService.checkComment(body);
        ChangeRequestEntity c = views.find(caller, id);
        if (parentId != null) {
            checkDepth(c.id(), parentId);
        }
        if (repo.commentCount(c.id()) >= MAX_COMMENTS) {
            throw new ConflictException(
                    "too_many_comments",
                    "A change request holds at most "
                            + MAX_COMMENTS
                            + " comments; this one has reached it");
        }
        CommentEntity m =
                ChangeRequestService.addComment(
                        repo, c, caller, "comment", body, Instant.now(), parentId);
        repo.flush();
        AuditEvent.Builder event =
                AuditEvent.by(caller, "change.comment")
                        .target("change", c.id())
                        .detail("kind", c.kind())
                        .detail("target", c.target())
                        .detail("state", c.state())
                        .detail("revision", c.revision())
                        // like every change event, so the lineage graph lists it with its change
                        .detail(LineageKeys.CHANGE_ID, c.id().toString())
                        .detail("comment", body)
                        .detail("comment.id", m.id().toString())
                        .requestId(requestId);
        if (parentId != null) {
            // a reply names the comment it answers (docs/audit.md: namespaced keys)
            event.detail("comment.parent_id", parentId.toString());
        }
        audit.recordInTransaction(event.build());
        return views.of(c, kinds.named(c.kind()));
    }

    /**
     * 400 naming {@code parentId} unless it is a comment of this change whose reply would be at
     * most {@link #MAX_DEPTH} levels deep (a comment of its own is level 0). Walks at most that
     * many parents, so a long chain costs a bounded number of reads.
     */
    private void checkDepth(UUID change, UUID parentId) {
        CommentEntity p =
                repo.comment(change, parentId)
                        .orElseThrow(
                                () ->
                                        new ValidationException(
                                                "parentId",
                                                "parentId names no comment of this change"
                                                        + " request"));
        int depth = 1;
        while (p.parentId() != null) {
            depth++;
            if (depth > MAX_DEPTH) {
                throw new ValidationException(
                        "reply_too_deep",
                        "parentId",
                        "A reply may be at most "
                                + MAX_DEPTH
                                + " levels deep; answer a comment higher up the thread");
            }
            p = repo.comment(change, p.parentId()).orElseThrow();
        }
    }
}
