package io.gatehouse.audit.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.chain.OfflineVerifier;
import io.gatehouse.testing.Db;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export of a period -> offline verifier, through the server's own export code (the part of GET
 * /api/v1/audit/export below JAX-RS), and an export of many events in constant memory.
 */
class AuditExportIT {
    @TempDir Path dir;

    private static long export(String chain, Instant from, Instant to, Writer w) throws Exception {
        try (Connection c = Db.asApp()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return EventRows.export(
                        c,
                        chain,
                        from,
                        to,
                        EventRows.jsonLines(w, String.valueOf(from), String.valueOf(to), "now"));
            } finally {
                c.rollback();
            }
        }
    }

    private record Run(int code, String out) {}

    private Run offline(Path export, Path keys) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code =
                OfflineVerifier.run(
                        new String[] {
                            export.toString(),
                            "--keys",
                            keys.toString(),
                            "--pin",
                            ChainFixture.testKeyFingerprint()
                        },
                        ps,
                        ps);
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPeriodExportVerifiesOfflineAndTamperingIsNamed() throws Exception {
        ChainFixture f = new ChainFixture();
        List<RecordedEvent> all = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            all.addAll(f.appendN(10));
            f.checkpoint();
            Thread.sleep(5);
        }
        Path keys = Files.writeString(dir.resolve("keys.json"), ChainFixture.testKeysJson());
        // The period from event 11 to event 20 inclusive (rounds are milliseconds apart).
        Instant from = all.get(10).occurredAt();
        Instant to = all.get(20).occurredAt();
        Path file = dir.resolve("period.jsonl");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            assertThat(export(f.chain, from, to, w)).isEqualTo(10);
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0))
                .contains("\"anchor\":{\"hash\":\"" + all.get(9).hash() + "\",\"seq\":10}");
        assertThat(lines.get(lines.size() - 1))
                .contains("\"record\":\"trailer\"")
                .contains("\"events\":10");
        Run ok = offline(file, keys);
        assertThat(ok.code()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("VALID: 10 events");

        ChainFixture.tamper(
                "UPDATE audit_events SET outcome = 'failure' WHERE chain_id = ? AND seq = 17",
                f.chain);
        Path tampered = dir.resolve("tampered.jsonl");
        try (Writer w = Files.newBufferedWriter(tampered, StandardCharsets.UTF_8)) {
            export(f.chain, from, to, w);
        }
        Run bad = offline(tampered, keys);
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("BROKEN at seq 17 (event " + all.get(16).eventId() + ")");

        // A whole-chain export carries the genesis anchor.
        Path whole = dir.resolve("whole.jsonl");
        try (Writer w = Files.newBufferedWriter(whole, StandardCharsets.UTF_8)) {
            export(f.chain, null, null, w);
        }
        assertThat(Files.readAllLines(whole).get(0)).contains("\"seq\":0");
        assertThat(offline(whole, keys).out()).contains("BROKEN at seq 17");
    }

    /** Discards what it is given, counting characters. */
    static class CountingWriter extends Writer {
        long chars;

        @Override
        public void write(char[] cbuf, int off, int len) {
            chars += len;
        }

        @Override
        public void write(String s) {
            chars += s.length();
        }

        @Override
        public void flush() {}

        @Override
        public void close() throws IOException {}
    }

    static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Generates N events with the server's appender (batches of 2000) and exports them, sampling
     * the heap after a GC every 10 000 lines. N defaults to 50 000 here; bench/audit-export.sh runs
     * it with a million.
     */
    @Test
    void aLargeExportRunsInConstantMemory() throws Exception {
        int n = Integer.getInteger("gatehouse.bench.events", 50_000);
        ChainFixture f = new ChainFixture();
        long t0 = System.nanoTime();
        try (Connection c = Db.asApp()) {
            List<ChainAppender.Pending> batch = new ArrayList<>(2000);
            for (int i = 0; i < n; i++) {
                batch.add(
                        ChainAppender.Pending.of(
                                f.event("gateway.request")
                                        .detail("i", (long) i)
                                        .requestId("req_" + i)
                                        .build(),
                                ContentRetention.NONE));
                if (batch.size() == 2000 || i == n - 1) {
                    ChainFixture.append(c, batch);
                    batch.clear();
                }
            }
        }
        long generated = System.nanoTime();
        System.gc();
        long baseline = usedHeap();
        long[] peak = {baseline};
        CountingWriter w =
                new CountingWriter() {
                    long lines;

                    @Override
                    public void write(String s) {
                        super.write(s);
                        if (s.equals("\n") || s.endsWith("\n")) {
                            count();
                        }
                    }

                    @Override
                    public void write(int c) {
                        chars++;
                        if (c == '\n') {
                            count();
                        }
                    }

                    private void count() {
                        if (++lines % 10_000 == 0) {
                            System.gc();
                            peak[0] = Math.max(peak[0], usedHeap());
                        }
                    }
                };
        long exported = export(f.chain, null, null, w);
        long done = System.nanoTime();
        long growthMb = (peak[0] - baseline) / (1024 * 1024);
        System.out.printf(
                "audit export benchmark: events=%d generate=%.1fs export=%.1fs bytes=%d heapBaseline=%dMB"
                        + " heapPeakAfterGc=%dMB growth=%dMB maxHeap=%dMB%n",
                exported,
                (generated - t0) / 1e9,
                (done - generated) / 1e9,
                w.chars,
                baseline / (1024 * 1024),
                peak[0] / (1024 * 1024),
                growthMb,
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
        assertThat(exported).isEqualTo(n);
        // Constant memory: the live heap while streaming stays within a few fetch windows, whatever
        // N.
        assertThat(growthMb).isLessThan(64);
    }
}
