package io.gatehouse.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How an event is hashed into its chain: SHA-256 over the canonical JSON of the event's hashed
 * form, which includes the chain id, the sequence number and the previous event's hash. The first
 * event of a chain links to {@link #GENESIS}. Two versions, told apart by the form's {@code v}
 * member (absent means 1), may follow each other in one chain:
 *
 * <ul>
 *   <li>v1 (events written before hashed form v2): {@link CanonicalJson}, this code base's own
 *       canonical JSON (numbers as exact decimals, never an exponent);
 *   <li>v2 (every new event): RFC 8785 exactly ({@link Jcs}), so any JCS library recomputes it.
 * </ul>
 */
public final class ChainHash {
    /** The "previous hash" of a chain's first event. */
    public static final String GENESIS = "0".repeat(64);

    /** The hashed form version new events are written with. */
    public static final int CURRENT_VERSION = 2;

    /**
     * The fields that are hashed, in the export's (and the verifier's) vocabulary; plus {@code v}.
     */
    public static final List<String> HASHED_FIELDS =
            List.of(
                    "chain",
                    "seq",
                    "id",
                    "time",
                    "tenant",
                    "actorKind",
                    "actor",
                    "action",
                    "targetType",
                    "targetId",
                    "outcome",
                    "requestId",
                    "details",
                    "usage",
                    "contentHash",
                    "prevHash");

    /**
     * v2's members in RFC 8785 order (UTF-16 code units), "v" included: written without sorting.
     */
    static final String[] V2_ORDER;

    static {
        String[] all = HASHED_FIELDS.toArray(new String[HASHED_FIELDS.size() + 1]);
        all[all.length - 1] = "v";
        Arrays.sort(all);
        V2_ORDER = all;
    }

    private ChainHash() {}

    /** The version of a hashed form: its {@code v} member, 1 when absent. */
    public static int version(Map<String, ?> event) {
        Object v = event.get("v");
        if (v == null) {
            return 1;
        }
        if (v instanceof Number n
                && (n.longValue() == 1 || n.longValue() == 2)
                && n.doubleValue() == n.longValue()) {
            return (int) n.longValue();
        }
        throw new IllegalArgumentException("Unknown hashed form version " + v);
    }

    /**
     * The hash of an event given as a map holding (at least) {@link #HASHED_FIELDS}, by the version
     * its {@code v} member names. Throws IllegalArgumentException when the event has no canonical
     * form (an unknown version; in v2 an unpaired surrogate, a number beyond a double's range).
     */
    public static String hash(Map<String, ?> event) {
        return version(event) == 2 ? sha256Hex(v2Text(event)) : sha256Hex(v1Text(event));
    }

    /** The exact text v1 hashes: {@code {"v":1, ...}} in this code base's canonical JSON. */
    public static String v1Text(Map<String, ?> event) {
        Map<String, Object> hashed = new LinkedHashMap<>();
        hashed.put("v", 1L);
        for (String f : HASHED_FIELDS) {
            hashed.put(f, event.get(f));
        }
        return CanonicalJson.write(hashed);
    }

    /**
     * The exact text v2 hashes: the RFC 8785 form of {@code {"v":2, ...}}. Written member by member
     * in the precomputed order (no copy of the event, no sort on the hot path).
     */
    public static String v2Text(Map<String, ?> event) {
        StringBuilder sb = new StringBuilder(768);
        sb.append('{');
        for (int i = 0; i < V2_ORDER.length; i++) {
            String f = V2_ORDER[i];
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(f).append("\":"); // member names are plain ASCII
            if (f.equals("v")) {
                sb.append('2');
            } else {
                Jcs.write(sb, event.get(f), false);
            }
        }
        return sb.append('}').toString();
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
