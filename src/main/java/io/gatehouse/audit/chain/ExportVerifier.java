package io.gatehouse.audit.chain;

import java.io.BufferedReader;
import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON Lines export (see docs/audit.md) line by line, in constant memory: the header's
 * anchor, every event's hash (hashed form v1 or v2, per event) and link, the signed checkpoints
 * (signature, a pinned key, and the event they name), and the trailer's count. Used by the offline
 * verifier; depends on nothing but the JDK.
 */
public final class ExportVerifier {

    /** What went wrong first: the line, the event's seq and id when known, and why. */
    public record Broken(long line, Long seq, String eventId, String reason) {}

    /**
     * The outcome. {@code uncoveredFrom} is the first seq after the last checkpoint checked inside
     * the export (events from there on are linked but not yet vouched for by a signature in this
     * file).
     */
    public record Result(
            boolean valid,
            long eventsChecked,
            long checkpointsVerified,
            Broken firstBroken,
            Long uncoveredFrom,
            List<String> notes,
            List<CheckpointKeyRun> checkpointKeys,
            long v1Events,
            long v2Events) {}

    private final KeyTrust keys;

    /** Keys the caller vouches for as they are (each one pinned). */
    public ExportVerifier(Map<String, PublicKey> keys) {
        this(KeyTrust.allPinned(keys));
    }

    public ExportVerifier(KeyTrust keys) {
        this.keys = keys;
    }

