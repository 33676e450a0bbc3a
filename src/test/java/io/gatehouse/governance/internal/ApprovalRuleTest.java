package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.governance.RiskClass;
import io.gatehouse.governance.internal.persistence.ChangeRevisionEntity;
import io.gatehouse.governance.internal.persistence.ReviewEntity;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApprovalRuleTest {
    record Case(RiskClass risk, Integer forKind, Integer forAny, int expected) {}

    @Test
    void kindSettingBeatsAnyKindSettingBeatsDefault() {
        for (Case c :
                new Case[] {
                    new Case(RiskClass.LOW, null, null, 1),
                    new Case(RiskClass.HIGH, null, null, 2),
                    new Case(RiskClass.LOW, 2, null, 2),
                    new Case(RiskClass.LOW, null, 3, 3),
                    new Case(RiskClass.LOW, 1, 3, 1),
                    new Case(RiskClass.HIGH, 3, 2, 3),
                    new Case(RiskClass.HIGH, null, 4, 4),
                    // a HIGH change always needs two distinct reviewers
                    new Case(RiskClass.HIGH, 1, null, 2),
                    new Case(RiskClass.LOW, 0, null, 1),
                }) {
            assertThat(ApprovalRule.required(c.risk(), c.forKind(), c.forAny()))
                    .as(c.toString())
                    .isEqualTo(c.expected());
        }
    }

    static ChangeRevisionEntity revision(int n, String by) {
        ChangeRevisionEntity r = new ChangeRevisionEntity();
        r.revision(n);
        r.createdBy(by);
        return r;
    }

    static ReviewEntity review(int revision, String by, String decision) {
        ReviewEntity r = new ReviewEntity();
        r.revision(revision);
        r.reviewerId(by);
        r.decision(decision);
        return r;
    }

    @Test
    void theAuthorsAreTheCreatorAndEveryRevisionsAuthorEachOnce() {
        assertThat(
                        ApprovalRule.authors(
                                "ann",
                                List.of(
                                        revision(1, "ann"),
                                        revision(2, "bob"),
                                        revision(3, "ann"))))
                .containsExactly("ann", "bob");
        assertThat(ApprovalRule.authors("ann", List.of())).containsExactly("ann");
    }

    @Test
    void approvalsCountOnceForTheCurrentRevisionAndNeverFromAnAuthor() {
        List<ReviewEntity> reviews =
                List.of(
                        review(1, "old", "approve"), // an earlier revision: does not count
                        review(2, "rita", "approve"),
                        review(2, "rita", "approve"), // the same reviewer twice: once
                        review(2, "bob", "approve"), // co-author: never counts
                        review(2, "sam", "request_changes"),
                        review(2, "tom", "approve"));
        assertThat(ApprovalRule.approvers(2, reviews, Set.of("ann", "bob")))
                .containsExactly("rita", "tom");
        assertThat(ApprovalRule.approvers(3, reviews, Set.of("ann"))).isEmpty();
    }
}
