package io.gatehouse.audit.chain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The offline verifier's command line: {@code java -jar gatehouse-audit-verifier.jar export.jsonl
 * --keys keys.json}. Exit code 0: the export is intact; 1: it is broken (the first broken event is
 * named); 2: the files could not be read.
 */
public final class OfflineVerifier {
  private OfflineVerifier() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path export = null;
    Path keysFile = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--keys") && i + 1 < args.length) {
        keysFile = Path.of(args[++i]);
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
    Map<String, PublicKey> keys;
    try {
      keys = readKeys(Files.readString(keysFile, StandardCharsets.UTF_8));
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

  /** Reads {@code {"keys":[{"keyId","algorithm","publicKey"}...]}} as served by the server. */
  @SuppressWarnings("unchecked")
  public static Map<String, PublicKey> readKeys(String json) {
    Object parsed = JsonReader.parse(json);
    if (!(parsed instanceof Map<?, ?> m) || !(m.get("keys") instanceof List<?> list)) {
      throw new IllegalArgumentException("expected {\"keys\": [...]}");
    }
    Map<String, PublicKey> keys = new HashMap<>();
    for (Object o : list) {
      Map<String, Object> k = (Map<String, Object>) o;
      if (!CheckpointStatement.ALGORITHM.equals(k.get("algorithm"))) {
        throw new IllegalArgumentException("unsupported algorithm " + k.get("algorithm"));
      }
      keys.put((String) k.get("keyId"), CheckpointStatement.publicKey((String) k.get("publicKey")));
    }
    return keys;
  }

  private static int usage(PrintStream err) {
    err.println("usage: java -jar gatehouse-audit-verifier.jar <export.jsonl> --keys <keys.json>");
    return 2;
  }
}
