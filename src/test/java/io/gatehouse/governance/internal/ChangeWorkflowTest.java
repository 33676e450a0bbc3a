package io.gatehouse.governance.internal;

import static io.gatehouse.governance.internal.ChangeAction.*;
import static io.gatehouse.governance.internal.ChangeState.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.error.ConflictException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeWorkflowTest {
    record Legal(ChangeState from, ChangeAction action, boolean enough, ChangeState to) {}

    static final List<Legal> LEGAL =
            List.of(
                    new Legal(DRAFT, REVISE, false, DRAFT),
                    new Legal(CHANGES_REQUESTED, REVISE, false, DRAFT),
                    new Legal(DRAFT, SUBMIT, false, IN_REVIEW),
                    new Legal(CHANGES_REQUESTED, SUBMIT, false, IN_REVIEW),
                    new Legal(IN_REVIEW, APPROVE, true, APPROVED),
                    new Legal(IN_REVIEW, APPROVE, false, IN_REVIEW),
                    new Legal(APPROVED, APPROVE, true, APPROVED),
                    new Legal(IN_REVIEW, REJECT, false, REJECTED),
                    new Legal(IN_REVIEW, REQUEST_CHANGES, false, CHANGES_REQUESTED),
                    new Legal(DRAFT, WITHDRAW, false, WITHDRAWN),
                    new Legal(IN_REVIEW, WITHDRAW, false, WITHDRAWN),
                    new Legal(CHANGES_REQUESTED, WITHDRAW, false, WITHDRAWN),
                    new Legal(APPROVED, WITHDRAW, false, WITHDRAWN),
                    new Legal(DRAFT, REBASE, false, DRAFT),
                    new Legal(CHANGES_REQUESTED, REBASE, false, CHANGES_REQUESTED),
                    new Legal(IN_REVIEW, REBASE, false, IN_REVIEW),
                    new Legal(APPROVED, REBASE, false, IN_REVIEW),
                    new Legal(APPROVED, PUBLISH, true, PUBLISHED),
                    new Legal(PUBLISHED, SUPERSEDE, false, SUPERSEDED));

    @Test
    void legalTransitionsLeadWhereTheDiagramSays() {
        for (Legal l : LEGAL) {
            assertThat(ChangeWorkflow.next(l.from(), l.action(), l.enough()))
                    .as(l.toString())
                    .isEqualTo(l.to());
        }
    }

    @Test
    void everythingElseIsAConflictWithAReason() {
        for (ChangeState from : ChangeState.values()) {
            for (ChangeAction action : ChangeAction.values()) {
                boolean legal =
                        LEGAL.stream().anyMatch(l -> l.from() == from && l.action() == action);
                if (legal) {
                    continue;
                }
                assertThatThrownBy(() -> ChangeWorkflow.next(from, action, true))
                        .as(from + " " + action)
                        .isInstanceOf(ConflictException.class)
                        .hasMessageContaining(action.verb())
                        .satisfies(
                                e -> assertThat(((ConflictException) e).status()).isEqualTo(409));
            }
        }
    }

    @Test
    void contentIsImmutableOnceSubmitted() {
        for (ChangeState s : EnumSet.of(IN_REVIEW, APPROVED, PUBLISHED, REJECTED)) {
            assertThatThrownBy(() -> ChangeWorkflow.next(s, REVISE, false))
                    .hasMessageContaining("immutable once submitted");
        }
    }

    @Test
    void publishingWhileInReviewSaysApprovalsAreMissing() {
        assertThatThrownBy(() -> ChangeWorkflow.next(IN_REVIEW, PUBLISH, true))
                .isInstanceOf(ConflictException.class)
                .satisfies(
                        e ->
                                assertThat(((ConflictException) e).code())
                                        .isEqualTo("not_enough_approvals"));
    }

    @Test
    void terminalStatesAcceptNothingButSupersedeOfPublished() {
        for (ChangeState s : Set.of(REJECTED, SUPERSEDED, WITHDRAWN)) {
            assertThat(s.terminal()).isTrue();
            for (ChangeAction a : ChangeAction.values()) {
                assertThatThrownBy(() -> ChangeWorkflow.next(s, a, true))
                        .isInstanceOf(ConflictException.class);
            }
        }
    }

    @Test
    void wireNamesRoundTrip() {
        for (ChangeState s : ChangeState.values()) {
            assertThat(ChangeState.fromWireName(s.wireName())).contains(s);
        }
        assertThat(ChangeState.fromWireName("nonsense")).isEmpty();
        assertThat(REQUEST_CHANGES.verb()).isEqualTo("request-changes");
    }
}
