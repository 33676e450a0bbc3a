package io.gatehouse.governance.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.governance.internal.persistence.ChangeRequestEntity;
import io.gatehouse.governance.internal.persistence.CommentEntity;
import io.gatehouse.governance.internal.persistence.JpaChangeRequests;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.Role;
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
        if (parentId != null && repo.comment(c.id(), parentId).isEmpty()) {
            throw new ValidationException(
                    "parentId", "parentId names no comment of this change request");
        }
        CommentEntity m =
                ChangeRequestService.addComment(
                        repo, c, caller, "comment", body, Instant.now(), parentId);
        repo.flush();
        audit.recordInTransaction(
                AuditEvent.by(caller, "change.comment")
                        .target("change", c.id())
                        .detail("kind", c.kind())
                        .detail("target", c.target())
                        .detail("state", c.state())
                        .detail("revision", c.revision())
                        // like every change event, so the lineage graph lists it with its change
                        .detail(LineageKeys.CHANGE_ID, c.id().toString())
                        .detail("comment", body)
                        .detail("commentId", m.id().toString())
                        .detail("parentId", parentId == null ? null : parentId.toString())
                        .requestId(requestId)
                        .build());
        return views.of(c, kinds.named(c.kind()));
    }
}
