package io.gatehouse.policy.internal.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs every entity detector over a text and resolves overlapping findings. */
public final class Detectors {
  private Detectors() {}

  // When two findings overlap, the more specific one wins: a secret over anything, a card or IBAN
  // over a phone number, and so on.
  private static final Map<String, Integer> PRIORITY =
      Map.of("secret", 0, "card", 1, "iban", 2, "ssn", 3, "nino", 4, "email", 5, "ip", 6, "phone", 7);

  /** All findings in {@code text}, non-overlapping, in text order. */
  public static List<Detection> scan(String text) {
    return scan(text, null);
  }

  /** Findings of the given types only ({@code null}: all). */
  public static List<Detection> scan(String text, Set<String> types) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    List<Detection> all = new ArrayList<>();
    if (want(types, "secret")) {
      all.addAll(SecretDetectors.secrets(text));
    }
    if (want(types, "email")) {
      all.addAll(PiiDetectors.email(text));
    }
    if (want(types, "card")) {
      all.addAll(PiiDetectors.card(text));
    }
    if (want(types, "iban")) {
      all.addAll(PiiDetectors.iban(text));
    }
    if (want(types, "ssn")) {
      all.addAll(PiiDetectors.ssn(text));
    }
    if (want(types, "nino")) {
      all.addAll(PiiDetectors.nino(text));
    }
    if (want(types, "ip")) {
      all.addAll(PiiDetectors.ip(text));
    }
    if (want(types, "phone")) {
      all.addAll(PiiDetectors.phone(text));
    }
    all.sort(
        Comparator.comparingInt((Detection d) -> PRIORITY.getOrDefault(d.type(), 9))
            .thenComparing(Comparator.comparingInt(Detection::length).reversed()));
    List<Detection> kept = new ArrayList<>();
    for (Detection d : all) {
      if (kept.stream().noneMatch(k -> k.overlaps(d))) {
        kept.add(d);
      }
    }
    kept.sort(Comparator.comparingInt(Detection::start));
    return kept;
  }

  private static boolean want(Set<String> types, String t) {
    return types == null || types.contains(t);
  }
}
