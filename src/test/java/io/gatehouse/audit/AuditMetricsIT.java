package io.gatehouse.audit;

import static io.gatehouse.testing.PrometheusText.delta;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import io.gatehouse.testing.MetricsScrape;
import io.gatehouse.testing.TestTenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The audit overhead metrics the benchmark reads from /metrics: the wait of each gateway request's
 * recording (histogram in microseconds, with buckets) and the events per group commit.
 */
class AuditMetricsIT {
    static final String WAIT = "gatehouse_audit_record_wait_us";
    static final String COMMITS = "gatehouse_audit_commit_events";
    static final String GATEWAY = "event=\"gateway\"";

    @Test
    void gatewayRequestsMoveTheAuditWaitAndCommitMetricsConsistently() throws Exception {
        TestTenant t = TestTenant.fresh();
        PostgresImmediateStopIT.sandboxRoute(t.id(), "metered");
        String body =
                "{\"model\":\"metered\",\"messages\":[{\"role\":\"user\",\"content\":\"count me\"}]}";
        Http http = Http.local();
        String before = MetricsScrape.text();

        int requests = 40;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            answers.add(
                    pool.submit(
                            () -> http.post("/v1/chat/completions", body, t.keyAuth()).status()));
        }
        for (Future<Integer> f : answers) {
            assertThat(f.get()).isEqualTo(200);
        }
        pool.shutdown();
        String after = MetricsScrape.text();
        // for checking bench/run.sh's parsing against the real exposition format
        Files.writeString(Path.of("target/audit-metrics-sample.txt"), after);

        double waits = delta(before, after, WAIT + "_count", GATEWAY);
        double waitSum = delta(before, after, WAIT + "_sum", GATEWAY);
        double commits = delta(before, after, COMMITS + "_count", "");
        double events = delta(before, after, COMMITS + "_sum", "");
        assertThat(waits).as("gateway recordings timed").isGreaterThanOrEqualTo(requests);
        assertThat(waitSum).as("microseconds waited").isPositive();
        assertThat(events).as("events committed").isGreaterThanOrEqualTo(waits);
        assertThat(commits).as("group commits").isPositive().isLessThanOrEqualTo(events);
        // the buckets: the +Inf bucket counts every recording; lower ones never more
        double inf = delta(before, after, WAIT + "_bucket", GATEWAY + "," + "le=\"+Inf\"");
        assertThat(inf).isEqualTo(waits);
        assertThat(delta(before, after, WAIT + "_bucket", GATEWAY + "," + "le=\"1000.0\""))
                .isBetween(0.0, waits);
    }
}
