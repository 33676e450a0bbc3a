package io.gatehouse.audit.chain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The offline verifier's command line: {@code java -jar gatehouse-audit-verifier.jar export.jsonl
 * --keys keys.json --pin <fingerprint>...}. Exit code 0: the export is intact and every checkpoint
 * in it is signed by a pinned key; 1: it is broken (the first broken event or checkpoint is named);
 * 2: the files could not be read or the arguments are wrong.
 */
public final class OfflineVerifier {
    private OfflineVerifier() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path export = null;
        Path keysFile = null;
        List<String> pins = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--keys") && i + 1 < args.length) {
                keysFile = Path.of(args[++i]);
            } else if (args[i].equals("--pin") && i + 1 < args.length) {
                pins.add(args[++i]);
            } else if (args[i].startsWith("-")) {
                return usage(err);
            } else if (export == null) {
                export = Path.of(args[i]);
            } else {
                return usage(err);
            }
        }
        if (export == null || keysFile == null) {
            return usage(err);
        }
        KeyTrust keys;
        try {
            Set<String> pinned = KeyTrust.parseFingerprints(String.join(",", pins));
            keys =
                    KeyTrust.resolve(
                            readKeys(Files.readString(keysFile, StandardCharsets.UTF_8)),
                            pinned,
                            Set.of());
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("Cannot read the keys file " + keysFile + ": " + e.getMessage());
            return 2;
        }
        ExportVerifier.Result r;
        try (BufferedReader in = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
            r = new ExportVerifier(keys).verify(in);
        } catch (IOException e) {
            err.println("Cannot read the export " + export + ": " + e.getMessage());
            return 2;
        }
        for (String note : r.notes()) {
            out.println("note: " + note);
        }
        for (CheckpointKeyRun run : r.checkpointKeys()) {
            out.println(
                    "checkpoints at seq "
                            + run.fromSeq()
                            + (run.toSeq() == run.fromSeq() ? "" : ".." + run.toSeq())
                            + " ("
                            + run.checkpoints()
                            + "): key "
                            + run.keyId()
                            + (run.pinned()
                                    ? ", pinned (" + run.pinnedBy() + ")"
                                    : ", NOT pinned"));
        }
        out.println("hashed forms: " + r.v1Events() + " v1, " + r.v2Events() + " v2");
        if (r.valid()) {
            out.println(
                    "VALID: "
                            + r.eventsChecked()
                            + " events, "
                            + r.checkpointsVerified()
                            + " signed checkpoints verified");
            return 0;
        }
        ExportVerifier.Broken b = r.firstBroken();
        out.println(
                "BROKEN at seq "
                        + (b.seq() == null ? "?" : b.seq())
                        + (b.eventId() == null ? "" : " (event " + b.eventId() + ")")
                        + ", line "
                        + b.line()
                        + ": "
                        + b.reason());
        out.println("events checked before the break: " + r.eventsChecked());
        return 1;
    }

    /**
     * Reads {@code {"keys":[{"keyId","algorithm","publicKey","introducedBy","introduction"}...]}}
     * as served by the server (the last two may be absent).
     */
    @SuppressWarnings("unchecked")
    public static List<KeyTrust.ListedKey> readKeys(String json) {
        Object parsed = JsonReader.parse(json);
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("keys") instanceof List<?> list)) {
            throw new IllegalArgumentException("expected {\"keys\": [...]}");
        }
        List<KeyTrust.ListedKey> keys = new java.util.ArrayList<>();
        for (Object o : list) {
            Map<String, Object> k = (Map<String, Object>) o;
            if (!CheckpointStatement.ALGORITHM.equals(k.get("algorithm"))) {
                throw new IllegalArgumentException("unsupported algorithm " + k.get("algorithm"));
            }
            keys.add(
                    new KeyTrust.ListedKey(
                            (String) k.get("keyId"),
                            (String) k.get("publicKey"),
                            (String) k.get("introducedBy"),
                            (String) k.get("introduction")));
        }
        return keys;
    }

    private static int usage(PrintStream err) {
        err.println(
                "usage: java -jar gatehouse-audit-verifier.jar <export.jsonl> --keys <keys.json>"
                        + " --pin <key fingerprint> [--pin <key fingerprint>...]");
        return 2;
    }
}
