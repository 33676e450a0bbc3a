package io.gatehouse.audit.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.AuditEvent;
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
                        new GatewayUsage(
                                "key-1",
                                "sandbox",
                                "sandbox",
                                "echo",
                                "local",
                                200,
                                3,
                                5,
                                false,
                                12,
                                40,
                                30,
                                null,
                                false,
                                false,
                                "support@3",
                                "policy@2"))
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
        List<String> expected = new java.util.ArrayList<>(List.of("v"));
        expected.addAll(ChainHash.HASHED_FIELDS);
        assertThat(form.keySet()).containsExactlyElementsOf(expected);
        assertThat(form.get("contentHash")).isEqualTo(p.contentHash());
        assertThat(((Map<?, ?>) form.get("usage")).get("promptVersion")).isEqualTo("support@3");
    }

    @Test
    void newEventsAreHashedAsV2WithStorableCanonicalDetails() {
        AuditEvent e =
                AuditEvent.of(T, "user", "ann", "key.create")
                        .detail("client.request_id", "cli-1")
                        .detail("beyond", 9007199254740993L)
                        .detail("micro", new java.math.BigDecimal("0.0000001"))
                        .display("user.display_name", "Ann \u00c9")
                        .build();
        var p = ChainAppender.Pending.of(e, ContentRetention.NONE);
        assertThat(p.hashVersion()).isEqualTo(2);
        assertThat(p.detailsJson())
                .isEqualTo(
                        "{\"beyond\":\"9007199254740993\",\"client.request_id\":\"cli-1\",\"micro\":1e-7}");
        assertThat(p.displayJson()).isEqualTo("{\"user.display_name\":\"Ann \u00c9\"}");
        Map<String, Object> form = ChainAppender.hashedForm(p, T.toString(), 1, ChainHash.GENESIS);
        assertThat(form.get("v")).isEqualTo(2L);
        assertThat(form).doesNotContainKey("display");
        String hash = ChainHash.hash(form);
        assertThat(hash).isEqualTo(ChainHash.sha256Hex(ChainHash.v2Text(form)));
        assertThat(ChainHash.v2Text(form)).doesNotContain("Ann");
        // display-only data does not change the hash
        AuditEvent other =
                AuditEvent.of(T, "user", "ann", "key.create")
                        .detail("client.request_id", "cli-1")
                        .detail("beyond", 9007199254740993L)
                        .detail("micro", new java.math.BigDecimal("0.0000001"))
                        .display("user.display_name", "Someone else")
                        .build();
        var q = ChainAppender.Pending.of(other, ContentRetention.NONE);
        Map<String, Object> otherForm =
                ChainAppender.hashedForm(q, T.toString(), 1, ChainHash.GENESIS);
        otherForm.put("id", form.get("id"));
        otherForm.put("time", form.get("time"));
        assertThat(ChainHash.hash(otherForm)).isEqualTo(hash);
    }

    @Test
    void unpairedSurrogatesAreEscapedWhenTheEventIsBuiltSoItsFormIsCanonical() {
        // Escaping happens in AuditEvent (docs/audit.md, "Unstorable characters"): what reaches the
        // appender is valid Unicode, so its canonical form and hash exist and the batch is never at
        // risk.
        AuditEvent bad =
                AuditEvent.of(T, "user", "x\ud800", "auth.login").detail("note", "\udc00").build();
        assertThat(bad.actor()).isEqualTo("x\\ud800");
        assertThat(bad.details()).containsEntry("note", "\\udc00");
        assertThat(bad.details().get(AuditEvent.ESCAPED_DETAIL))
                .isEqualTo(List.of("actor", "details"));
        var p = ChainAppender.Pending.of(bad, ContentRetention.NONE);
        assertThat(p.detailsJson()).contains("\"note\":\"\\\\udc00\"");
        Map<String, Object> form = ChainAppender.hashedForm(p, T.toString(), 1, ChainHash.GENESIS);
        assertThat(ChainHash.hash(form)).hasSize(64);
    }

    @Test
    void dottedDetailKeysMustBeNamespaced() {
        for (String ok :
                List.of("client.request_id", "trace.id", "tool.calls", "residency.region_2")) {
            assertThat(AuditEvent.isNamespacedKey(ok)).as(ok).isTrue();
            AuditEvent.of(T, "user", "ann", "x").detail(ok, 1).build();
        }
        for (String bad :
                List.of(
                        "Client.request_id",
                        "client.",
                        ".id",
                        "client..id",
                        "client.request-id",
                        "a.1b")) {
            assertThat(AuditEvent.isNamespacedKey(bad)).as(bad).isFalse();
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> AuditEvent.of(T, "user", "ann", "x").detail(bad, 1).build())
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        AuditEvent.of(T, "user", "ann", "x")
                .detail("changeId", 1)
                .build(); // undotted keys as before
    }
}
