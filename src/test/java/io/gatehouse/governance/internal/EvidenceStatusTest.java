package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.governance.internal.persistence.EvidenceStatusRows;
import io.gatehouse.shared.TenantId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The change list's one word for a change's evidence: the publish gate's verdict. */
class EvidenceStatusTest {
    static final UUID TENANT = UUID.randomUUID();

    static EvidenceStatus over(List<EvidenceStatusRows.LiveSet> live, List<RunRow> runs) {
        EvidenceStatus s = new EvidenceStatus();
        s.rows =
                new EvidenceStatusRows() {
                    @Override
                    public List<RunStatus> ofChanges(UUID tenant, Collection<UUID> changes) {
                        return runs.stream()
                                .map(
                                        r ->
                                                new RunStatus(
                                                        UUID.randomUUID(),
                                                        r.change,
                                                        r.revision,
                                                        r.set,
                                                        r.version,
                                                        r.status,
                                                        r.requestedBy))
                                .toList();
                    }

                    @Override
                    public List<LiveSet> liveSets(UUID tenant) {
                        return live;
                    }
                };
        return s;
    }

    record RunRow(
            UUID change, int revision, String set, int version, String status, String requestedBy) {
        RunRow(UUID change, int revision, String set, int version, String status) {
            this(change, revision, set, version, status, "system:evaluation");
        }
    }

    static final java.util.Set<String> AUTHORS = java.util.Set.of("alice");

    static EvidenceStatus.Listed listed(UUID id, int revision, String target) {
        return new EvidenceStatus.Listed(id, revision, "prompt", target, AUTHORS);
    }

    static EvidenceStatusRows.LiveSet set(String name, int version, String... binds) {
        return new EvidenceStatusRows.LiveSet(name, version, List.of(binds));
    }

    static String word(String... statuses) {
        UUID c = UUID.randomUUID();
        List<EvidenceStatusRows.LiveSet> live = new java.util.ArrayList<>();
        List<RunRow> runs = new java.util.ArrayList<>();
        for (int i = 0; i < statuses.length; i++) {
            live.add(set("s" + i, 1, "prompt:p"));
            if (statuses[i] != null) {
                runs.add(new RunRow(c, 1, "s" + i, 1, statuses[i]));
            }
        }
        return over(live, runs).of(new TenantId(TENANT), List.of(listed(c, 1, "p"))).get(c);
    }

    @Test
    void theWordFollowsTheGatesOrder() {
        assertThat(word()).isEqualTo("none");
        assertThat(word("passed", null)).isEqualTo("missing");
        assertThat(word(null, "running")).isEqualTo("missing");
        assertThat(word("passed", "queued")).isEqualTo("running");
        assertThat(word("failed", "running")).isEqualTo("running");
        // an error is evidence_missing at publish, which comes before evidence_failed
        assertThat(word("error", "failed")).isEqualTo("error");
        assertThat(word("passed", "error")).isEqualTo("error");
        assertThat(word("passed", "failed")).isEqualTo("failed");
        assertThat(word("passed", "passed")).isEqualTo("passed");
    }

    /**
     * Review 23 finding 9: the list said {@code passed} while publishing said {@code
     * evidence_missing}, after the set was republished or another set came to bind the target.
     */
    @Test
    void aRepublishedOrNewlyBoundSetWithoutARunIsMissingAsAtPublish() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        UUID d = UUID.randomUUID();
        UUID e = UUID.randomUUID();
        UUID f = UUID.randomUUID();
        List<RunRow> runs =
                List.of(
                        // a: failed, then passed when a reviewer re-ran it (same set,
                        // version, revision)
                        new RunRow(a, 2, "gs", 2, "failed"),
                        new RunRow(a, 2, "gs", 2, "passed", "bob"),
                        // f: failed, then passed when its author re-ran it: still failed, as
                        // at publish (review 23 finding 3)
                        new RunRow(f, 2, "gs", 2, "failed"),
                        new RunRow(f, 2, "gs", 2, "passed", "alice"),
                        // b: revision 1 passed, the current revision 2 has none
                        new RunRow(b, 1, "gs", 2, "passed"),
                        // c: passed against version 1; the set is at version 2 now
                        new RunRow(c, 1, "gs", 1, "passed"),
                        // d: passed gs, but "extra" binds its target too and never ran
                        new RunRow(d, 1, "gs", 2, "passed"));
        EvidenceStatus s =
                over(
                        List.of(
                                set("gs", 2, "prompt:p", "prompt:q"),
                                set("extra", 1, "prompt:q"),
                                set("other", 4, "route:r")),
                        runs);
        Map<UUID, String> out =
                s.of(
                        new TenantId(TENANT),
                        List.of(
                                listed(a, 2, "p"),
                                listed(b, 2, "p"),
                                listed(c, 1, "p"),
                                listed(d, 1, "q"),
                                // e: nothing binds its target
                                listed(e, 1, "unbound"),
                                listed(f, 2, "p")));
        assertThat(out)
                .containsEntry(a, "passed")
                .containsEntry(b, "missing")
                .containsEntry(c, "missing")
                .containsEntry(d, "missing")
                .containsEntry(e, "none")
                .containsEntry(f, "failed");
        // and it agrees with the publish gate's own judgement
        assertThat(
                        EvidenceRule.judge(
                                        1,
                                        List.of(new EvidenceRule.BoundSet("gs", 2)),
                                        List.of(
                                                new EvidenceRule.RunState(
                                                        UUID.randomUUID(),
                                                        "gs",
                                                        1,
                                                        1,
                                                        "passed",
                                                        "bob")),
                                        AUTHORS)
                                .missing())
                .isTrue();
    }
}
