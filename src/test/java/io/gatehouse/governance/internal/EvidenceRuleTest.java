package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.governance.internal.EvidenceRule.BoundSet;
import io.gatehouse.governance.internal.EvidenceRule.RunState;
import io.gatehouse.governance.internal.EvidenceRule.SetStatus;
import io.gatehouse.governance.internal.EvidenceRule.Verdict;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The rule behind 409 evidence_missing / evidence_failed and the override (issue 23). */
class EvidenceRuleTest {
    static final BoundSet REFUNDS = new BoundSet("refunds", 2);
    static final BoundSet TONE = new BoundSet("tone", 1);

    static final Set<String> AUTHORS = Set.of("author", "reviser");

    static RunState run(String set, int version, int revision, String status) {
        return run(set, version, revision, status, "reviewer");
    }

    static RunState run(String set, int version, int revision, String status, String by) {
        return new RunState(UUID.randomUUID(), set, version, revision, status, by);
    }

    static Verdict judge(int revision, List<BoundSet> bound, List<RunState> runs) {
        return EvidenceRule.judge(revision, bound, runs, AUTHORS);
    }

    @Test
    void noSetBindingTheChangeIsNothingToRequire() {
        Verdict v = judge(3, List.of(), List.of());
        assertThat(v.passed()).isTrue();
        assertThat(v.missing()).isFalse();
        assertThat(v.failed()).isFalse();
    }

    @Test
    void everyBoundSetNeedsAPassedRunOfTheCurrentRevision() {
        Verdict v =
                judge(
                        2,
                        List.of(REFUNDS, TONE),
                        List.of(run("refunds", 2, 2, "passed"), run("tone", 1, 2, "passed")));
        assertThat(v.passed()).isTrue();
        // one set without a run: missing, whatever the other says
        v = judge(2, List.of(REFUNDS, TONE), List.of(run("refunds", 2, 2, "passed")));
        assertThat(v.missing()).isTrue();
        assertThat(v.passed()).isFalse();
        assertThat(v.blocking()).extracting(s -> s.goldenSet()).containsExactly("tone");
        assertThat(v.blocking().get(0).status()).isEqualTo(SetStatus.NO_RUN);
        assertThat(v.describe()).isEqualTo("tone v1 (no run)");
    }

    @Test
    void aPassOfAnotherRevisionOrAnOlderSetVersionIsNoEvidence() {
        // revision 1 passed, the change is at revision 2 now (a revise or rebase came after)
        Verdict v = judge(2, List.of(REFUNDS), List.of(run("refunds", 2, 1, "passed")));
        assertThat(v.missing()).isTrue();
        // the set has a version 2 live now; the pass was against version 1
        v = judge(2, List.of(REFUNDS), List.of(run("refunds", 1, 2, "passed")));
        assertThat(v.missing()).isTrue();
    }

    @Test
    void runningQueuedAndErroredRunsAreMissingNeverFailed() {
        for (String status : List.of("queued", "running", "error")) {
            Verdict v = judge(1, List.of(REFUNDS), List.of(run("refunds", 2, 1, status)));
            assertThat(v.missing()).as(status).isTrue();
            assertThat(v.failed()).as(status).isFalse();
            assertThat(v.failedRunIds()).as(status).isEmpty();
        }
    }

    @Test
    void aMissingSetBeatsAFailedOneSoNoOverrideCanCoverIt() {
        Verdict v =
                judge(
                        1,
                        List.of(REFUNDS, TONE),
                        List.of(run("refunds", 2, 1, "failed"), run("tone", 1, 1, "running")));
        assertThat(v.missing()).isTrue();
        assertThat(v.failed()).isFalse();
        assertThat(v.blocking()).hasSize(2);
        assertThat(v.blockingJson().toString()).contains("\"failed\"").contains("\"running\"");
    }

