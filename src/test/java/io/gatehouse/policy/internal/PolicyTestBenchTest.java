package io.gatehouse.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.GatewayRequestLog;
import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyTestBenchTest {
    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s.replace('\'', '"'))).readObject();
    }

    /** Recorded traffic as the policy stage writes it into gateway.request audit events. */
    static final List<GatewayRequestLog.RecordedRequest> TRAFFIC =
            List.of(
                    recorded(
                            "req_1",
                            "{'policy':{'entities':{'email':{'count':1,'max_score_pct':95}},'injection':{'score_pct':0,'signals':[]},'classification_in':0,'tokens_estimate':30}}"),
                    recorded(
                            "req_2",
                            "{'policy':{'entities':{},'injection':{'score_pct':0,'signals':[]},'classification_in':0,'tokens_estimate':12}}"),
                    recorded(
                            "req_3",
                            "{'policy':{'entities':{'ip':{'count':2,'max_score_pct':85}},'injection':{'score_pct':93,'signals':['ignore_instructions']},'classification_in':0,'tokens_estimate':40}}"),
                    recorded("req_4", "{'other':'no policy summary'}"));

    static GatewayRequestLog.RecordedRequest recorded(String id, String details) {
        return new GatewayRequestLog.RecordedRequest(
                id,
                Instant.parse("2026-11-27T09:00:00Z"),
                "key-1",
                "sandbox",
                details.replace('\'', '"'));
    }

    PolicyTestBench bench() {
        CompiledPolicy demo =
                CompiledPolicy.compile("demo", "demo@v1", false, DemoPolicySeed.demoPolicy());
        PolicyTestBench b = new PolicyTestBench();
        b.live = t -> List.of(demo);
        b.requests =
                new GatewayRequestLog() {
                    @Override
                    public List<UsageTotal> usage(
                            TenantId tenant,
                            Instant from,
                            Instant to,
                            Grouping groupBy,
                            String keyId) {
                        throw new UnsupportedOperationException("not used by the test bench");
                    }

                    @Override
                    public List<SeriesRow> series(
                            TenantId tenant,
                            io.gatehouse.shared.TimeBuckets window,
                            Grouping groupBy,
                            long objectiveMs) {
                        throw new UnsupportedOperationException("not used by the test bench");
                    }

                    @Override
                    public List<RuleCount> policyRuleMatches(
                            TenantId tenant, io.gatehouse.shared.TimeBuckets window) {
                        throw new UnsupportedOperationException("not used by the test bench");
                    }

                    @Override
                    public List<RecordedRequest> recent(TenantId tenant, int limit) {
                        return TRAFFIC.subList(0, Math.min(limit, TRAFFIC.size()));
                    }
                };
        b.clock = PolicyFixturesTest.CLOCK;
        return b;
    }

    @Test
    void reportsWhatAStricterDraftWouldChange() {
        JsonObject draft =
                json(
                        "{'rules':["
                                + "{'id':'deny-credentials','condition':'entities.secret.count > 0','action':'deny','code':'credentials_in_prompt','message':'no'},"
                                + "{'id':'no-email','condition':'entities.email.count > 0','action':'deny','code':'email_not_allowed','message':'No e-mail addresses'},"
                                + "{'id':'injection','condition':'injection.score >= 0.9','action':'deny','code':'prompt_injection','message':'no'}]}");
        JsonObject body =
                Json.createObjectBuilder()
                        .add("name", "demo")
                        .add("policy", draft)
                        .add(
                                "request",
                                json(
                                        "{'messages':[{'role':'user','content':'Mail me at ann@example.com'}]}"))
                        .build();
        JsonObject r = bench().run(PolicyFixtures.TENANT, body);

        assertThat(r.getString("replaces")).isEqualTo("demo@v1");
        JsonObject sample = r.getJsonObject("sample");
        assertThat(sample.getBoolean("changed")).isTrue();
        assertThat(sample.getJsonObject("live").getInt("status")).isEqualTo(200);
        assertThat(sample.getJsonObject("live").getJsonArray("messages").getString(0))
                .isEqualTo("Mail me at [EMAIL]");
        assertThat(sample.getJsonObject("draft").getInt("status")).isEqualTo(403);
        assertThat(sample.getJsonObject("draft").getString("code")).isEqualTo("email_not_allowed");

        JsonObject traffic = r.getJsonObject("traffic");
        assertThat(traffic.getInt("considered")).isEqualTo(4);
        assertThat(traffic.getInt("evaluated")).isEqualTo(3);
        assertThat(traffic.getInt("unscanned")).isEqualTo(1);
        assertThat(traffic.getInt("changed")).isEqualTo(2); // req_1 (email) and req_3 (injection)
        // Live (the demo policy): req_1 redacted, req_3 flagged as likely injection.
        assertThat(traffic.getJsonObject("outcomes").getJsonObject("live").getInt("modify"))
                .isEqualTo(2);
        assertThat(traffic.getJsonObject("outcomes").getJsonObject("draft").getInt("deny"))
                .isEqualTo(2);
        assertThat(traffic.getJsonArray("changes").getValuesAs(JsonObject.class))
                .extracting(c -> c.getString("requestId"))
                .containsExactly("req_1", "req_3");
    }

    @Test
    void anUnchangedDraftChangesNothing() {
        JsonObject body =
                Json.createObjectBuilder()
                        .add("name", "demo")
                        .add("policy", DemoPolicySeed.demoPolicy())
                        .build();
        JsonObject r = bench().run(PolicyFixtures.TENANT, body);
        assertThat(r.getJsonObject("traffic").getInt("changed")).isZero();
        assertThat(r.containsKey("sample")).isFalse();
    }

    @Test
    void anInvalidDraftIsAValidationError() {
        JsonObject body =
                json(
                        "{'name':'demo','policy':{'rules':[{'id':'x','condition':'nope(','action':'deny'}]}}");
        assertThatThrownBy(() -> bench().run(PolicyFixtures.TENANT, body))
                .isInstanceOf(ValidationException.class)
                .satisfies(
                        e ->
                                assertThat(((ValidationException) e).param())
                                        .isEqualTo("content.rules[0].condition"));
    }

    @Test
    void theChainedReplaceOfTheIssueIsRefusedBeforeAnythingRuns() {
        String chain = "'a'" + ".replace('a', 'aa')".repeat(40) + ".size() > 0";
        JsonObject draft =
                Json.createObjectBuilder()
                        .add("name", "demo")
                        .add(
                                "policy",
                                Json.createObjectBuilder()
                                        .add(
                                                "rules",
                                                Json.createArrayBuilder()
                                                        .add(
                                                                Json.createObjectBuilder()
                                                                        .add("id", "x")
                                                                        .add("condition", chain)
                                                                        .add("action", "deny"))))
                        .build();
        assertThatThrownBy(() -> bench().run(PolicyFixtures.TENANT, draft))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("the bound is 65536")
                .satisfies(
                        e -> {
                            assertThat(((ValidationException) e).param())
                                    .isEqualTo("content.rules[0].condition");
                            assertThat(((ValidationException) e).code())
                                    .isEqualTo("cel_bound_exceeded");
                        });
    }

    @Test
    void aBoundExceededAtRunTimeFailsTheDraftsEvaluationWithAClearError() {
        JsonObject body =
                Json.createObjectBuilder()
                        .add("name", "demo")
                        .add(
                                "policy",
                                Json.createObjectBuilder()
                                        .add(
                                                "rules",
                                                Json.createArrayBuilder()
                                                        .add(
                                                                Json.createObjectBuilder()
                                                                        .add("id", "pad")
                                                                        .add(
                                                                                "condition",
                                                                                "headers['x-pad'].replace('a', 'aaaa').size() > 0")
                                                                        .add("action", "deny")
                                                                        .add("code", "pad_denied")
                                                                        .add(
                                                                                "message",
                                                                                "no padding"))))
                        .add(
                                "request",
                                Json.createObjectBuilder()
                                        .add(
                                                "messages",
                                                json("{'m':[{'role':'user','content':'hi'}]}")
                                                        .getJsonArray("m"))
                                        .add(
                                                "headers",
                                                Json.createObjectBuilder()
                                                        .add("x-pad", "a".repeat(20_000))))
                        .add("traffic", json("{'limit':0}"))
                        .build();
        JsonObject d =
                bench().run(PolicyFixtures.TENANT, body)
                        .getJsonObject("sample")
                        .getJsonObject("draft");
        assertThat(d.getInt("status")).isEqualTo(500);
        assertThat(d.getString("code")).isEqualTo("policy_evaluation_failed");
        assertThat(
                        d.getJsonObject("decision")
                                .getJsonObject("input")
                                .getJsonArray("errors")
                                .getString(0))
                .contains("demo@draft/pad")
                .contains("would produce 80000 characters; the bound is 65536");
        // Below the bound the same rule simply matches.
        JsonObject small =
                Json.createObjectBuilder(body)
                        .add(
                                "request",
                                Json.createObjectBuilder(body.getJsonObject("request"))
                                        .add(
                                                "headers",
                                                Json.createObjectBuilder().add("x-pad", "aaa")))
                        .build();
        JsonObject ok =
                bench().run(PolicyFixtures.TENANT, small)
                        .getJsonObject("sample")
                        .getJsonObject("draft");
        assertThat(ok.getInt("status")).isEqualTo(403);
        assertThat(ok.getString("code")).isEqualTo("pad_denied");
    }

    @Test
    void aRunOverItsTimeLimitStopsWith422() {
        StringBuilder range = new StringBuilder("[0");
        for (int i = 1; i < 200; i++) {
            range.append(',').append(i);
        }
        range.append(']');
        // Each search costs about 15000 * 15000 comparisons; 200 of them take far longer than 200
        // ms.
        String slow = range + ".exists(i, headers['x-a'].indexOf(headers['x-b']) == -2)";
        JsonObject body =
                Json.createObjectBuilder()
                        .add("name", "demo")
                        .add(
                                "policy",
                                Json.createObjectBuilder()
                                        .add(
                                                "rules",
                                                Json.createArrayBuilder()
                                                        .add(
                                                                Json.createObjectBuilder()
                                                                        .add("id", "slow")
                                                                        .add("condition", slow)
                                                                        .add("action", "flag"))))
                        .add(
                                "request",
                                Json.createObjectBuilder()
                                        .add(
                                                "messages",
                                                json("{'m':[{'role':'user','content':'hi'}]}")
                                                        .getJsonArray("m"))
                                        .add(
                                                "headers",
                                                Json.createObjectBuilder()
                                                        .add("x-a", "a".repeat(30_000))
                                                        .add("x-b", "a".repeat(15_000) + "b")))
                        .build();
        PolicyTestBench b = bench();
        b.timeoutMs = 200;
        long start = System.nanoTime();
        assertThatThrownBy(() -> b.run(PolicyFixtures.TENANT, body))
                .isInstanceOf(io.gatehouse.shared.error.GatehouseException.class)
                .hasMessageContaining("200 ms")
                .satisfies(
                        e -> {
                            var ge = (io.gatehouse.shared.error.GatehouseException) e;
                            assertThat(ge.status()).isEqualTo(422);
                            assertThat(ge.code()).isEqualTo("policy_test_timeout");
                        });
        // Stopped within about one search of the deadline, not after all 200.
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
        // The deadline belongs to that run only: the next run on this thread is unaffected.
        JsonObject quick =
                Json.createObjectBuilder()
                        .add("name", "demo")
                        .add("policy", DemoPolicySeed.demoPolicy())
                        .build();
        assertThat(b.run(PolicyFixtures.TENANT, quick).getJsonObject("traffic").getInt("evaluated"))
                .isEqualTo(3);
    }

    @Test
    void timePassingWhileTrafficIsReplayedStopsTheRun() {
        PolicyTestBench b = bench();
        b.timeoutMs = 1;
        long[] now = {0};
        // Time passes only while recorded traffic is replayed (one tick per call).
        b.ticker = () -> now[0] += 400_000;
        JsonObject body =
                Json.createObjectBuilder()
                        .add("name", "demo")
                        .add("policy", DemoPolicySeed.demoPolicy())
                        .build();
        assertThatThrownBy(() -> b.run(PolicyFixtures.TENANT, body))
                .satisfies(
                        e ->
                                assertThat(
                                                ((io.gatehouse.shared.error.GatehouseException) e)
                                                        .code())
                                        .isEqualTo("policy_test_timeout"));
    }

    @Test
    void sampleHeadersAreBoundedLikeARealRequest() {
        JsonObject body =
                Json.createObjectBuilder()
                        .add("name", "demo")
                        .add("policy", DemoPolicySeed.demoPolicy())
                        .add(
                                "request",
                                Json.createObjectBuilder()
                                        .add(
                                                "messages",
                                                json("{'m':[{'role':'user','content':'hi'}]}")
                                                        .getJsonArray("m"))
                                        .add(
                                                "headers",
                                                Json.createObjectBuilder()
                                                        .add(
                                                                "x-big",
                                                                "a"
                                                                        .repeat(
                                                                                PolicyTestBench
                                                                                        .MAX_HEADER_LENGTH))))
                        .build();
        assertThatThrownBy(() -> bench().run(PolicyFixtures.TENANT, body))
                .isInstanceOf(ValidationException.class)
                .satisfies(
                        e ->
                                assertThat(((ValidationException) e).param())
                                        .isEqualTo("request.headers"));
    }
}
