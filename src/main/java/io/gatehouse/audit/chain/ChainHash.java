package io.gatehouse.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an event is hashed into its chain: SHA-256 over the canonical JSON of the event's hashed
 * fields, which include the chain id, the sequence number and the previous event's hash. The first
 * event of a chain links to {@link #GENESIS}.
 */
public final class ChainHash {
  /** The "previous hash" of a chain's first event. */
  public static final String GENESIS = "0".repeat(64);

  /** The fields that are hashed, in the export's (and the verifier's) vocabulary. */
  public static final java.util.List<String> HASHED_FIELDS =
      java.util.List.of(
          "chain", "seq", "id", "time", "tenant", "actorKind", "actor", "action", "targetType",
          "targetId", "outcome", "requestId", "details", "usage", "contentHash", "prevHash");

  private ChainHash() {}

  /** The hash of an event given as a map holding (at least) {@link #HASHED_FIELDS}. */
  public static String hash(Map<String, ?> event) {
    Map<String, Object> hashed = new LinkedHashMap<>();
    hashed.put("v", 1L);
    for (String f : HASHED_FIELDS) {
      hashed.put(f, event.get(f));
    }
    return sha256Hex(CanonicalJson.write(hashed));
  }

  // One digest per thread: getInstance looks the provider up on every call.
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException(e);
            }
          });

  public static String sha256Hex(String text) {
    MessageDigest md = SHA256.get();
    md.reset();
    return HEX.formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static final HexFormat HEX = HexFormat.of();
}