    @Test
    void theLatestRunOfASetDecides() {
        RunState failed = run("refunds", 2, 1, "failed");
        Verdict v = judge(1, List.of(REFUNDS), List.of(run("refunds", 2, 1, "passed"), failed));
        assertThat(v.failed()).isTrue();
        assertThat(v.failedRunIds()).containsExactly(failed.runId());
        // a run asked for again that passed replaces the failure
        v = judge(1, List.of(REFUNDS), List.of(failed, run("refunds", 2, 1, "passed")));
        assertThat(v.passed()).isTrue();
        // one asked for again that is still going makes it missing again
        v = judge(1, List.of(REFUNDS), List.of(failed, run("refunds", 2, 1, "queued")));
        assertThat(v.missing()).isTrue();
    }

    @Test
    void anAuthorCannotReRunAFailureAway() {
        RunState failed = run("refunds", 2, 1, "failed", "author");
        // the author (or a reviser) re-runs until it passes: the failure still blocks
        for (String by : List.of("author", "reviser")) {
            RunState pass = run("refunds", 2, 1, "passed", by);
            Verdict v = judge(1, List.of(REFUNDS), List.of(failed, pass));
            assertThat(v.failed()).as(by).isTrue();
            assertThat(v.failedRunIds()).as(by).containsExactly(failed.runId());
            assertThat(EvidenceRule.supersededFailures(List.of(failed, pass), AUTHORS)).isEmpty();
        }
        // an author's re-run still going is missing, as any unfinished run
        assertThat(
                        judge(
                                        1,
                                        List.of(REFUNDS),
                                        List.of(failed, run("refunds", 2, 1, "running", "author")))
                                .missing())
                .isTrue();
        // a reviewer's re-run supersedes it; an author's pass after that counts
        RunState rerun = run("refunds", 2, 1, "failed", "reviewer");
        RunState pass = run("refunds", 2, 1, "passed", "author");
        List<RunState> runs = List.of(failed, rerun, pass);
        assertThat(EvidenceRule.supersededFailures(runs, AUTHORS))
                .containsExactly(java.util.Map.entry(failed.runId(), rerun.runId()));
        // ... but the reviewer's own failed re-run blocks in its turn
        Verdict v = judge(1, List.of(REFUNDS), runs);
        assertThat(v.failedRunIds()).containsExactly(rerun.runId());
        // a re-run of another revision or set version supersedes nothing
        RunState other = run("refunds", 2, 2, "passed", "reviewer");
        assertThat(EvidenceRule.supersededFailures(List.of(failed, other), AUTHORS)).isEmpty();
    }

    @Test
    void anOverrideNeedsOneMoreApprovalThanTheRule() {
        assertThat(EvidenceRule.approvalsForOverride(1)).isEqualTo(2);
        assertThat(EvidenceRule.approvalsForOverride(2)).isEqualTo(3);
    }

    @Test
    void anOverrideReasonIsOneTo2000CharactersTrimmed() {
        assertThat(EvidenceRule.validReason(null)).isNull();
        assertThat(EvidenceRule.validReason("")).isNull();
        assertThat(EvidenceRule.validReason(" \n\t ")).isNull();
        assertThat(EvidenceRule.validReason("x".repeat(2001))).isNull();
        assertThat(EvidenceRule.validReason("x".repeat(2000))).hasSize(2000);
        assertThat(EvidenceRule.validReason("  known flake  ")).isEqualTo("known flake");
    }

    @Test
    void theKindsSettingOfEvidenceBeatsTheAnyKindSettingBeatsNo() {
        assertThat(ApprovalRule.requiresEvidence(null, null)).isFalse();
        assertThat(ApprovalRule.requiresEvidence(null, true)).isTrue();
        assertThat(ApprovalRule.requiresEvidence(false, true)).isFalse();
        assertThat(ApprovalRule.requiresEvidence(true, false)).isTrue();
        assertThat(ApprovalRule.requiresEvidence(null, false)).isFalse();
    }
}