    public Result verify(BufferedReader in) throws IOException {
        State s = new State();
        String line;
        while ((line = in.readLine()) != null) {
            s.line++;
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> rec;
            try {
                Object parsed = JsonReader.parse(line);
                if (!(parsed instanceof Map<?, ?>)) {
                    return s.fail(null, null, "line is not a JSON object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) parsed;
                rec = m;
            } catch (IllegalArgumentException e) {
                return s.fail(null, null, "malformed JSON: " + e.getMessage());
            }
            Object kind = rec.get("record");
            Result r;
            if ("header".equals(kind)) {
                r = header(s, rec);
            } else if (s.chain == null) {
                r = s.fail(null, null, "the export does not start with a header");
            } else if (s.trailerSeen) {
                r = s.fail(null, null, "content after the trailer");
            } else if ("event".equals(kind)) {
                r = event(s, rec);
            } else if ("checkpoint".equals(kind)) {
                r = checkpoint(s, rec);
            } else if ("trailer".equals(kind)) {
                r = trailer(s, rec);
            } else {
                r = s.fail(null, null, "unknown record type " + kind);
            }
            if (r != null) {
                return r;
            }
        }
        if (s.chain == null) {
            return s.fail(null, null, "empty export: no header");
        }
        if (!s.trailerSeen) {
            return s.fail(s.seq + 1, null, "the export ends without its trailer (file truncated)");
        }
        Long uncovered = s.lastCoveredSeq >= s.seq ? null : s.lastCoveredSeq + 1;
        if (uncovered != null && s.events > 0) {
            s.notes.add(
                    "events from seq "
                            + Math.max(uncovered, s.firstSeq)
                            + " to "
                            + s.seq
                            + " are linked but no checkpoint inside this export signs them; compare the last hash"
                            + " with a later export or checkpoint");
        }
        return new Result(
                true,
                s.events,
                s.checkpoints,
                null,
                uncovered,
                List.copyOf(s.notes),
                s.runs.runs(),
                s.v1,
                s.v2);
    }

    private static Result header(State s, Map<String, Object> rec) {
        if (s.chain != null) {
            return s.fail(null, null, "a second header");
        }
        if (!"gatehouse-audit-export".equals(rec.get("format"))) {
            return s.fail(null, null, "not a Gatehouse audit export");
        }
        if (!(rec.get("chain") instanceof String chain)
                || !(rec.get("anchor") instanceof Map<?, ?> a)) {
            return s.fail(null, null, "the header lacks chain or anchor");
        }
        if (!(a.get("seq") instanceof Number n) || !(a.get("hash") instanceof String h)) {
            return s.fail(null, null, "the anchor lacks seq or hash");
        }
        if (n.longValue() == 0 && !ChainHash.GENESIS.equals(h)) {
            return s.fail(0L, null, "the anchor of a chain's start must be the genesis hash");
        }
        s.chain = chain;
        s.seq = n.longValue();
        s.hash = h;
        s.firstSeq = s.seq + 1;
        s.lastCoveredSeq = s.seq;
        s.anchorSeq = s.seq;
        return null;
    }

    private static Result event(State s, Map<String, Object> e) {
        Long seq = e.get("seq") instanceof Number n ? n.longValue() : null;
        String id = e.get("id") instanceof String str ? str : null;
        if (seq == null) {
            return s.fail(null, id, "event without seq");
        }
        if (!s.chain.equals(e.get("chain"))) {
            return s.fail(seq, id, "event of another chain");
        }
        if (seq != s.seq + 1) {
            return s.fail(
                    s.seq + 1,
                    null,
                    "gap in seq: expected " + (s.seq + 1) + ", found " + seq + " (id " + id + ")");
        }
        if (!s.hash.equals(e.get("prevHash"))) {
            return s.fail(
                    seq,
                    id,
                    "prev-link mismatch: prevHash does not equal the previous event's hash");
        }
        String computed;
        int version;
        try {
            version = ChainHash.version(e);
            computed = ChainHash.hash(e);
        } catch (IllegalArgumentException noCanonicalForm) {
            return s.fail(
                    seq,
                    id,
                    "hash mismatch: the event has no canonical form ("
                            + noCanonicalForm.getMessage()
                            + ")");
        }
        if (!computed.equals(e.get("hash"))) {
            return s.fail(
                    seq, id, "hash mismatch: the event's content does not hash to its stored hash");
        }
        if (version == 2) {
            s.v2++;
        } else {
            s.v1++;
        }
        s.seq = seq;
        s.hash = computed;
        s.events++;
        return null;
    }

    private Result checkpoint(State s, Map<String, Object> c) {
        CheckpointStatement st;
        try {
            st = CheckpointStatement.fromMap(c);
        } catch (RuntimeException bad) {
            return s.fail(null, null, "malformed checkpoint");
        }
        KeyTrust.Status key = keys.status(st.keyId());
        if (key == null || key.publicKey() == null) {
            return s.fail(st.headSeq(), null, "checkpoint signed with unknown key " + st.keyId());
        }
        if (!(c.get("signature") instanceof String sig) || !st.verify(key.publicKey(), sig)) {
            return s.fail(
                    st.headSeq(), null, "checkpoint signature invalid (key " + st.keyId() + ")");
        }
        s.runs.add(st.headSeq(), st.keyId(), key);
        if (!key.pinned()) {
            return s.fail(
                    st.headSeq(),
                    null,
                    "checkpoint signed by key "
                            + st.keyId()
                            + " (fingerprint "
                            + key.fingerprint()
                            + "), which is not pinned: pin a fingerprint you obtained outside Gatehouse with"
                            + " --pin; keys it introduced follow");
        }
        if (!s.chain.equals(st.chain())) {
            return s.fail(st.headSeq(), null, "checkpoint of another chain");
        }
        if (Boolean.TRUE.equals(c.get("beyondPeriod"))) {
            // Signed, but it names an event after this export: only a longer export can link it.
            s.notes.add(
                    "checkpoint at seq "
                            + st.headSeq()
                            + " (after the period) has a valid signature; its hash is outside this export");
            s.checkpoints++;
            return null;
        }
        if (st.headSeq() != s.seq) {
            return s.fail(
                    st.headSeq(),
                    null,
                    "checkpoint at seq " + st.headSeq() + " placed after seq " + s.seq);
        }
        if (!st.headHash().equals(s.hash)) {
            return s.fail(
                    st.headSeq(),
                    null,
                    "checkpoint mismatch: the signed head hash differs from the exported chain at seq "
                            + st.headSeq());
        }
        s.checkpoints++;
        s.lastCoveredSeq = st.headSeq();
        return null;
    }

    private static Result trailer(State s, Map<String, Object> t) {
        s.trailerSeen = true;
        long events = t.get("events") instanceof Number n ? n.longValue() : -1;
        if (events != s.events) {
            return s.fail(
                    s.seq + 1,
                    null,
                    "trailer says " + events + " events, the file holds " + s.events);
        }
        if (s.events > 0 && !s.hash.equals(t.get("lastHash"))) {
            return s.fail(s.seq, null, "trailer's last hash differs from the chain's");
        }
        return null;
    }

    private static final class State {
        long line;
        String chain;
        long seq;
        String hash;
        long firstSeq;
        long anchorSeq;
        long events;
        long checkpoints;
        long lastCoveredSeq;
        boolean trailerSeen;
        long v1;
        long v2;
        final List<String> notes = new ArrayList<>();
        final CheckpointKeyRun.Collector runs = new CheckpointKeyRun.Collector();

        Result fail(Long at, String id, String reason) {
            return new Result(
                    false,
                    events,
                    checkpoints,
                    new Broken(line, at, id, reason),
                    null,
                    List.copyOf(notes),
                    runs.runs(),
                    v1,
                    v2);
        }
    }
}
