package io.gatehouse.audit.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.shared.TenantId;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The writer's isolation of a refused event, with a stand-in for the database. */
class GroupCommitIsolationTest {
    static final TenantId T = new TenantId(UUID.randomUUID());

    static ChainAppender.Pending pending(String action) {
        return ChainAppender.Pending.of(
                AuditEvent.of(T, "user", "u", action).build(), ContentRetention.NONE);
    }

    /**
     * Refuses any batch holding an event whose action is "bad", as PostgreSQL would (one
     * statement).
     */
    static GroupCommitAuditLog.BatchCommit refusing(String sqlState, AtomicInteger commits) {
        AtomicInteger seq = new AtomicInteger();
        return batch -> {
            commits.incrementAndGet();
            if (batch.stream().anyMatch(p -> p.event().action().equals("bad"))) {
                throw new BatchUpdateException(
                        "refused", sqlState, 0, new int[0], new SQLException("ERROR", sqlState));
            }
            List<RecordedEvent> out = new ArrayList<>();
            for (ChainAppender.Pending p : batch) {
                out.add(
                        new RecordedEvent(
                                p.id(), T.toString(), seq.incrementAndGet(), "h", Instant.now()));
            }
            return out;
        };
    }

    @Test
    void aBatchRefusedForItsDataIsRetriedOneByOneAndOnlyTheCulpritFails() throws Exception {
        List<ChainAppender.Pending> batch =
                List.of(pending("a"), pending("b"), pending("bad"), pending("c"));
        AtomicInteger commits = new AtomicInteger();
        var outcomes = GroupCommitAuditLog.commitIsolating(batch, refusing("22P05", commits));
        assertThat(outcomes).hasSize(4);
        assertThat(outcomes.get(2).recorded()).isNull();
        assertThat(outcomes.get(2).failure()).isInstanceOf(SQLException.class);
        assertThat(List.of(outcomes.get(0), outcomes.get(1), outcomes.get(3)))
                .allSatisfy(o -> assertThat(o.recorded()).isNotNull());
        assertThat(outcomes.get(3).recorded().seq()).isEqualTo(3);
        assertThat(commits.get()).isEqualTo(5); // the batch, then each event
    }

    @Test
    void aConnectionFailureFailsTheBatchWithoutRetrying() {
        AtomicInteger commits = new AtomicInteger();
        assertThatThrownBy(
                        () ->
                                GroupCommitAuditLog.commitIsolating(
                                        List.of(pending("a"), pending("bad")),
                                        refusing("08006", commits)))
                .isInstanceOf(SQLException.class);
        assertThat(commits.get()).isEqualTo(1);
    }

    @Test
    void whichFailuresAreTheData() {
        assertThat(GroupCommitAuditLog.refusedForItsData(new SQLException("x", "22021"))).isTrue();
        assertThat(GroupCommitAuditLog.refusedForItsData(new SQLException("x", "54000"))).isTrue();
        assertThat(GroupCommitAuditLog.refusedForItsData(new SQLException("x", "08006"))).isFalse();
        assertThat(GroupCommitAuditLog.refusedForItsData(new SQLException("x", (String) null)))
                .isFalse();
    }
}
