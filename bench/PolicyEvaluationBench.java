package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Measures the policy stage's input cost per request for a 20-rule policy (detectors + CEL) and
 * REPORTS p50/p99 to {@code target/policy-benchmark.md} and stdout. It asserts nothing about timing:
 * the machine is shared and timings vary.
 */
class PolicyBenchmarkTest {
  static CompiledPolicy twentyRules() {
    JsonArrayBuilder rules = Json.createArrayBuilder();
    String[] types = {"email", "phone", "card", "iban", "ssn", "nino", "ip", "secret"};
    for (int i = 0; i < 8; i++) {
      rules.add(Json.createObjectBuilder().add("id", "flag-" + types[i])
          .add("condition", "entities." + types[i] + ".count > 0 && entities." + types[i] + ".max_score >= 0.5")
          .add("action", "flag"));
    }
    for (int i = 0; i < 4; i++) {
      rules.add(Json.createObjectBuilder().add("id", "classify-" + i)
          .add("condition", "entities." + types[i] + ".count > " + i + " || tokens > " + (10000 + i))
          .add("action", "classify").add("level", 1 + i % 3));
    }
    rules.add(Json.createObjectBuilder().add("id", "eu-for-confidential").add("condition", "classification >= 2")
        .add("action", "restrict_providers").add("regions", Json.createArrayBuilder().add("eu-*")));
    rules.add(Json.createObjectBuilder().add("id", "team-header")
        .add("condition", "'x-team' in headers && headers['x-team'] in ['finance', 'legal']").add("action", "flag"));
    rules.add(Json.createObjectBuilder().add("id", "night")
        .add("condition", "time.hour < 6 || time.hour > 22").add("action", "flag"));
    rules.add(Json.createObjectBuilder().add("id", "route").add("condition", "route.startsWith('prompt:') && tokens > 5000")
        .add("action", "deny"));
    rules.add(Json.createObjectBuilder().add("id", "injection")
        .add("condition", "injection.score >= 0.9 && size(injection.signals) > 1").add("action", "deny"));
    rules.add(Json.createObjectBuilder().add("id", "roles")
        .add("condition", "messages.count > 50 || messages.roles.exists(r, r == 'tool')").add("action", "flag"));
    rules.add(Json.createObjectBuilder().add("id", "many-secrets").add("condition", "entities.secret.count > 3")
        .add("action", "deny"));
    rules.add(Json.createObjectBuilder().add("id", "redact").add("condition", "entities.email.count + entities.card.count > 0")
        .add("action", "redact").add("entities", Json.createArrayBuilder().add("email").add("card")));
    return CompiledPolicy.compile("bench", "bench@v1", false,
        Json.createObjectBuilder().add("rules", rules).build());
  }

  static final String PROMPT =
      "You are a helpful assistant for the support team. Answer briefly and politely.";
  static final String USER =
      "Hi, I'm Ann (ann@example.com, +44 20 7946 0958). My card 4111 1111 1111 1111 was charged twice "
          + "for order 88231 on 2026-11-20. Could you check the transaction and refund the duplicate? "
          + "The invoice mentions account DE89 3704 0044 0532 0130 00. Thanks a lot!";

  @Test
  void reportEvaluationCost() throws Exception {
    CompiledPolicy policy = twentyRules();
    PolicyStage stage = new PolicyStage(t -> List.of(policy), java.time.Clock.systemUTC());
    int warmup = 2000;
    int runs = 5000;
    long[] total = new long[runs];
    long[] rulesOnly = new long[runs];
    var facts = RequestScanAccess.facts(exchange());
    for (int i = 0; i < warmup + runs; i++) {
      GatewayExchange ex = exchange();
      long t0 = System.nanoTime();
      stage.beforeRouting(ex);
      long t1 = System.nanoTime();
      io.gatehouse.policy.internal.engine.PolicyEngine.evaluate(
          List.of(policy), facts, io.gatehouse.policy.internal.engine.PolicyRule.Stage.INPUT);
      long t2 = System.nanoTime();
      if (i >= warmup) {
        total[i - warmup] = t1 - t0;
        rulesOnly[i - warmup] = t2 - t1;
      }
    }
    String report =
        String.format(
            Locale.ROOT,
            "| measured (%d requests, 20-rule policy, 2 messages, %d chars) | p50 | p99 |%n|---|---:|---:|%n"
                + "| whole input stage (detectors + CEL + redaction) | %.1f µs | %.1f µs |%n"
                + "| CEL rule evaluation only | %.1f µs | %.1f µs |%n",
            runs, PROMPT.length() + USER.length(),
            pct(total, 50), pct(total, 99), pct(rulesOnly, 50), pct(rulesOnly, 99));
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/policy-benchmark.md"), report);
    System.out.println(report);
  }

  static GatewayExchange exchange() {
    List<ChatMessage> msgs = new ArrayList<>();
    msgs.add(new ChatMessage("system", PROMPT, true));
    msgs.add(new ChatMessage("user", USER, false));
    return new GatewayExchange(PolicyFixtures.TENANT, "k", "r", "chat", "sandbox", null, msgs,
        Map.of("x-team", "support"));
  }

  static double pct(long[] nanos, int p) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1000.0;
  }
}
