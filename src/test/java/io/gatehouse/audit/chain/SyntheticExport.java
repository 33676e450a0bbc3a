package io.gatehouse.audit.chain;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds export files of a well-formed chain for verifier tests (no database). The chain mixes
 * hashed forms as an upgraded installation's does: events 1 to 3 are v1 (event 1 written as exports
 * before v2 wrote it, without a "v" member), the rest v2.
 */
final class SyntheticExport {
    static final long LAST_V1 = 3;
    final KeyPair key;
    final String keyId;
    private KeyPair signer;
    private String signerId;

    SyntheticExport() throws Exception {
        key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        keyId = CheckpointStatement.keyIdOf(key.getPublic().getEncoded());
        signer = key;
        signerId = keyId;
    }

    /** Checkpoints from now on are signed by this key. */
    void signWith(KeyPair pair) {
        signer = pair;
        signerId = CheckpointStatement.keyIdOf(pair.getPublic().getEncoded());
    }

    Map<String, PublicKey> keys() {
        return Map.of(keyId, key.getPublic());
    }

    static String publicKey(KeyPair k) {
        return Base64.getEncoder().encodeToString(k.getPublic().getEncoded());
    }

    static String fingerprint(KeyPair k) {
        return KeyTrust.fingerprint(k.getPublic().getEncoded());
    }

    String fingerprint() {
        return fingerprint(key);
    }

    String keysJson() {
        return "{\"keys\":[{\"keyId\":\""
                + keyId
                + "\",\"algorithm\":\"Ed25519\",\"publicKey\":\""
                + publicKey(key)
                + "\"}]}";
    }

    static Map<String, Object> event(String chain, long seq, String prev) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (seq > LAST_V1) {
            e.put("v", 2L);
        } else if (seq > 1) {
            e.put("v", 1L);
        }
        e.put("chain", chain);
        e.put("seq", seq);
        e.put("id", "00000000-0000-0000-0000-" + String.format("%012d", seq));
        e.put("time", "2026-11-27T05:00:" + String.format("%02d", seq % 60) + ".123456Z");
        e.put("tenant", chain);
        e.put("actorKind", "user");
        e.put("actor", "dave");
        e.put("action", "auth.login");
        e.put("targetType", null);
        e.put("targetId", null);
        e.put("outcome", "success");
        e.put("requestId", "req_" + seq);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("n", seq);
        details.put("note", "caf\u00e9 \"quoted\"");
        if (seq > LAST_V1) {
            details.put("client.request_id", "cli-" + seq);
            details.put("ratio", new java.math.BigDecimal("0.0000001"));
        }
        e.put("details", details);
        e.put("usage", null);
        e.put("contentHash", null);
        e.put("prevHash", prev);
        return e;
    }

    /**
     * Lines of an export of events anchorSeq+1..lastSeq of a chain with events 1..total, with a
     * checkpoint after every event whose seq is in {@code checkpointAt}.
     */
    List<String> lines(long anchorSeq, long lastSeq, long total, List<Long> checkpointAt) {
        String chain = "11111111-2222-3333-4444-555555555555";
        List<String> out = new ArrayList<>();
        String prev = ChainHash.GENESIS;
        String anchorHash = ChainHash.GENESIS;
        List<String> body = new ArrayList<>();
        String lastHash = null;
        for (long seq = 1; seq <= total; seq++) {
            Map<String, Object> e = event(chain, seq, prev);
            String h = ChainHash.hash(e);
            if (seq == anchorSeq) {
                anchorHash = h;
                if (checkpointAt.contains(seq)) {
                    body.add(checkpoint(chain, seq, h, false));
                }
            }
            if (seq > anchorSeq && seq <= lastSeq) {
                body.add(ExportFormat.event(e, h));
                lastHash = h;
                if (checkpointAt.contains(seq)) {
                    body.add(checkpoint(chain, seq, h, false));
                }
            } else if (seq > lastSeq && checkpointAt.contains(seq)) {
                body.add(checkpoint(chain, seq, h, true));
                break;
            }
            prev = h;
        }
        out.add(
                ExportFormat.header(
                        chain, null, null, "2026-11-27T06:00:00Z", anchorSeq, anchorHash));
        out.addAll(body);
        long n = Math.max(0, lastSeq - anchorSeq);
        out.add(
                ExportFormat.trailer(
                        n, n == 0 ? null : anchorSeq + 1, n == 0 ? null : lastSeq, lastHash));
        return out;
    }

    String checkpoint(String chain, long seq, String hash, boolean beyond) {
        CheckpointStatement st =
                new CheckpointStatement(chain, seq, hash, seq, "2026-11-27T05:59:00Z", signerId);
        return ExportFormat.checkpoint(st, st.sign(signer.getPrivate()), beyond);
    }
}
