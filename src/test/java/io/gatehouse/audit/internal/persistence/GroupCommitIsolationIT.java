package io.gatehouse.audit.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Db;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The group-commit writer's answer to a batch PostgreSQL refuses for one event's data, against the
 * real database and the writer's own append paths: the one-statement path (chain heads known) and
 * the locked path. Only the culprit fails; the events batched with it, of its own chain and of
 * another tenant's, are appended without a gap and both chains verify.
 */
class GroupCommitIsolationIT {

    static ChainAppender.Pending good(ChainFixture f, int i) {
        return ChainAppender.Pending.of(
                f.event("test.good").detail("i", (long) i).build(), ContentRetention.NONE);
    }

    /** What an event with a NUL in a detail looked like before events were escaped when built. */
    static ChainAppender.Pending unstorable(ChainFixture f) {
        return new ChainAppender.Pending(
                f.event("test.bad").build(),
                UUID.randomUUID(),
                Instant.now().truncatedTo(ChronoUnit.MICROS),
                "{\"model\":\"sand\\u0000box\"}",
                null,
                null,
                null,
                2,
                null);
    }

    @Test
    void onlyTheEventPostgresRefusesFailsAndItsBatchIsAppendedOneByOne() throws Exception {
        ChainFixture f = new ChainFixture();
        ChainFixture other = new ChainFixture();
        Map<String, ChainAppender.Head> heads = new HashMap<>();
        try (Connection c = Db.asApp()) {
            c.setAutoCommit(true);
            GroupCommitAuditLog.BatchCommit commit =
                    batch -> ChainAppender.appendDurably(c, batch, heads);
            commit.commit(List.of(good(f, 0), good(other, 0))); // the locked path; heads now known

            // the one-statement path: the whole batch is one INSERT, refused as a whole
            List<GroupCommitAuditLog.Outcome> fast =
                    GroupCommitAuditLog.commitIsolating(
                            List.of(
                                    good(f, 1),
                                    good(other, 1),
                                    unstorable(f),
                                    good(f, 2),
                                    good(other, 2)),
                            commit);
            assertRefusedOnlyAt(fast, 2);
            assertThat(fast.get(0).recorded().seq()).isEqualTo(2);
            assertThat(fast.get(3).recorded().seq()).isEqualTo(3);
            assertThat(fast.get(1).recorded().seq()).isEqualTo(2);
            assertThat(fast.get(4).recorded().seq()).isEqualTo(3);

            // the locked path (heads unknown, e.g. after another instance wrote)
            heads.clear();
            List<GroupCommitAuditLog.Outcome> locked =
                    GroupCommitAuditLog.commitIsolating(
                            List.of(unstorable(f), good(f, 3), good(other, 3)), commit);
            assertRefusedOnlyAt(locked, 0);
            assertThat(locked.get(1).recorded().seq()).isEqualTo(4);
            assertThat(locked.get(2).recorded().seq()).isEqualTo(4);
        }
        for (ChainFixture chain : List.of(f, other)) {
            ChainVerification v = chain.verify();
            assertThat(v.valid()).as("%s", v).isTrue();
            assertThat(v.eventsChecked()).isEqualTo(4);
        }
        try (Connection c = Db.asApp()) {
            assertThat(
                            Db.count(
                                    c,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ? AND action = 'test.bad'",
                                    f.chain))
                    .isZero();
        }
    }

    private static void assertRefusedOnlyAt(
            List<GroupCommitAuditLog.Outcome> outcomes, int culprit) {
        for (int i = 0; i < outcomes.size(); i++) {
            GroupCommitAuditLog.Outcome o = outcomes.get(i);
            if (i == culprit) {
                assertThat(o.recorded()).isNull();
                assertThat(o.failure()).isInstanceOf(SQLException.class);
                assertThat(GroupCommitAuditLog.refusedForItsData((SQLException) o.failure()))
                        .isTrue();
            } else {
                assertThat(o.recorded()).as("event %d", i).isNotNull();
                assertThat(o.failure()).isNull();
            }
        }
    }
}
