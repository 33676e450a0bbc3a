package io.gatehouse.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

/**
 * Requests sent by several worker threads that a barrier releases together: the races, limits and
 * mixed good-and-bad traffic the integration tests provoke.
 */
public final class Burst {
    private static final long TIMEOUT_SECONDS = 120;

    private Burst() {}

    /** One request of a worker: its {@code n}-th. */
    @FunctionalInterface
    public interface Call {
        Http.Response send(int worker, int n) throws Exception;
    }

    /**
     * Worker {@code w} (0 to {@code workers - 1}) sends {@code calls.applyAsInt(w)} requests, one
     * after the other, each made by {@code call}; all workers start at the same moment. The answers
     * per worker, in the order sent.
     */
    public static List<List<Http.Response>> perWorker(
            int workers, IntUnaryOperator calls, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        CyclicBarrier start = new CyclicBarrier(workers);
        try {
            List<Future<List<Http.Response>>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                futures.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    List<Http.Response> out = new ArrayList<>();
                                    for (int n = 0; n < calls.applyAsInt(worker); n++) {
                                        out.add(call.send(worker, n));
                                    }
                                    return out;
                                }));
            }
            List<List<Http.Response>> answers = new ArrayList<>();
            for (Future<List<Http.Response>> f : futures) {
                answers.add(f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@link #perWorker}, every answer in one list. */
    public static List<Http.Response> all(int workers, IntUnaryOperator calls, Call call)
            throws Exception {
        return perWorker(workers, calls, call).stream().flatMap(List::stream).toList();
    }
}
