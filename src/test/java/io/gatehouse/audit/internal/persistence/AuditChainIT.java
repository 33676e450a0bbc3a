package io.gatehouse.audit.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.GatewayUsage;
import io.gatehouse.audit.chain.ChainHash;
import io.gatehouse.testing.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The chain against real PostgreSQL: rows rebuilt from the table hash as appended, verify finds
 * every kind of tampering at the exact event, checkpoints expose truncation and rewriting,
 * concurrent writers leave a gapless chain, and the runtime role cannot change the trail. Each test
 * uses a fresh chain of its own.
 */
class AuditChainIT {

    @Test
    void rowsReadBackHashExactlyAsTheyWereAppended() throws Exception {
        ChainFixture f = new ChainFixture();
        List<ChainAppender.Pending> batch =
                List.of(
                        ChainAppender.Pending.of(
                                f.event("auth.login").build(), ContentRetention.NONE),
                        ChainAppender.Pending.of(
                                f.event("key.create")
                                        .target("api_key", "k1")
                                        .detail(
                                                "nested",
                                                Map.of(
                                                        "list",
                                                        List.of(1L, "two", true),
                                                        "none",
                                                        "x"))
                                        .detail("unicode", "\u00e9\u00e8 \ud83d\ude00 \u0001 tab\t")
                                        .detail("big", 9007199254740993L)
                                        .detail("fraction", new java.math.BigDecimal("1.50"))
                                        .outcome(AuditEvent.Outcome.DENIED)
                                        .requestId("req_roundtrip")
                                        .build(),
                                ContentRetention.NONE),
                        ChainAppender.Pending.of(
                                AuditEvent.of(f.tenant, "api_key", "k1", "gateway.request")
                                        .usage(
                                                new GatewayUsage(
                                                        "k1",
                                                        "sandbox",
                                                        "sandbox",
                                                        "echo-1",
                                                        null,
                                                        200,
                                                        10,
                                                        20,
                                                        true,
                                                        1234,
                                                        55,
                                                        40,
                                                        null,
                                                        false,
                                                        true,
                                                        versions("support@3", null)))
                                        .content(Map.of("prompt", "hi"), null)
                                        .build(),
                                ContentRetention.HASHED),
                        ChainAppender.Pending.of(
                                AuditEvent.of(f.tenant, "api_key", "k1", "gateway.request")
                                        .usage(
                                                new GatewayUsage(
                                                        "k1",
                                                        "r",
                                                        "p",
                                                        "m",
                                                        "eu",
                                                        502,
                                                        0,
                                                        0,
                                                        false,
                                                        0,
                                                        9,
                                                        0,
                                                        7L,
                                                        true,
                                                        false,
                                                        versions(null, "pol@1")))
                                        .outcome(AuditEvent.Outcome.ERROR)
                                        .build(),
                                ContentRetention.NONE));
        List<RecordedEvent> recorded;
        try (Connection c = Db.asApp()) {
            recorded = ChainFixture.append(c, batch);
        }
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT "
                                        + EventRowMapper.COLUMNS
                                        + " FROM audit_events WHERE chain_id = ? ORDER BY seq")) {
            ps.setString(1, f.chain);
            try (ResultSet rs = ps.executeQuery()) {
                String prev = ChainHash.GENESIS;
                for (int i = 0; i < batch.size(); i++) {
                    assertThat(rs.next()).isTrue();
                    Map<String, Object> fromRow = EventRowMapper.hashedForm(rs);
                    Map<String, Object> appended =
                            ChainAppender.hashedForm(batch.get(i), f.chain, i + 1, prev);
                    // hashed form v2: the RFC 8785 text of the row read back is the text that was
                    // hashed
                    assertThat(io.gatehouse.audit.chain.Jcs.write(fromRow))
                            .isEqualTo(io.gatehouse.audit.chain.Jcs.write(appended));
                    assertThat(ChainHash.hash(fromRow))
                            .isEqualTo(recorded.get(i).hash())
                            .isEqualTo(rs.getString("hash"));
                    prev = recorded.get(i).hash();
                }
            }
        }
        ChainVerification v = f.verify();
        assertThat(v.valid()).as("%s", v).isTrue();
        assertThat(v.eventsChecked()).isEqualTo(4);
        assertThat(v.firstBroken()).isNull();
    }

    @Test
    void aRowChangedBySuperuserIsReportedAtThatEvent() throws Exception {
        ChainFixture f = new ChainFixture();
        List<RecordedEvent> ev = f.appendN(10);
        ChainFixture.tamper(
                "UPDATE audit_events SET actor = 'mallory' WHERE chain_id = ? AND seq = 5",
                f.chain);
        ChainVerification v = f.verify();
        assertThat(v.valid()).isFalse();
        assertThat(v.firstBroken().seq()).isEqualTo(5);
        assertThat(v.firstBroken().eventId()).isEqualTo(ev.get(4).eventId().toString());
        assertThat(v.firstBroken().reason()).isEqualTo("hash_mismatch");
        assertThat(v.eventsChecked()).isEqualTo(5);
    }

    @Test
    void aRowDeletedBySuperuserIsReportedAsAGapAtItsSeq() throws Exception {
        ChainFixture f = new ChainFixture();
        f.appendN(10);
        ChainFixture.tamper("DELETE FROM audit_events WHERE chain_id = ? AND seq = 6", f.chain);
        ChainVerification v = f.verify();
        assertThat(v.valid()).isFalse();
        assertThat(v.firstBroken().seq()).isEqualTo(6);
        assertThat(v.firstBroken().reason()).isEqualTo("gap");
    }

    @Test
    void deletingTheNewestEventsIsCaughtByTheCheckpoint() throws Exception {
        ChainFixture f = new ChainFixture();
        f.appendN(10);
        f.checkpoint();
        assertThat(f.verify().valid()).isTrue();
        ChainFixture.tamper("DELETE FROM audit_events WHERE chain_id = ? AND seq >= 9", f.chain);
        ChainVerification v = f.verify();
        assertThat(v.valid()).isFalse();
        assertThat(v.truncation().detected()).isTrue();
        assertThat(v.truncation().lastSeq()).isEqualTo(8);
        assertThat(v.truncation().checkpointSeq()).isGreaterThanOrEqualTo(10);
        assertThat(v.firstBroken().seq()).isEqualTo(9);
        assertThat(v.firstBroken().reason()).isEqualTo("truncated");
    }

    @Test
    void aRewrittenChainIsCaughtByTheSignedCheckpoint() throws Exception {
        ChainFixture f = new ChainFixture();
        f.appendN(8);
        f.checkpoint();
        // The attacker changes event 3 and recomputes every hash after it: links hold, the
        // signature
        // over the old head does not.
        try (Connection su = Db.asSuperuser()) {
            su.createStatement().execute("SET session_replication_role = replica");
            String prev = null;
            for (long seq = 3; seq <= 8; seq++) {
                Map<String, Object> row;
                try (PreparedStatement ps =
                        su.prepareStatement(
                                "SELECT "
                                        + EventRowMapper.COLUMNS
                                        + " FROM audit_events WHERE chain_id = ? AND seq = ?")) {
                    ps.setString(1, f.chain);
                    ps.setLong(2, seq);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        row = EventRowMapper.hashedForm(rs);
                    }
                }
                if (seq == 3) {
                    row.put("actor", "mallory");
                } else {
                    row.put("prevHash", prev);
                }
                String h = ChainHash.hash(row);
                try (PreparedStatement up =
                        su.prepareStatement(
                                "UPDATE audit_events SET actor = ?, prev_hash = ?, hash = ? WHERE chain_id = ? AND seq = ?")) {
                    up.setString(1, (String) row.get("actor"));
                    up.setString(2, (String) row.get("prevHash"));
                    up.setString(3, h);
                    up.setString(4, f.chain);
                    up.setLong(5, seq);
                    up.executeUpdate();
                }
                prev = h;
            }
        }
        ChainVerification v = f.verify();
        assertThat(v.valid()).isFalse();
        assertThat(v.firstBroken().reason()).isEqualTo("checkpoint_mismatch");
        assertThat(v.firstBroken().seq()).isEqualTo(8);
    }

    @Test
    void aForgedCheckpointIsRefused() throws Exception {
        ChainFixture f = new ChainFixture();
        f.appendN(3);
        CheckpointRows.StoredCheckpoint cp = f.checkpoint();
        ChainFixture.tamper(
                "UPDATE audit_checkpoints SET event_count = 2 WHERE chain_id = ? AND head_seq = ?",
                f.chain,
                cp.headSeq());
        ChainVerification v = f.verify();
        assertThat(v.valid()).isFalse();
        assertThat(v.firstBroken().reason()).isEqualTo("bad_checkpoint_signature");
    }

    @Test
    void theOneStatementPathAppendsOnKnownHeadsAndRefusesAStaleHeadWithoutWriting()
            throws Exception {
        ChainFixture f = new ChainFixture();
        Map<String, ChainAppender.Head> heads = new java.util.HashMap<>();
        try (Connection writer = Db.asApp();
                Connection other = Db.asApp()) {
            // unknown head: nothing written, the caller must take the locked path
            assertThat(ChainAppender.appendKnownHeads(writer, batch(f, 2), heads)).isNull();
            assertThat(
                            Db.count(
                                    writer,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ?",
                                    f.chain))
                    .isZero();
            // the locked path learns the head; the next batches take the one-statement path
            List<RecordedEvent> first = ChainAppender.appendDurably(writer, batch(f, 2), heads);
            assertThat(heads.get(f.chain))
                    .isEqualTo(new ChainAppender.Head(2, first.get(1).hash()));
            List<RecordedEvent> fast = ChainAppender.appendKnownHeads(writer, batch(f, 3), heads);
            assertThat(fast).extracting(RecordedEvent::seq).containsExactly(3L, 4L, 5L);
            assertThat(writer.getAutoCommit()).isTrue();
            // another writer (another instance, or an in-transaction append) moves the head on
            ChainFixture.append(other, batch(f, 1));
            assertThat(ChainAppender.appendKnownHeads(writer, batch(f, 2), heads)).isNull();
            assertThat(
                            Db.count(
                                    writer,
                                    "SELECT count(*) FROM audit_events WHERE chain_id = ?",
                                    f.chain))
                    .isEqualTo(6);
            // and the writer's next durable append reads the new head under the lock
            assertThat(ChainAppender.appendDurably(writer, batch(f, 2), heads))
                    .extracting(RecordedEvent::seq)
                    .containsExactly(7L, 8L);
            assertThat(heads.get(f.chain).seq()).isEqualTo(8);
        }
        ChainVerification v = f.verify();
        assertThat(v.valid()).as("%s", v).isTrue();
        assertThat(v.eventsChecked()).isEqualTo(8);
    }

    private static List<ChainAppender.Pending> batch(ChainFixture f, int size) {
        List<ChainAppender.Pending> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            batch.add(
                    ChainAppender.Pending.of(f.event("test.fast").build(), ContentRetention.NONE));
        }
        return batch;
    }

    @Test
    void concurrentWritersOfTwoInstancesLeaveAGaplessValidChain() throws Exception {
        ChainFixture f = new ChainFixture();
        int threads = 8;
        int batchesPerThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int writerKind = t;
            done.add(
                    pool.submit(
                            () -> {
                                // Each thread is a writer with its own connection, as each
                                // instance's writer is;
                                // half of them append as the group-commit writer does (heads it
                                // knows, one statement).
                                Map<String, ChainAppender.Head> heads = new java.util.HashMap<>();
                                int n = 0;
                                try (Connection c = Db.asApp()) {
                                    start.await();
                                    for (int b = 0; b < batchesPerThread; b++) {
                                        List<ChainAppender.Pending> batch = new ArrayList<>();
                                        int size = 1 + ThreadLocalRandom.current().nextInt(5);
                                        for (int i = 0; i < size; i++) {
                                            batch.add(
                                                    ChainAppender.Pending.of(
                                                            f.event("test.concurrent").build(),
                                                            ContentRetention.NONE));
                                        }
                                        if (writerKind % 2 == 0) {
                                            ChainFixture.append(
                                                    c, batch); // locked path, one transaction
                                        } else {
                                            ChainAppender.appendDurably(
                                                    c, batch, heads); // group-commit writer
                                        }
                                        n += size;
                                    }
                                }
                                return n;
                            }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> d : done) {
            total += d.get();
        }
        pool.shutdown();
        ChainVerification v = f.verify();
        assertThat(v.valid()).as("%s", v).isTrue();
        assertThat(v.eventsChecked()).isEqualTo(total);
        try (Connection c = Db.asApp()) {
            assertThat(Db.count(c, "SELECT count(*) FROM audit_events WHERE chain_id = ?", f.chain))
                    .isEqualTo(total);
            assertThat(Db.count(c, "SELECT max(seq) FROM audit_events WHERE chain_id = ?", f.chain))
                    .isEqualTo(total);
        }
    }

    @Test
    void theRuntimeRoleCannotChangeOrRemoveTheTrail() throws Exception {
        ChainFixture f = new ChainFixture();
        f.appendN(2);
        f.checkpoint();
        try (Connection app = Db.asApp()) {
            for (String sql :
                    List.of(
                            "UPDATE audit_events SET actor = 'x' WHERE chain_id = '"
                                    + f.chain
                                    + "'",
                            "DELETE FROM audit_events WHERE chain_id = '" + f.chain + "'",
                            "TRUNCATE audit_events",
                            "UPDATE audit_checkpoints SET head_hash = 'x' WHERE chain_id = '"
                                    + f.chain
                                    + "'",
                            "DELETE FROM audit_checkpoints WHERE chain_id = '" + f.chain + "'",
                            "TRUNCATE audit_checkpoints",
                            "UPDATE audit_signing_keys SET public_key = 'x'",
                            "DELETE FROM audit_signing_keys",
                            "TRUNCATE audit_signing_keys")) {
                // The role lacks the privilege: 42501 with PostgreSQL's own "permission denied"
                // (the triggers'
                // refusal, also 42501, says "append-only"; a typo or a renamed column would be
                // 42601/42703).
                assertThatThrownBy(() -> app.createStatement().execute(sql))
                        .as(sql)
                        .isInstanceOfSatisfying(
                                SQLException.class,
                                e -> {
                                    assertThat(e.getSQLState())
                                            .as(sql + ": " + e.getMessage())
                                            .isEqualTo("42501");
                                    assertThat(e.getMessage())
                                            .as(sql)
                                            .contains("permission denied for table");
                                });
            }
        }
        // Not even the owner gets past the triggers (each statement in a transaction rolled
        // back, so a missing trigger fails this test without wiping the trail of the others).
        try (Connection owner = Db.asOwner()) {
            owner.setAutoCommit(false);
            for (String sql :
                    List.of(
                            "UPDATE audit_events SET actor = 'x' WHERE chain_id = '"
                                    + f.chain
                                    + "'",
                            "DELETE FROM audit_events WHERE chain_id = '" + f.chain + "'",
                            "TRUNCATE audit_events CASCADE",
                            "UPDATE audit_checkpoints SET head_hash = 'x' WHERE chain_id = '"
                                    + f.chain
                                    + "'",
                            "DELETE FROM audit_checkpoints WHERE chain_id = '" + f.chain + "'",
                            "TRUNCATE audit_checkpoints CASCADE",
                            "UPDATE audit_signing_keys SET public_key = 'x'",
                            "DELETE FROM audit_signing_keys",
                            "TRUNCATE audit_signing_keys CASCADE")) {
                try {
                    assertThatThrownBy(() -> owner.createStatement().execute(sql))
                            .as(sql)
                            .isInstanceOf(SQLException.class)
                            .satisfies(
                                    e ->
                                            assertThat(e.getMessage())
                                                    .as(sql)
                                                    .containsAnyOf(
                                                            "append-only",
                                                            "only ever added or retired"));
                } finally {
                    owner.rollback();
                }
            }
        }
        assertThat(f.verify().valid()).isTrue();
    }

    /** Prompt and policy versions by lineage key, as the stages report them (null: none). */
    private static java.util.Map<String, String> versions(String prompt, String policy) {
        java.util.Map<String, String> v = new java.util.LinkedHashMap<>();
        v.put(io.gatehouse.audit.LineageKeys.PROMPT_VERSION, prompt);
        v.put(io.gatehouse.audit.LineageKeys.POLICY_VERSION, policy);
        return v;
    }
}
