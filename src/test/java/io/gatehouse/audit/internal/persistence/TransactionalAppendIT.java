package io.gatehouse.audit.internal.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.audit.chain.ChainHash;
import io.gatehouse.edge.internal.persistence.TenantEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.StorableText;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.WireNames;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In-container: the audit chain appended inside the caller's JTA transaction (what {@code
 * AuditRecorder.recordInTransaction} does for every governed change), against Liberty's real
 * transaction manager and PostgreSQL. The micro-deployment holds the appender and the stored rows'
 * hashed form only: no group-commit writer thread, no metrics, no scheduler of the application.
 */
@ExtendWith(ArquillianExtension.class)
class TransactionalAppendIT {

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "transactional-append-it.war")
                .addClasses(
                        TransactionalAppend.class,
                        ChainAppender.class,
                        RecordedEvent.class,
                        ContentRetention.class,
                        AuditUnavailableException.class,
                        EventRowMapper.class,
                        ChainProbe.class,
                        TenantEntity.class,
                        Caller.class,
                        Role.class,
                        TenantId.class,
                        StorableText.class,
                        WireNames.class)
                .addPackage("io.gatehouse.audit")
                .addPackage("io.gatehouse.audit.chain")
                .addPackage("io.gatehouse.shared.error")
                .addAsResource("META-INF/persistence-it.xml", "META-INF/persistence.xml")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @Inject ChainProbe probe;

    static TenantId freshChain() {
        return new TenantId(UUID.randomUUID());
    }

    // JUnit's assertions: they travel with Arquillian's deployment, AssertJ does not.

    @Test
    void anAppendCommitsTogetherWithTheCallersOwnWrite() throws Exception {
        TenantId chain = freshChain();
        UUID tenantRow = UUID.randomUUID();
        RecordedEvent r = probe.createTenant(chain, tenantRow);
        assertTrue(probe.tenantExists(tenantRow));
        List<ChainProbe.Row> rows = probe.rows(chain);
        assertEquals(1, rows.size());
        assertEquals(r.eventId(), rows.get(0).eventId());
        assertEquals(1, rows.get(0).seq());
        assertEquals(ChainHash.GENESIS, rows.get(0).prevHash());
        assertEquals(List.of(), probe.brokenEvents(chain));
    }

    @Test
    void aRolledBackAppendLeavesNoEventAndTheChainStaysValid() throws Exception {
        TenantId chain = freshChain();
        RecordedEvent first = probe.append(chain, "before");
        UUID tenantRow = UUID.randomUUID();
        List<UUID> appended = new CopyOnWriteArrayList<>();
        assertThrows(
                IllegalStateException.class,
                () -> probe.createTenantThenFail(chain, tenantRow, appended));
        assertEquals(1, appended.size(), "the event was appended before the failure");
        assertFalse(probe.tenantExists(tenantRow), "the caller's own write rolled back");
        List<ChainProbe.Row> rows = probe.rows(chain);
        assertEquals(1, rows.size(), "the rolled-back event is gone");
        assertFalse(rows.stream().anyMatch(row -> row.eventId().equals(appended.get(0))));

        // the next event links to the last committed one: no gap, no dangling link
        RecordedEvent next = probe.append(chain, "after");
        rows = probe.rows(chain);
        assertEquals(2, rows.size());
        assertEquals(2, next.seq());
        assertEquals(first.hash(), rows.get(1).prevHash());
        assertEquals(List.of(), probe.brokenEvents(chain));
    }

    @Test
    void concurrentTransactionsGiveOneLinearChain() throws Exception {
        TenantId chain = freshChain();
        int threads = 6;
        int each = 5;
        List<Future<List<RecordedEvent>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(
                    probe.executor()
                            .submit(
                                    () -> {
                                        List<RecordedEvent> mine = new ArrayList<>();
                                        for (int i = 0; i < each; i++) {
                                            // each transaction holds the chain's lock a while,
                                            // so the others queue behind it
                                            mine.add(
                                                    probe.appendAndLinger(
                                                            chain, "t" + thread + "." + i, 20));
                                        }
                                        return mine;
                                    }));
        }
        Set<Long> seqs = new HashSet<>();
        for (Future<List<RecordedEvent>> f : futures) {
            for (RecordedEvent r : f.get(60, TimeUnit.SECONDS)) {
                assertTrue(seqs.add(r.seq()), "seq " + r.seq() + " handed out twice");
            }
        }
        int total = threads * each;
        List<ChainProbe.Row> rows = probe.rows(chain);
        assertEquals(total, rows.size());
        String prev = ChainHash.GENESIS;
        for (int i = 0; i < total; i++) {
            ChainProbe.Row row = rows.get(i);
            assertEquals(i + 1, row.seq());
            assertEquals(prev, row.prevHash(), "event " + row.seq() + " links to its predecessor");
            prev = row.hash();
        }
        assertEquals(List.of(), probe.brokenEvents(chain));
    }
}
