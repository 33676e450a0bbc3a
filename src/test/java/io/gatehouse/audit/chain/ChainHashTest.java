package io.gatehouse.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChainHashTest {
  private static Map<String, Object> event(long seq, String prev) {
    Map<String, Object> e = new HashMap<>();
    e.put("chain", "platform");
    e.put("seq", seq);
    e.put("id", "00000000-0000-0000-0000-00000000000" + seq);
    e.put("time", "2026-11-27T05:00:00.123456Z");
    e.put("actorKind", "system");
    e.put("actor", "seed");
    e.put("action", "tenant.create");
    e.put("outcome", "success");
    e.put("details", Map.of("slug", "demo"));
    e.put("prevHash", prev);
    return e;
  }

  @Test
  void hashIsStableAndIndependentOfMapOrder() {
    Map<String, Object> a = event(1, ChainHash.GENESIS);
    Map<String, Object> b = new java.util.TreeMap<>(a);
    assertThat(ChainHash.hash(a)).hasSize(64).isEqualTo(ChainHash.hash(b));
  }

  @Test
  void everyHashedFieldChangesTheHash() {
    String base = ChainHash.hash(event(1, ChainHash.GENESIS));
    for (String field : ChainHash.HASHED_FIELDS) {
      Map<String, Object> changed = event(1, ChainHash.GENESIS);
      changed.put(field, "tampered");
      assertThat(ChainHash.hash(changed)).as(field).isNotEqualTo(base);
    }
  }

  @Test
  void extraFieldsOutsideTheHashedSetDoNotCount() {
    Map<String, Object> e = event(1, ChainHash.GENESIS);
    String before = ChainHash.hash(e);
    e.put("hash", "whatever");
    assertThat(ChainHash.hash(e)).isEqualTo(before);
  }
}
