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
                                versions("support@3", "policy@2")))
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

    /**
     * The versions became a map (issue 16) without changing how a gateway event is hashed: the
     * usage of ChainHashTest's v2 known-answer event, rebuilt from a {@code GatewayUsage}, writes
     * the same canonical text, members and nulls included.
     */
    @Test
    void theUsageOfTheKnownAnswerEventIsHashedAsBeforeTheVersionsMap() {
        GatewayUsage u =
                new GatewayUsage(
                        "key-1",
                        "default",
                        "sandbox",
                        "echo-1",
                        null,
                        200,
                        10,
                        20,
                        false,
                        1234,
                        55,
                        40,
                        null,
                        false,
                        true,
                        versions("support@3", null));
        Map<String, Object> usage = ChainAppender.usageMap(u);
        assertThat(usage.keySet())
                .containsExactly(
                        "keyId",
                        "route",
                        "provider",
                        "model",
                        "region",
                        "statusCode",
                        "inputTokens",
                        "outputTokens",
                        "tokensEstimated",
                        "costMicros",
                        "latencyMs",
                        "providerLatencyMs",
                        "ttftMs",
                        "cacheHit",
                        "streamed",
                        "promptVersion",
                        "policyVersion");
        // the "usage" member of ChainHashTest.V2_KAT_TEXT, verbatim
        assertThat(io.gatehouse.audit.chain.Jcs.write(usage))
                .isEqualTo(
                        "{\"cacheHit\":false,\"costMicros\":1234,\"inputTokens\":10,\"keyId\":\"key-1\","
                                + "\"latencyMs\":55,\"model\":\"echo-1\",\"outputTokens\":20,\"policyVersion\":null,"
                                + "\"promptVersion\":\"support@3\",\"provider\":\"sandbox\",\"providerLatencyMs\":40,"
                                + "\"region\":null,\"route\":\"default\",\"statusCode\":200,\"streamed\":true,"
                                + "\"tokensEstimated\":false,\"ttftMs\":null}");
        AuditEvent e = AuditEvent.of(T, "api_key", "key-1", "gateway.request").usage(u).build();
        assertThat(e.details()).as("no versions detail for column versions").isEmpty();
    }

    /**
     * A version under a lineage key without a column (a stage to come) is not lost: it is kept, and
     * hashed, in the event's details; the columns' members stay as they were.
     */
    @Test
    void aVersionWithoutAColumnIsKeptInTheDetails() {
        Map<String, String> reported = new java.util.LinkedHashMap<>(versions(null, "pii@2"));
        reported.put("guardVersion", "guard@7");
        reported.put("emptyVersion", null);
        GatewayUsage u =
                new GatewayUsage(
                        "key-1", "r", "p", "m", null, 200, 1, 2, false, 3, 4, 5, null, false, false,
                        reported);
        AuditEvent e = AuditEvent.of(T, "api_key", "key-1", "gateway.request").usage(u).build();
        assertThat(e.details().get(io.gatehouse.audit.LineageKeys.VERSIONS_DETAIL))
                .isEqualTo(Map.of("guardVersion", "guard@7"));
        Map<String, Object> usage = ChainAppender.usageMap(e.usage());
        assertThat(usage)
                .containsEntry("policyVersion", "pii@2")
                .containsEntry("promptVersion", null);
        assertThat(usage).doesNotContainKeys("guardVersion", "emptyVersion");
        var p = ChainAppender.Pending.of(e, ContentRetention.NONE);
        assertThat(p.detailsJson()).contains("\"guardVersion\":\"guard@7\"");
    }

    /**
     * A versions detail the event already holds is merged with the usage's versions, not kept in
     * their place (which silently dropped the usage's); equal entries (an event rebuilt from a
     * stored one) are one; two versions under one lineage key keep both (versions_conflict).
     */
    @Test
    void versionsAlreadyInTheDetailsAreMergedAndAConflictKeepsBoth() {
        Map<String, String> reported = new java.util.LinkedHashMap<>();
        reported.put("guardVersion", "guard@7");
        reported.put("judgeVersion", "judge@2");
        GatewayUsage u =
                new GatewayUsage(
                        "key-1", "r", "p", "m", null, 200, 1, 2, false, 3, 4, 5, null, false, false,
                        reported);
        AuditEvent merged =
                AuditEvent.of(T, "api_key", "key-1", "gateway.request")
                        .detail(
                                io.gatehouse.audit.LineageKeys.VERSIONS_DETAIL,
                                Map.of("toolVersion", "tools@3", "guardVersion", "guard@7"))
                        .usage(u)
                        .build();
        assertThat(merged.details().get(io.gatehouse.audit.LineageKeys.VERSIONS_DETAIL))
                .isEqualTo(
                        Map.of(
                                "toolVersion", "tools@3",
                                "guardVersion", "guard@7",
                                "judgeVersion", "judge@2"));
        assertThat(ChainAppender.Pending.of(merged, ContentRetention.NONE).detailsJson())
                .contains("\"judgeVersion\":\"judge@2\"")
                .contains("\"toolVersion\":\"tools@3\"");

        // a conflict keeps both values and still builds the event (on the gateway path an
        // exception here would turn a served, billed request into a 500 with no audit event)
        AuditEvent conflicting =
                AuditEvent.of(T, "api_key", "key-1", "gateway.request")
                        .detail(
                                io.gatehouse.audit.LineageKeys.VERSIONS_DETAIL,
                                Map.of("guardVersion", "guard@6"))
                        .usage(u)
                        .build();
        assertThat(conflicting.details().get(io.gatehouse.audit.LineageKeys.VERSIONS_DETAIL))
                .isEqualTo(Map.of("guardVersion", "guard@6", "judgeVersion", "judge@2"));
        assertThat(conflicting.details().get(AuditEvent.VERSIONS_CONFLICT_DETAIL))
                .isEqualTo(Map.of("guardVersion", List.of("guard@6", "guard@7")));
        assertThat(ChainAppender.Pending.of(conflicting, ContentRetention.NONE).detailsJson())
                .contains("\"versions_conflict\":{\"guardVersion\":[\"guard@6\",\"guard@7\"]}");
        AuditEvent notAMap =
                AuditEvent.of(T, "api_key", "key-1", "gateway.request")
                        .detail(io.gatehouse.audit.LineageKeys.VERSIONS_DETAIL, "v1")
                        .usage(u)
                        .build();
        assertThat(notAMap.details().get(io.gatehouse.audit.LineageKeys.VERSIONS_DETAIL))
                .isEqualTo(Map.of("guardVersion", "guard@7", "judgeVersion", "judge@2"));
        assertThat(notAMap.details().get(AuditEvent.VERSIONS_CONFLICT_DETAIL))
                .isEqualTo(Map.of("versions", "v1"));
    }

    @Test
    void versionsAreEscapedForStorageLikeEveryText() {
        GatewayUsage u =
                new GatewayUsage(
                        "key-1",
                        "r",
                        "p",
                        "m",
                        null,
                        200,
                        1,
                        2,
                        false,
                        3,
                        4,
                        5,
                        null,
                        false,
                        false,
                        versions("v\u0000", null));
        AuditEvent e = AuditEvent.of(T, "api_key", "key-1", "gateway.request").usage(u).build();
        assertThat(e.usage().version("promptVersion")).isEqualTo("v\\u0000");
        assertThat(e.details().get(AuditEvent.ESCAPED_DETAIL)).isEqualTo(List.of("usage"));
    }

    /** Prompt and policy versions by lineage key, as the stages report them (null: none). */
    private static java.util.Map<String, String> versions(String prompt, String policy) {
        java.util.Map<String, String> v = new java.util.LinkedHashMap<>();
        v.put(io.gatehouse.audit.LineageKeys.PROMPT_VERSION, prompt);
        v.put(io.gatehouse.audit.LineageKeys.POLICY_VERSION, policy);
        return v;
    }
}
