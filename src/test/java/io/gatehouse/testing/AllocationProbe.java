package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

/**
 * Bytes a code path allocates per call, from the JVM's per-thread counter ({@code
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes}): the allocation probes of issue 16 use
 * it to assert upper bounds on bytes, never on time. The path runs 20,000 times first so that
 * compiled code and escape analysis have settled, then is measured over {@value #ROUNDS} rounds and
 * the least round counts: what the path itself needs. A round during which the JIT recompiled or
 * deoptimised the path (which happens at random in a long suite's shared JVM: the policy probe read
 * 4,032 to 5,072 bytes for one unchanged path) counts that transient's allocations too.
 */
public final class AllocationProbe {
    /** Measured rounds; the least counts. */
    static final int ROUNDS = 3;

    private AllocationProbe() {}

    /** One call of the probed path; what it returns keeps the JIT from removing the work. */
    @FunctionalInterface
    public interface Call {
        Object run() throws Exception;
    }

    public static long bytesPerCall(int runs, Call call) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // without the JVM's per-thread counter the difference is 0 and passes any bound
        assertThat(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled())
                .as("this JVM counts the bytes each thread allocates")
                .isTrue();
        long id = Thread.currentThread().getId();
        Object sink = null;
        for (int i = 0; i < 20_000; i++) {
            sink = call.run();
        }
        long least = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long start = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < runs; i++) {
                sink = call.run();
            }
            least = Math.min(least, mx.getThreadAllocatedBytes(id) - start);
        }
        assertThat(sink).isNotNull();
        return least / runs;
    }
}
