package io.gatehouse.audit.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.ContentRetention;
import io.gatehouse.audit.GatewayUsage;
import io.gatehouse.audit.chain.CanonicalJson;
import io.gatehouse.audit.chain.ChainHash;
import io.gatehouse.shared.TenantId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PendingEventTest {
  static final TenantId T = new TenantId(UUID.randomUUID());
  static final Map<String, Object> FULL =
      Map.of("messages", List.of(Map.of("role", "user", "content", "I am ann@example.com")));
  static final Map<String, Object> REDACTED =
      Map.of("messages", List.of(Map.of("role", "user", "content", "I am [EMAIL]")));

  static AuditEvent event() {
    return AuditEvent.of(T, "api_key", "key-1", "gateway.request")
        .usage(
            new GatewayUsage("key-1", "sandbox", "sandbox", "echo", "local", 200, 3, 5, false, 12, 40,
                30, null, false, false, "support@3", "policy@2"))
        .content(FULL, REDACTED)
        .build();
  }

  @Test
  void retentionDecidesWhatIsHashedAndWhatIsStored() {
    String fullHash = ChainHash.sha256Hex(CanonicalJson.write(FULL));
    var none = ChainAppender.Pending.of(event(), ContentRetention.NONE);
    assertThat(none.contentHash()).isNull();
    assertThat(none.storedBody()).isNull();
    var hashed = ChainAppender.Pending.of(event(), ContentRetention.HASHED);
    assertThat(hashed.contentHash()).isEqualTo(fullHash);
    assertThat(hashed.storedBody()).isNull();
    var redacted = ChainAppender.Pending.of(event(), ContentRetention.REDACTED);
    assertThat(redacted.contentHash()).isEqualTo(fullHash);
    assertThat(redacted.storedForm()).isEqualTo("redacted");
    assertThat(redacted.storedBody()).contains("[EMAIL]").doesNotContain("ann@");
    var full = ChainAppender.Pending.of(event(), ContentRetention.FULL);
    assertThat(full.storedForm()).isEqualTo("full");
    assertThat(ChainHash.sha256Hex(full.storedBody())).isEqualTo(fullHash);
  }

  @Test
  void theContentHashIsPartOfTheHashedForm() {
    var p = ChainAppender.Pending.of(event(), ContentRetention.HASHED);
    Map<String, Object> form = ChainAppender.hashedForm(p, T.toString(), 1, ChainHash.GENESIS);
    assertThat(form.keySet()).containsExactlyElementsOf(ChainHash.HASHED_FIELDS);
    assertThat(form.get("contentHash")).isEqualTo(p.contentHash());
    assertThat(((Map<?, ?>) form.get("usage")).get("promptVersion")).isEqualTo("support@3");
  }
}
