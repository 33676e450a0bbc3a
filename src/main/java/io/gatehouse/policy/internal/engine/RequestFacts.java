package io.gatehouse.policy.internal.engine;

import io.gatehouse.policy.internal.detect.EntityType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What rules can see about a request: the documented CEL context (docs/policy.md). Built from a live
 * exchange and its detector findings, or from a recorded request's summary (the test bench).
 */
public record RequestFacts(
    String tenant,
    String key,
    String user,
    String route,
    String operation,
    int classification,
    Map<String, EntityStat> entities,
    double injectionScore,
    List<String> injectionSignals,
    boolean obfuscated,
    long tokens,
    int messageCount,
    List<String> roles,
    Map<String, String> headers,
    List<Map<String, Object>> providers,
    Instant now) {

  /** Findings of one entity type: how many, and the highest detector score. */
  public record EntityStat(long count, double maxScore) {
    public static final EntityStat NONE = new EntityStat(0, 0.0);
  }

  public RequestFacts {
    Map<String, EntityStat> all = new LinkedHashMap<>();
    for (String t : EntityType.wireNames()) {
      all.put(t, entities.getOrDefault(t, EntityStat.NONE));
    }
    entities = java.util.Collections.unmodifiableMap(all);
    headers = Map.copyOf(headers);
    roles = List.copyOf(roles);
    injectionSignals = List.copyOf(injectionSignals);
    providers = List.copyOf(providers);
  }

  public RequestFacts withClassification(int level) {
    return new RequestFacts(tenant, key, user, route, operation, level, entities, injectionScore,
        injectionSignals, obfuscated, tokens, messageCount, roles, headers, providers, now);
  }

  /** The same request seen at the output stage: entities of the answer instead of the prompt. */
  public RequestFacts withEntities(Map<String, EntityStat> answerEntities, double injection, List<String> signals) {
    return new RequestFacts(tenant, key, user, route, operation, classification, answerEntities,
        injection, signals, false, tokens, messageCount, roles, headers, providers, now);
  }

  /** The CEL variables for {@code stage}. */
  public Map<String, Object> context(PolicyRule.Stage stage) {
    Map<String, Object> c = new HashMap<>();
    c.put("tenant", nz(tenant));
    c.put("key", nz(key));
    c.put("user", nz(user));
    c.put("route", nz(route));
    c.put("operation", nz(operation));
    c.put("stage", stage.wireName());
    c.put("classification", (long) classification);
    Map<String, Object> ents = new HashMap<>();
    entities.forEach(
        (t, s) -> ents.put(t, Map.of("count", s.count(), "max_score", s.maxScore())));
    c.put("entities", ents);
    c.put(
        "injection",
        Map.of("score", injectionScore, "signals", injectionSignals, "obfuscated", obfuscated));
    c.put("tokens", tokens);
    c.put("messages", Map.of("count", (long) messageCount, "roles", roles));
    ZonedDateTime t = now.atZone(ZoneOffset.UTC);
    c.put(
        "time",
        Map.of(
            "hour", (long) t.getHour(),
            "minute", (long) t.getMinute(),
            "weekday", (long) t.getDayOfWeek().getValue(),
            "epoch_seconds", now.getEpochSecond(),
            "iso", now.toString()));
    c.put("headers", headers);
    c.put("providers", providers);
    c.put("provider", Map.of());
    return c;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
