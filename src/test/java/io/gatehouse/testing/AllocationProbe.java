package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

/**
 * Bytes a code path allocates per call, from the JVM's per-thread counter ({@code
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes}): the allocation probes of issue 16 use
 * it to assert upper bounds on bytes, never on time. The path runs 20,000 times first so that
 * compiled code and escape analysis have settled.
 */
public final class AllocationProbe {
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
        long start = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < runs; i++) {
            sink = call.run();
        }
        long bytes = mx.getThreadAllocatedBytes(id) - start;
        assertThat(sink).isNotNull();
        return bytes / runs;
    }
}
