package io.gatehouse.governance.internal;

import io.gatehouse.shared.error.ConflictException;

/**
 * The state machine of a change request. Pure logic: which action is legal in which state and where
 * it leads. Illegal transitions are 409 with a reason a person can act on.
 *
 * <pre>
 * draft --submit--> in_review --approve (enough)--> approved --publish--> published --> superseded
 *   ^                 |  |  \--reject--> rejected
 *   |                 |  \--request-changes--> changes_requested --revise--> draft
 *   +----revise-------+ (only draft and changes_requested take a new revision)
 * draft, in_review, changes_requested, approved --withdraw--> withdrawn
 * </pre>
 */
public final class ChangeWorkflow {
    private ChangeWorkflow() {}

    /**
     * The state after {@code action}, or a 409 naming why it is not allowed now.
     *
     * @param enoughApprovals for APPROVE: whether the approvals (this one included) meet the policy
     */
    public static ChangeState next(ChangeState from, ChangeAction action, boolean enoughApprovals) {
        switch (action) {
            case REVISE:
                if (from == ChangeState.DRAFT || from == ChangeState.CHANGES_REQUESTED) {
                    return ChangeState.DRAFT;
                }
                throw illegal(
                        from,
                        action,
                        "content is immutable once submitted; withdraw and create a new change");
            case SUBMIT:
                if (from == ChangeState.DRAFT || from == ChangeState.CHANGES_REQUESTED) {
                    return ChangeState.IN_REVIEW;
                }
                break;
            case APPROVE:
                if (from == ChangeState.IN_REVIEW) {
                    return enoughApprovals ? ChangeState.APPROVED : ChangeState.IN_REVIEW;
                }
                if (from == ChangeState.APPROVED) {
                    return ChangeState.APPROVED;
                }
                break;
            case REJECT:
            case REQUEST_CHANGES:
                if (from == ChangeState.IN_REVIEW) {
                    return action == ChangeAction.REJECT
                            ? ChangeState.REJECTED
                            : ChangeState.CHANGES_REQUESTED;
                }
                break;
            case WITHDRAW:
                if (from == ChangeState.DRAFT
                        || from == ChangeState.IN_REVIEW
                        || from == ChangeState.CHANGES_REQUESTED
                        || from == ChangeState.APPROVED) {
                    return ChangeState.WITHDRAWN;
                }
                break;
            case REBASE:
                // The base moved: what reviewers approved was a diff against something no longer
                // live.
                switch (from) {
                    case DRAFT:
                    case CHANGES_REQUESTED:
                        return from;
                    case IN_REVIEW:
                    case APPROVED:
                        return ChangeState.IN_REVIEW;
                    default:
                        break;
                }
                break;
            case PUBLISH:
                if (from == ChangeState.APPROVED) {
                    return ChangeState.PUBLISHED;
                }
                if (from == ChangeState.IN_REVIEW) {
                    throw new ConflictException(
                            "not_enough_approvals",
                            "Cannot publish: the change is still in review and lacks the required"
                                    + " approvals");
                }
                break;
            case SUPERSEDE:
                if (from == ChangeState.PUBLISHED) {
                    return ChangeState.SUPERSEDED;
                }
                break;
            default:
                break;
        }
        throw illegal(from, action, null);
    }

    private static ConflictException illegal(ChangeState from, ChangeAction action, String why) {
        String msg =
                "Cannot "
                        + action.verb()
                        + " a change that is "
                        + from.wireName().replace('_', ' ')
                        + (why == null ? "" : ": " + why);
        return new ConflictException("illegal_transition", msg);
    }
}
