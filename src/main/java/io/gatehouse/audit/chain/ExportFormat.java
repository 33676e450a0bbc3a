package io.gatehouse.audit.chain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lines of a JSON Lines export, each a canonical JSON object with a {@code record} member:
 * {@code header} (chain, period, anchor = seq and hash before the first exported event), then the
 * {@code event}s in seq order, each followed by the {@code checkpoint}s that sign it, then any
 * checkpoint after the period ({@code beyondPeriod}), then the {@code trailer} (count, last hash).
 */
public final class ExportFormat {
    public static final String FORMAT = "gatehouse-audit-export";

    private ExportFormat() {}

    public static String header(
            String chain,
            String from,
            String to,
            String exportedAt,
            long anchorSeq,
            String anchorHash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("record", "header");
        m.put("format", FORMAT);
        m.put("version", 1L);
        m.put("chain", chain);
        m.put("from", from);
        m.put("to", to);
        m.put("exportedAt", exportedAt);
        Map<String, Object> anchor = new LinkedHashMap<>();
        anchor.put("seq", anchorSeq);
        anchor.put("hash", anchorHash);
        m.put("anchor", anchor);
        return CanonicalJson.write(m);
    }

    /** An event line: its hashed form plus its stored hash. */
    public static String event(Map<String, Object> hashedForm, String hash) {
        Map<String, Object> m = new LinkedHashMap<>(hashedForm);
        m.put("record", "event");
        m.put("hash", hash);
        return CanonicalJson.write(m);
    }

    public static String checkpoint(
            CheckpointStatement st, String signature, boolean beyondPeriod) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("record", "checkpoint");
        m.put("chain", st.chain());
        m.put("headSeq", st.headSeq());
        m.put("headHash", st.headHash());
        m.put("count", st.count());
        m.put("time", st.time());
        m.put("keyId", st.keyId());
        m.put("algorithm", CheckpointStatement.ALGORITHM);
        m.put("signature", signature);
        if (beyondPeriod) {
            m.put("beyondPeriod", true);
        }
        return CanonicalJson.write(m);
    }

    public static String trailer(long events, Long firstSeq, Long lastSeq, String lastHash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("record", "trailer");
        m.put("events", events);
        m.put("firstSeq", firstSeq);
        m.put("lastSeq", lastSeq);
        m.put("lastHash", lastHash);
        return CanonicalJson.write(m);
    }
}
