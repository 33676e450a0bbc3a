package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.governance.internal.persistence.EvidenceStatusRows;
import io.gatehouse.shared.TenantId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The change list's one word for a change's evidence. */
class EvidenceStatusTest {
    @Test
    void runningBeforeFailedBeforeErrorBeforePassed() {
        assertThat(EvidenceStatus.verdict(List.of())).isEqualTo("none");
        assertThat(EvidenceStatus.verdict(List.of("passed", "queued"))).isEqualTo("running");
        assertThat(EvidenceStatus.verdict(List.of("failed", "running"))).isEqualTo("running");
        assertThat(EvidenceStatus.verdict(List.of("error", "failed"))).isEqualTo("failed");
        assertThat(EvidenceStatus.verdict(List.of("passed", "error"))).isEqualTo("error");
        assertThat(EvidenceStatus.verdict(List.of("passed", "passed"))).isEqualTo("passed");
    }

    @Test
    void onlyTheCurrentRevisionsLatestRunOfEachSetCounts() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        EvidenceStatus s = new EvidenceStatus();
        s.rows =
                new EvidenceStatusRows() {
                    @Override
                    public List<RunStatus> ofChanges(UUID tenant, Collection<UUID> changes) {
                        return List.of(
                                // a: failed, then passed on demand (same set, same revision)
                                new RunStatus(a, 2, "gs", "failed"),
                                new RunStatus(a, 2, "gs", "passed"),
                                // b: revision 1 passed, the current revision 2 has none
                                new RunStatus(b, 1, "gs", "passed"));
                    }
                };
        Map<UUID, String> out = s.of(new TenantId(UUID.randomUUID()), Map.of(a, 2, b, 2, c, 1));
        assertThat(out).containsEntry(a, "passed").doesNotContainKeys(b, c);
    }
}
