package io.gatehouse.audit.internal.persistence;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.chain.ChainHash;
import io.gatehouse.audit.chain.CheckpointStatement;
import io.gatehouse.shared.TenantId;
import io.gatehouse.testing.Db;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Test access to a fresh chain of its own (a random tenant id nobody else uses) through the
 * server's own appender over JDBC as the runtime role, and a test checkpoint key stored retired by
 * the owner role (the runtime role cannot add keys; the server never signs with it). The server
 * does not pin that key (its private half is not sealed under the master key); the fixture's
 * verification pins its fingerprint, as an operator's configuration would.
 */
public final class ChainFixture {
    public final TenantId tenant;
    public final String chain;

    public ChainFixture() {
        this(new TenantId(UUID.randomUUID()));
    }

    /**
     * A fixture over an existing tenant's chain (e.g. a TestTenant's, to mix in HTTP-made events).
     */
    public ChainFixture(TenantId tenant) {
        this.tenant = tenant;
        this.chain = tenant.toString();
    }

    private static KeyPair testKey;
    private static String testKeyId;

    public static synchronized String testKeyId() throws Exception {
        if (testKey == null) {
            testKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            testKeyId = CheckpointStatement.keyIdOf(testKey.getPublic().getEncoded()) + "-test";
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            try (Connection c = Db.asOwner()) {
                try (var ps =
                        c.prepareStatement(
                                "INSERT INTO audit_signing_keys (key_id, algorithm, public_key, private_key_sealed,"
                                        + " created_at, retired_at) VALUES (?, 'Ed25519', ?, 'not-a-sealed-key', ?, ?)")) {
                    ps.setString(1, testKeyId);
                    ps.setString(
                            2,
                            Base64.getEncoder().encodeToString(testKey.getPublic().getEncoded()));
                    ps.setTimestamp(3, java.sql.Timestamp.from(now));
                    ps.setTimestamp(4, java.sql.Timestamp.from(now));
                    ps.executeUpdate();
                }
            }
        }
        return testKeyId;
    }

    /** The test key's fingerprint, what a verifier pins. */
    public static String testKeyFingerprint() throws Exception {
        testKeyId();
        return io.gatehouse.audit.chain.KeyTrust.fingerprint(testKey.getPublic().getEncoded());
    }

    public static String testKeysJson() throws Exception {
        testKeyId();
        try (Connection c = Db.asApp()) {
            StringBuilder sb = new StringBuilder("{\"keys\":[");
            boolean first = true;
            for (SigningKeyRows.StoredKey k : SigningKeyRows.all(c)) {
                sb.append(first ? "" : ",")
                        .append("{\"keyId\":\"")
                        .append(k.keyId())
                        .append("\",\"algorithm\":\"Ed25519\",\"publicKey\":\"")
                        .append(k.publicKey())
                        .append("\"}");
                first = false;
            }
            return sb.append("]}").toString();
        }
    }

    /** Every stored key, with only the test key pinned (by "configuration"). */
    public static io.gatehouse.audit.chain.KeyTrust keys(Connection c) throws Exception {
        List<io.gatehouse.audit.chain.KeyTrust.ListedKey> listed = new ArrayList<>();
        for (SigningKeyRows.StoredKey k : SigningKeyRows.all(c)) {
            listed.add(
                    new io.gatehouse.audit.chain.KeyTrust.ListedKey(
                            k.keyId(), k.publicKey(), k.introducedBy(), k.introduction()));
        }
        return io.gatehouse.audit.chain.KeyTrust.resolve(
                listed, java.util.Set.of(testKeyFingerprint()), java.util.Set.of());
    }

    public AuditEvent.Builder event(String action) {
        return AuditEvent.of(tenant, "user", "dave", action);
    }

    /** Appends events in one transaction (one batch), as the group-commit writer does. */
    public static List<RecordedEvent> append(Connection c, List<ChainAppender.Pending> batch)
            throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            List<RecordedEvent> r = ChainAppender.append(c, batch);
            c.commit();
            return r;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    public List<RecordedEvent> appendN(int n) throws SQLException {
        List<ChainAppender.Pending> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(
                    ChainAppender.Pending.of(
                            event("test.event")
                                    .detail("i", (long) i)
                                    .detail("text", "caf\u00e9 \u2603 \"q\"")
                                    .build(),
                            ContentRetention.NONE));
        }
        try (Connection c = Db.asApp()) {
            return append(c, batch);
        }
    }

    /** Appends events hashed as v1, as an instance from before hashed form v2 did. */
    public List<RecordedEvent> appendV1(int n) throws SQLException {
        List<ChainAppender.Pending> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(
                    ChainAppender.Pending.of(
                            event("test.v1")
                                    .detail("i", (long) i)
                                    .detail("big", 9007199254740993L)
                                    .detail("fraction", new java.math.BigDecimal("0.0000001"))
                                    .build(),
                            ContentRetention.NONE,
                            1));
        }
        try (Connection c = Db.asApp()) {
            return append(c, batch);
        }
    }

    /** Appends the given events in one batch. */
    /**
     * Appends one event carrying content, stored as the recorder stores it under {@code retention}
     * (the gateway does not attach its bodies yet, so this is the only writer of audit_contents).
     */
    public RecordedEvent appendWithContent(AuditEvent event, ContentRetention retention)
            throws SQLException {
        try (Connection c = Db.asApp()) {
            return append(c, List.of(ChainAppender.Pending.of(event, retention))).get(0);
        }
    }

    public List<RecordedEvent> appendEvents(AuditEvent... events) throws SQLException {
        List<ChainAppender.Pending> batch = new ArrayList<>();
        for (AuditEvent e : events) {
            batch.add(ChainAppender.Pending.of(e, ContentRetention.NONE));
        }
        try (Connection c = Db.asApp()) {
            return append(c, batch);
        }
    }

    /** Signs a checkpoint of the current head with the test key and stores it. */
    public CheckpointRows.StoredCheckpoint checkpoint() throws Exception {
        String keyId = testKeyId();
        try (Connection c = Db.asApp()) {
            CheckpointRows.Head h = CheckpointRows.head(c, chain).orElseThrow();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            CheckpointRows.StoredCheckpoint unsigned =
                    new CheckpointRows.StoredCheckpoint(
                            chain, h.seq(), h.hash(), h.seq(), now, keyId, "");
            String sig = unsigned.statement().sign(testKey.getPrivate());
            CheckpointRows.StoredCheckpoint cp =
                    new CheckpointRows.StoredCheckpoint(
                            chain, h.seq(), h.hash(), h.seq(), now, keyId, sig);
            CheckpointRows.insert(c, cp);
            return cp;
        }
    }

    public io.gatehouse.audit.internal.persistence.ChainVerification verify() throws Exception {
        try (Connection c = Db.asApp()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return ChainVerifier.verify(c, chain, keys(c));
            } finally {
                c.rollback();
            }
        }
    }

    /** Runs SQL as a superuser with triggers off, as an attacker with database access would. */
    public static void tamper(String sql, Object... args) throws SQLException {
        try (Connection c = Db.asSuperuser()) {
            try (var st = c.createStatement()) {
                st.execute("SET session_replication_role = replica");
            }
            try (var ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                ps.executeUpdate();
            }
        }
    }

    static String genesis() {
        return ChainHash.GENESIS;
    }
}
