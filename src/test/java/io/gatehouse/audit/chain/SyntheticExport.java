package io.gatehouse.audit.chain;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds export files of a well-formed chain for verifier tests (no database). */
final class SyntheticExport {
  final KeyPair key;
  final String keyId;

  SyntheticExport() throws Exception {
    key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    keyId = CheckpointStatement.keyIdOf(key.getPublic().getEncoded());
  }

  Map<String, PublicKey> keys() {
    return Map.of(keyId, key.getPublic());
  }

  String keysJson() {
    return "{\"keys\":[{\"keyId\":\"" + keyId + "\",\"algorithm\":\"Ed25519\",\"publicKey\":\""
        + Base64.getEncoder().encodeToString(key.getPublic().getEncoded()) + "\"}]}";
  }

  static Map<String, Object> event(String chain, long seq, String prev) {
    Map<String, Object> e = new LinkedHashMap<>();
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
    e.put("details", Map.of("n", seq, "note", "caf\u00e9 \"quoted\""));
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
    out.add(ExportFormat.header(chain, null, null, "2026-11-27T06:00:00Z", anchorSeq, anchorHash));
    out.addAll(body);
    long n = Math.max(0, lastSeq - anchorSeq);
    out.add(ExportFormat.trailer(n, n == 0 ? null : anchorSeq + 1, n == 0 ? null : lastSeq, lastHash));
    return out;
  }

  String checkpoint(String chain, long seq, String hash, boolean beyond) {
    CheckpointStatement st =
        new CheckpointStatement(chain, seq, hash, seq, "2026-11-27T05:59:00Z", keyId);
    return ExportFormat.checkpoint(st, st.sign(key.getPrivate()), beyond);
  }
}
