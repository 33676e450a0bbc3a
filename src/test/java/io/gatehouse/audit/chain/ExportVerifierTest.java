package io.gatehouse.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExportVerifierTest {
    static SyntheticExport fx;

    @BeforeAll
    static void keys() throws Exception {
        fx = new SyntheticExport();
    }

    static ExportVerifier.Result verify(List<String> lines) throws Exception {
        return new ExportVerifier(fx.keys())
                .verify(new BufferedReader(new StringReader(String.join("\n", lines) + "\n")));
    }

    /** Index of the line holding event {@code seq}. */
    static int lineOf(List<String> lines, long seq) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"record\":\"event\"")
                    && lines.get(i).contains("\"seq\":" + seq + ",")) {
                return i;
            }
        }
        throw new AssertionError("no event " + seq);
    }

    @Test
    void anIntactExportIsValidAndItsCheckpointsVerified() throws Exception {
        ExportVerifier.Result r = verify(fx.lines(0, 10, 10, List.of(5L, 10L)));
        assertThat(r.valid()).as("%s", r).isTrue();
        assertThat(r.eventsChecked()).isEqualTo(10);
        assertThat(r.checkpointsVerified()).isEqualTo(2);
        assertThat(r.uncoveredFrom()).isNull();
    }

    @Test
    void aPeriodInTheMiddleVerifiesFromItsAnchor() throws Exception {
        ExportVerifier.Result r = verify(fx.lines(3, 8, 12, List.of(3L, 6L, 12L)));
        assertThat(r.valid()).as("%s", r).isTrue();
        assertThat(r.eventsChecked()).isEqualTo(5);
        // anchor checkpoint at 3 and 6 inside; 12 is after the period (signature checked only)
        assertThat(r.checkpointsVerified()).isEqualTo(3);
        assertThat(r.uncoveredFrom()).isEqualTo(7);
        assertThat(r.notes()).anyMatch(n -> n.contains("after the period"));
    }

    @Test
    void anEmptyPeriodIsValid() throws Exception {
        assertThat(verify(fx.lines(4, 4, 4, List.of())).valid()).isTrue();
    }

    static String setField(String line, String field, Object value) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m =
                new java.util.LinkedHashMap<>((Map<String, Object>) JsonReader.parse(line));
        m.put(field, value);
        return CanonicalJson.write(m);
    }

    static Stream<Arguments> tampering() {
        return Stream.of(
                Arguments.of(
                        "a changed field",
                        (UnaryOperator<List<String>>)
                                l -> edit(l, lineOf(l, 4), s -> setField(s, "actor", "mallory")),
                        4L,
                        "hash mismatch"),
                Arguments.of(
                        "a changed field with its hash recomputed",
                        (UnaryOperator<List<String>>)
                                l ->
                                        edit(
                                                l,
                                                lineOf(l, 4),
                                                s -> {
                                                    String changed =
                                                            setField(s, "actor", "mallory");
                                                    @SuppressWarnings("unchecked")
                                                    Map<String, Object> m =
                                                            (Map<String, Object>)
                                                                    JsonReader.parse(changed);
                                                    return setField(
                                                            changed, "hash", ChainHash.hash(m));
                                                }),
                        5L,
                        "prev-link mismatch"),
                Arguments.of(
                        "a deleted event",
                        (UnaryOperator<List<String>>) l -> remove(l, lineOf(l, 6)),
                        6L,
                        "gap in seq"),
                Arguments.of(
                        "the tail cut off with the trailer",
                        (UnaryOperator<List<String>>)
                                l -> new ArrayList<>(l.subList(0, lineOf(l, 8))),
                        8L,
                        "truncated"),
                Arguments.of(
                        "the newest events deleted, trailer rewritten",
                        (UnaryOperator<List<String>>)
                                l -> {
                                    List<String> cut = new ArrayList<>(l.subList(0, lineOf(l, 9)));
                                    cut.add(
                                            ExportFormat.trailer(
                                                    8, 1L, 8L, hashOf(cut.get(lineOf(cut, 8)))));
                                    // the checkpoint after the period still names seq 10
                                    return cut;
                                },
                        null,
                        null),
                Arguments.of(
                        "a forged checkpoint signature",
                        (UnaryOperator<List<String>>)
                                l -> {
                                    int i = indexOfCheckpoint(l);
                                    return edit(l, i, s -> setField(s, "count", 999L));
                                },
                        5L,
                        "signature invalid"),
                Arguments.of(
                        "an anchor that does not link",
                        (UnaryOperator<List<String>>)
                                l ->
                                        edit(
                                                l,
                                                0,
                                                s ->
                                                        setField(
                                                                s,
                                                                "anchor",
                                                                Map.of(
                                                                        "seq",
                                                                        0L,
                                                                        "hash",
                                                                        "ab".repeat(32)))),
                        0L,
                        "genesis"));
    }

    static String hashOf(String line) {
        return (String) ((Map<?, ?>) JsonReader.parse(line)).get("hash");
    }

    static int indexOfCheckpoint(List<String> l) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).contains("\"record\":\"checkpoint\"")) {
                return i;
            }
        }
        throw new AssertionError();
    }

    static List<String> edit(List<String> l, int i, UnaryOperator<String> f) {
        List<String> copy = new ArrayList<>(l);
        copy.set(i, f.apply(copy.get(i)));
        return copy;
    }

    static List<String> remove(List<String> l, int i) {
        List<String> copy = new ArrayList<>(l);
        copy.remove(i);
        return copy;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tampering")
    void tamperingIsReportedAtTheExactEvent(
            String what, UnaryOperator<List<String>> tamper, Long seq, String reason)
            throws Exception {
        List<String> intact = fx.lines(0, 10, 10, List.of(5L, 10L));
        ExportVerifier.Result r = verify(tamper.apply(intact));
        if (reason == null) {
            // Deleting the newest events of a whole-chain export and rewriting the trailer leaves a
            // consistent file; what exposes it is that seq 9 and 10 have no signed checkpoint any
            // more.
            assertThat(r.valid()).isTrue();
            assertThat(r.checkpointsVerified()).isEqualTo(1);
            assertThat(r.uncoveredFrom()).isEqualTo(6);
            return;
        }
        assertThat(r.valid()).as(what).isFalse();
        assertThat(r.firstBroken().reason()).as(what).contains(reason);
        assertThat(r.firstBroken().seq()).as(what).isEqualTo(seq);
    }

    @Test
    void aChainOfV1AndV2EventsVerifiesEventByEvent() throws Exception {
        List<String> lines = fx.lines(0, 10, 10, List.of(2L, 10L));
        assertThat(lines.get(lineOf(lines, 1))).doesNotContain("\"v\":");
        assertThat(lines.get(lineOf(lines, 2))).contains("\"v\":1");
        assertThat(lines.get(lineOf(lines, 4))).contains("\"v\":2").contains("\"ratio\":0.0000001");
        ExportVerifier.Result r = verify(lines);
        assertThat(r.valid()).as("%s", r).isTrue();
        assertThat(r.v1Events()).isEqualTo(3);
        assertThat(r.v2Events()).isEqualTo(7);
        // a v2 event claiming to be v1 no longer hashes to its stored hash
        List<String> downgraded = edit(lines, lineOf(lines, 6), l -> setField(l, "v", 1L));
        ExportVerifier.Result d = verify(downgraded);
        assertThat(d.valid()).isFalse();
        assertThat(d.firstBroken().seq()).isEqualTo(6);
        assertThat(d.firstBroken().reason()).contains("hash mismatch");
        // an event with no canonical form (an unpaired surrogate) is a broken event, not a crash
        List<String> surrogate =
                edit(
                        lines,
                        lineOf(lines, 7),
                        l -> l.replace("\"actor\":\"dave\"", "\"actor\":\"\\ud800\""));
        ExportVerifier.Result u = verify(surrogate);
        assertThat(u.valid()).isFalse();
        assertThat(u.firstBroken().seq()).isEqualTo(7);
        assertThat(u.firstBroken().reason()).contains("no canonical form");
    }

    static ExportVerifier.Result verifyWith(KeyTrust trust, List<String> lines) throws Exception {
        return new ExportVerifier(trust)
                .verify(new BufferedReader(new StringReader(String.join("\n", lines) + "\n")));
    }

    static KeyTrust.ListedKey listed(
            java.security.KeyPair k, String introducedBy, String introduction) {
        return new KeyTrust.ListedKey(
                CheckpointStatement.keyIdOf(k.getPublic().getEncoded()),
                SyntheticExport.publicKey(k),
                introducedBy,
                introduction);
    }

    @Test
    void aCheckpointKeyThatIsNotPinnedIsRefusedAndNamed() throws Exception {
        List<String> lines = fx.lines(0, 6, 6, List.of(3L, 6L));
        List<KeyTrust.ListedKey> keyList = List.of(listed(fx.key, null, null));
        ExportVerifier.Result unpinned =
                verifyWith(
                        KeyTrust.resolve(keyList, java.util.Set.of(), java.util.Set.of()), lines);
        assertThat(unpinned.valid()).isFalse();
        assertThat(unpinned.firstBroken().seq()).isEqualTo(3);
        assertThat(unpinned.firstBroken().reason()).contains("not pinned").contains(fx.keyId);
        assertThat(unpinned.checkpointKeys())
                .containsExactly(new CheckpointKeyRun(fx.keyId, false, null, 3, 3, 1));

        ExportVerifier.Result pinned =
                verifyWith(
                        KeyTrust.resolve(
                                keyList, java.util.Set.of(fx.fingerprint()), java.util.Set.of()),
                        lines);
        assertThat(pinned.valid()).as("%s", pinned).isTrue();
        assertThat(pinned.checkpointKeys())
                .containsExactly(
                        new CheckpointKeyRun(fx.keyId, true, KeyTrust.BY_CONFIGURATION, 3, 6, 2));
    }

    @Test
    void aKeyIntroducedByAPinnedKeyIsPinnedAndAForgedIntroductionIsNot() throws Exception {
        SyntheticExport rotated = new SyntheticExport();
        java.security.KeyPair next =
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String nextId = CheckpointStatement.keyIdOf(next.getPublic().getEncoded());
        rotated.signWith(next);
        List<String> lines = rotated.lines(0, 6, 6, List.of(3L, 6L));
        String introduction =
                KeyTrust.introduce(
                        rotated.key.getPrivate(),
                        rotated.keyId,
                        nextId,
                        SyntheticExport.publicKey(next));
        java.util.Set<String> pins = java.util.Set.of(rotated.fingerprint());

        KeyTrust trust =
                KeyTrust.resolve(
                        List.of(
                                listed(rotated.key, null, null),
                                listed(next, rotated.keyId, introduction)),
                        pins,
                        java.util.Set.of());
        ExportVerifier.Result r = verifyWith(trust, lines);
        assertThat(r.valid()).as("%s", r).isTrue();
        assertThat(r.checkpointKeys())
                .containsExactly(
                        new CheckpointKeyRun(nextId, true, KeyTrust.BY_INTRODUCTION, 3, 6, 2));

        // Someone with the database adds their own key, "introduced" by the pinned one: they cannot
        // make the pinned key's signature, so the introduction does not verify.
        java.security.KeyPair mallory =
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String forged =
                KeyTrust.introduce(
                        mallory.getPrivate(),
                        rotated.keyId,
                        nextId,
                        SyntheticExport.publicKey(next));
        KeyTrust forgedTrust =
                KeyTrust.resolve(
                        List.of(
                                listed(rotated.key, null, null),
                                listed(next, rotated.keyId, forged)),
                        pins,
                        java.util.Set.of());
        ExportVerifier.Result f = verifyWith(forgedTrust, lines);
        assertThat(f.valid()).isFalse();
        assertThat(f.firstBroken().reason()).contains("not pinned");
        // an introduction of another public key under the same id does not carry over either
        KeyTrust swapped =
                KeyTrust.resolve(
                        List.of(
                                listed(rotated.key, null, null),
                                new KeyTrust.ListedKey(
                                        nextId,
                                        SyntheticExport.publicKey(mallory),
                                        rotated.keyId,
                                        introduction)),
                        pins,
                        java.util.Set.of());
        assertThat(swapped.status(nextId).pinned()).isFalse();
    }

    @Test
    void anUnknownKeyIsRefused() throws Exception {
        ExportVerifier.Result r =
                new ExportVerifier(Map.of())
                        .verify(
                                new BufferedReader(
                                        new StringReader(
                                                String.join(
                                                        "\n", fx.lines(0, 5, 5, List.of(5L))))));
        assertThat(r.valid()).isFalse();
        assertThat(r.firstBroken().reason()).contains("unknown key");
    }
}
