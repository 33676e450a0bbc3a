package io.gatehouse.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, item 7: a task run for a request on another thread (the login's password check on the
 * managed executor) writes its lines with the request's ids, and leaves the pooled thread as it
 * found it, so the next task on that thread does not inherit them.
 */
class LogFieldsTest {
    @AfterEach
    void clear() {
        RequestIds.leave();
    }

    @Test
    void aTaskCarriesTheSubmittersIdsAndLeavesThePooledThreadClean() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            List<String> seen = new ArrayList<>();
            RequestIds.enter("req_aaa", null);
            LogFields.put(LogFields.TRACE_ID, "0123456789abcdef0123456789abcdef");
            LogFields.Snapshot ids = LogFields.capture();
            RequestIds.leave(); // the request thread moves on before the task runs
            assertThat(LogFields.get(LogFields.REQUEST_ID)).isNull();

            pool.submit(ids.wrap(() -> seen.add(LogFields.get(LogFields.REQUEST_ID)))).get();
            pool.submit(() -> seen.add(LogFields.get(LogFields.TRACE_ID))).get();
            pool.submit(
                            ids.wrap(
                                    () ->
                                            seen.add(
                                                    LogFields.get(LogFields.TRACE_ID)
                                                            + " "
                                                            + LogFields.get(LogFields.REQUEST_ID))))
                    .get();
            pool.submit(() -> seen.add(LogFields.get(LogFields.REQUEST_ID))).get();

            assertThat(seen)
                    .containsExactly(
                            "req_aaa", null, "0123456789abcdef0123456789abcdef req_aaa", null);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aThreadServingItsOwnRequestGetsItsOwnIdsBackAfterACarriedTask() {
        RequestIds.enter("req_bbb", null);
        LogFields.Snapshot other = new LogFields.Snapshot(java.util.Map.of("requestId", "req_ccc"));
        List<String> seen = new ArrayList<>();
        other.wrap(() -> seen.add(LogFields.get(LogFields.REQUEST_ID))).run();
        assertThat(seen).containsExactly("req_ccc");
        assertThat(LogFields.get(LogFields.REQUEST_ID)).isEqualTo("req_bbb");
    }
}
