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

    /**
     * A full v2 event and its hash, computed independently of this code: by Node.js (V8's
     * JSON.stringify, whose number and string forms are RFC 8785's, with members sorted by UTF-16
     * code units) and its SHA-256.
     */
    static final String V2_KAT_TEXT =
            "{\"action\":\"gateway.request\",\"actor\":\"key-1\",\"actorKind\":\"api_key\","
                    + "\"chain\":\"11111111-2222-3333-4444-555555555555\",\"contentHash\":\""
                    + "ab".repeat(32)
                    + "\",\"details\":{\"big\":1e+21,\"client.request_id\":\"cli-42\",\"micro\":1e-7,"
                    + "\"n\":12,\"note\":\"caf\u00e9 \\\"q\\\"\\n\\u0001 \ud83d\ude00 \u20ac\",\"ratio\":0.002,"
                    + "\"tool.calls\":[{\"args\":{\"\\r\":false,\"q\":\"x\",\"\u00f6\":true},\"name\":\"search\"}]},"
                    + "\"id\":\"00000000-0000-0000-0000-000000000007\",\"outcome\":\"success\",\"prevHash\":\""
                    + "cd".repeat(32)
                    + "\",\"requestId\":\"req_7\",\"seq\":7,\"targetId\":null,\"targetType\":null,"
                    + "\"tenant\":\"11111111-2222-3333-4444-555555555555\",\"time\":\"2026-11-27T05:00:00.123456Z\","
                    + "\"usage\":{\"cacheHit\":false,\"costMicros\":1234,\"inputTokens\":10,\"keyId\":\"key-1\","
                    + "\"latencyMs\":55,\"model\":\"echo-1\",\"outputTokens\":20,\"policyVersion\":null,"
                    + "\"promptVersion\":\"support@3\",\"provider\":\"sandbox\",\"providerLatencyMs\":40,"
                    + "\"region\":null,\"route\":\"default\",\"statusCode\":200,\"streamed\":true,"
                    + "\"tokensEstimated\":false,\"ttftMs\":null},\"v\":2}";

    static final String V2_KAT_HASH =
            "7b1fac9b0eda1a6bb846bc67a2e55cce423aa35cc9f5a915600a5c556f717547";

    static Map<String, Object> v2KatEvent() {
        String chain = "11111111-2222-3333-4444-555555555555";
        Map<String, Object> e = new java.util.LinkedHashMap<>();
        e.put("v", 2L);
        e.put("chain", chain);
        e.put("seq", 7L);
        e.put("id", "00000000-0000-0000-0000-000000000007");
        e.put("time", "2026-11-27T05:00:00.123456Z");
        e.put("tenant", chain);
        e.put("actorKind", "api_key");
        e.put("actor", "key-1");
        e.put("action", "gateway.request");
        e.put("targetType", null);
        e.put("targetId", null);
        e.put("outcome", "success");
        e.put("requestId", "req_7");
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("client.request_id", "cli-42");
        d.put("note", "caf\u00e9 \"q\"\n\u0001 \ud83d\ude00 \u20ac");
        d.put("ratio", 0.002);
        d.put("micro", new java.math.BigDecimal("0.0000001"));
        d.put("big", new java.math.BigDecimal("1000000000000000000000"));
        d.put("n", 12L);
        Map<String, Object> args = new java.util.LinkedHashMap<>();
        args.put("q", "x");
        args.put("\u00f6", true);
        args.put("\r", false);
        d.put("tool.calls", java.util.List.of(Map.of("name", "search", "args", args)));
        e.put("details", d);
        Map<String, Object> u = new java.util.LinkedHashMap<>();
        u.put("keyId", "key-1");
        u.put("route", "default");
        u.put("provider", "sandbox");
        u.put("model", "echo-1");
        u.put("region", null);
        u.put("statusCode", 200L);
        u.put("inputTokens", 10L);
        u.put("outputTokens", 20L);
        u.put("tokensEstimated", false);
        u.put("costMicros", 1234L);
        u.put("latencyMs", 55L);
        u.put("providerLatencyMs", 40L);
        u.put("ttftMs", null);
        u.put("cacheHit", false);
        u.put("streamed", true);
        u.put("promptVersion", "support@3");
        u.put("policyVersion", null);
        e.put("usage", u);
        e.put("contentHash", "ab".repeat(32));
        e.put("prevHash", "cd".repeat(32));
        return e;
    }

    @Test
    void aFullV2EventHashesToItsKnownAnswer() {
        Map<String, Object> e = v2KatEvent();
        assertThat(ChainHash.v2Text(e)).isEqualTo(V2_KAT_TEXT);
        assertThat(ChainHash.hash(e)).isEqualTo(V2_KAT_HASH);
        // the generic JCS writer over the same members agrees with the hot path's member-by-member
        // one
        assertThat(Jcs.write(e)).isEqualTo(V2_KAT_TEXT);
        // and read back from an export line (numbers as Long/BigDecimal, keys in any order)
        Map<String, Object> line = new java.util.HashMap<>(e);
        line.put("record", "event");
        line.put("hash", V2_KAT_HASH);
        line.put("display", Map.of("user.display_name", "Ann"));
        @SuppressWarnings("unchecked")
        Map<String, Object> reread =
                (Map<String, Object>) JsonReader.parse(CanonicalJson.write(line));
        assertThat(ChainHash.hash(reread)).isEqualTo(V2_KAT_HASH);
    }

    /**
     * Two linked v1 events (events written before hashed form v2 stay in stored chains forever)
     * with their hashed form text and SHA-256 written down. Computed once independently of this
     * code, by Python 3 (json.dumps with sort_keys, separators (",", ":"), ensure_ascii=False; the
     * two fractions put in as v1 writes them, plain decimals; hashlib.sha256 of the UTF-8 bytes). A
     * change to how v1 is built fails here, because it would break every stored v1 chain.
     */
    static final String V1_KAT_TEXT_1 =
            "{\"action\":\"tenant.create\",\"actor\":\"seed\",\"actorKind\":\"system\",\"chain\":\"platform\","
                    + "\"contentHash\":null,\"details\":{\"slug\":\"demo\"},\"id\":\"00000000-0000-0000-0000-000000000001\","
                    + "\"outcome\":\"success\",\"prevHash\":\"0000000000000000000000000000000000000000000000000000000000000000\","
                    + "\"requestId\":null,\"seq\":1,\"targetId\":null,\"targetType\":null,\"tenant\":null,"
                    + "\"time\":\"2026-11-27T05:00:00.123456Z\",\"usage\":null,\"v\":1}";

    static final String V1_KAT_HASH_1 =
            "500d62667f4ad80ec417eafc398d2463357e701231e5daa53514ecc186b95467";

    static final String V1_KAT_TEXT_2 =
            "{\"action\":\"policy.publish\",\"actor\":\"ann\",\"actorKind\":\"user\",\"chain\":\"platform\","
                    + "\"contentHash\":null,\"details\":{\"flag\":true,\"micro\":0.0000001,"
                    + "\"note\":\"caf\u00e9 \\\"q\\\"\\n\\u0001\\u001f \u20ac\",\"ratio\":0.002,\"tags\":[\"a\",\"b\"],\"version\":4},"
                    + "\"id\":\"00000000-0000-0000-0000-000000000002\",\"outcome\":\"success\","
                    + "\"prevHash\":\"500d62667f4ad80ec417eafc398d2463357e701231e5daa53514ecc186b95467\","
                    + "\"requestId\":\"req_3\",\"seq\":2,\"targetId\":\"p-9\",\"targetType\":\"policy\","
                    + "\"tenant\":\"11111111-2222-3333-4444-555555555555\",\"time\":\"2026-11-27T05:00:01Z\","
                    + "\"usage\":null,\"v\":1}";

    static final String V1_KAT_HASH_2 =
            "233c02d7e2ce85c8677bb4873009e19a259bb034fd28a2e562723d9d81943073";

    @Test
    void twoLinkedV1EventsHashToTheirKnownAnswers() {
        Map<String, Object> first = event(1, ChainHash.GENESIS); // no "v": a v1 event as stored
        assertThat(ChainHash.v1Text(first)).isEqualTo(V1_KAT_TEXT_1);
        assertThat(ChainHash.hash(first)).isEqualTo(V1_KAT_HASH_1);

        Map<String, Object> second = new HashMap<>();
        second.put("chain", "platform");
        second.put("seq", 2L);
        second.put("id", "00000000-0000-0000-0000-000000000002");
        second.put("time", "2026-11-27T05:00:01Z");
        second.put("tenant", "11111111-2222-3333-4444-555555555555");
        second.put("actorKind", "user");
        second.put("actor", "ann");
        second.put("action", "policy.publish");
        second.put("targetType", "policy");
        second.put("targetId", "p-9");
        second.put("outcome", "success");
        second.put("requestId", "req_3");
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("version", 4L);
        d.put("note", "caf\u00e9 \"q\"\n\u0001\u001f \u20ac");
        d.put("ratio", 0.002);
        d.put("micro", new java.math.BigDecimal("0.0000001"));
        d.put("tags", java.util.List.of("a", "b"));
        d.put("flag", true);
        second.put("details", d);
        second.put("prevHash", V1_KAT_HASH_1);
        assertThat(ChainHash.v1Text(second)).isEqualTo(V1_KAT_TEXT_2);
        assertThat(ChainHash.hash(second)).isEqualTo(V1_KAT_HASH_2);

        // and read back from an export line, as the offline verifier does
        Map<String, Object> line = new HashMap<>(second);
        line.put("record", "event");
        line.put("hash", V1_KAT_HASH_2);
        @SuppressWarnings("unchecked")
        Map<String, Object> reread =
                (Map<String, Object>) JsonReader.parse(CanonicalJson.write(line));
        assertThat(ChainHash.hash(reread)).isEqualTo(V1_KAT_HASH_2);
    }

    @Test
    void theVersionDecidesTheCanonicalForm() {
        Map<String, Object> v1 = event(1, ChainHash.GENESIS);
        v1.put("details", Map.of("micro", new java.math.BigDecimal("0.0000001")));
        Map<String, Object> v2 = new java.util.HashMap<>(v1);
        v2.put("v", 2L);
        assertThat(ChainHash.v1Text(v1)).contains("\"micro\":0.0000001").startsWith("{\"action\"");
        assertThat(ChainHash.v2Text(v2)).contains("\"micro\":1e-7").endsWith(",\"v\":2}");
        assertThat(ChainHash.hash(v1)).isEqualTo(ChainHash.sha256Hex(ChainHash.v1Text(v1)));
        assertThat(ChainHash.hash(v2)).isEqualTo(ChainHash.sha256Hex(ChainHash.v2Text(v2)));
        assertThat(ChainHash.hash(v2)).isNotEqualTo(ChainHash.hash(v1));
        Map<String, Object> explicitV1 = new java.util.HashMap<>(v1);
        explicitV1.put("v", 1L);
        assertThat(ChainHash.hash(explicitV1)).isEqualTo(ChainHash.hash(v1));
        Map<String, Object> v3 = new java.util.HashMap<>(v1);
        v3.put("v", 3L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChainHash.hash(v3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyHashedFieldChangesTheV2Hash() {
        Map<String, Object> base = v2KatEvent();
        for (String field : ChainHash.HASHED_FIELDS) {
            Map<String, Object> changed = new java.util.HashMap<>(base);
            changed.put(field, "tampered");
            assertThat(ChainHash.hash(changed)).as(field).isNotEqualTo(V2_KAT_HASH);
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
