package io.gatehouse.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.audit.GatewayRequestLog;
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
          recorded("req_1", "{'policy':{'entities':{'email':{'count':1,'max_score_pct':95}},'injection':{'score_pct':0,'signals':[]},'classification_in':0,'tokens_estimate':30}}"),
          recorded("req_2", "{'policy':{'entities':{},'injection':{'score_pct':0,'signals':[]},'classification_in':0,'tokens_estimate':12}}"),
          recorded("req_3", "{'policy':{'entities':{'ip':{'count':2,'max_score_pct':85}},'injection':{'score_pct':93,'signals':['ignore_instructions']},'classification_in':0,'tokens_estimate':40}}"),
          recorded("req_4", "{'other':'no policy summary'}"));

  static GatewayRequestLog.RecordedRequest recorded(String id, String details) {
    return new GatewayRequestLog.RecordedRequest(id, Instant.parse("2026-11-27T09:00:00Z"), "key-1", "sandbox",
        details.replace('\'', '"'));
  }

  PolicyTestBench bench() {
    CompiledPolicy demo = CompiledPolicy.compile("demo", "demo@v1", false, DemoPolicySeed.demoPolicy());
    PolicyTestBench b = new PolicyTestBench();
    b.live = t -> List.of(demo);
    b.requests =
        new GatewayRequestLog() {
          @Override
          public List<UsageTotal> usage(
              TenantId tenant, Instant from, Instant to, Grouping groupBy, String keyId) {
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
        json("{'rules':["
            + "{'id':'deny-credentials','condition':'entities.secret.count > 0','action':'deny','code':'credentials_in_prompt','message':'no'},"
            + "{'id':'no-email','condition':'entities.email.count > 0','action':'deny','code':'email_not_allowed','message':'No e-mail addresses'},"
            + "{'id':'injection','condition':'injection.score >= 0.9','action':'deny','code':'prompt_injection','message':'no'}]}");
    JsonObject body =
        Json.createObjectBuilder()
            .add("name", "demo")
            .add("policy", draft)
            .add("request", json("{'messages':[{'role':'user','content':'Mail me at ann@example.com'}]}"))
            .build();
    JsonObject r = bench().run(PolicyFixtures.TENANT, body);

    assertThat(r.getString("replaces")).isEqualTo("demo@v1");
    JsonObject sample = r.getJsonObject("sample");
    assertThat(sample.getBoolean("changed")).isTrue();
    assertThat(sample.getJsonObject("live").getInt("status")).isEqualTo(200);
    assertThat(sample.getJsonObject("live").getJsonArray("messages").getString(0)).isEqualTo("Mail me at [EMAIL]");
    assertThat(sample.getJsonObject("draft").getInt("status")).isEqualTo(403);
    assertThat(sample.getJsonObject("draft").getString("code")).isEqualTo("email_not_allowed");

    JsonObject traffic = r.getJsonObject("traffic");
    assertThat(traffic.getInt("considered")).isEqualTo(4);
    assertThat(traffic.getInt("evaluated")).isEqualTo(3);
    assertThat(traffic.getInt("unscanned")).isEqualTo(1);
    assertThat(traffic.getInt("changed")).isEqualTo(2); // req_1 (email) and req_3 (injection)
    assertThat(traffic.getJsonObject("outcomes").getJsonObject("live").getInt("modify")).isEqualTo(1);
    assertThat(traffic.getJsonObject("outcomes").getJsonObject("draft").getInt("deny")).isEqualTo(2);
    assertThat(traffic.getJsonArray("changes").getValuesAs(JsonObject.class))
        .extracting(c -> c.getString("requestId"))
        .containsExactly("req_1", "req_3");
  }

  @Test
  void anUnchangedDraftChangesNothing() {
    JsonObject body = Json.createObjectBuilder().add("name", "demo").add("policy", DemoPolicySeed.demoPolicy()).build();
    JsonObject r = bench().run(PolicyFixtures.TENANT, body);
    assertThat(r.getJsonObject("traffic").getInt("changed")).isZero();
    assertThat(r.containsKey("sample")).isFalse();
  }

  @Test
  void anInvalidDraftIsAValidationError() {
    JsonObject body = json("{'name':'demo','policy':{'rules':[{'id':'x','condition':'nope(','action':'deny'}]}}");
    assertThatThrownBy(() -> bench().run(PolicyFixtures.TENANT, body))
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).param()).isEqualTo("content.rules[0].condition"));
  }
}
