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
            Map.of(
                    "secret", 0, "card", 1, "iban", 2, "ssn", 3, "nino", 4, "email", 5, "ip", 6,
                    "phone", 7);

    /** All findings in {@code text}, non-overlapping, in text order. */
    public static List<Detection> scan(String text) {
        return scan(text, null);
    }

    /** Findings of the given types only ({@code null}: all). */
    public static List<Detection> scan(String text, Set<String> types) {
        return scan(text, types, true);
    }

    /**
     * {@code prefilter} false runs every detector whatever the text's shape: the reference the
     * pre-filter is tested against (same findings, only slower).
     */
    static List<Detection> scan(String text, Set<String> types, boolean prefilter) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        // One pass over the characters gives what each detector's pattern cannot match without, so
        // ordinary prose skips most regular expressions (results are the same: only detectors that
        // cannot find anything are skipped).
        int digits = 0;
        int dots = 0;
        int colons = 0;
        boolean at = false;
        boolean ibanStart = false; // two capitals followed by two digits, as every IBAN begins
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
                if (!ibanStart
                        && i >= 3
                        && isDigit(text.charAt(i - 1))
                        && isUpper(text.charAt(i - 2))
                        && isUpper(text.charAt(i - 3))) {
                    ibanStart = true;
                }
            } else if (c == '.') {
                dots++;
            } else if (c == ':') {
                colons++;
            } else if (c == '@') {
                at = true;
            }
        }
        List<Detection> all = new ArrayList<>();
        if (want(types, "secret")) {
            all.addAll(SecretDetectors.secrets(text, prefilter));
        }
        if (want(types, "email") && (at || !prefilter)) {
            all.addAll(PiiDetectors.email(text));
        }
        if (want(types, "card") && (digits >= 13 || !prefilter)) {
            all.addAll(PiiDetectors.card(text));
        }
        if (want(types, "iban") && (ibanStart || !prefilter)) {
            all.addAll(PiiDetectors.iban(text));
        }
        if (want(types, "ssn") && (digits >= 9 || !prefilter)) {
            all.addAll(PiiDetectors.ssn(text));
        }
        if (want(types, "nino") && (digits >= 6 || !prefilter)) {
            all.addAll(PiiDetectors.nino(text));
        }
        // IPv4 needs four numbers and three dots, IPv6 at least two colons.
        if (want(types, "ip") && (digits >= 4 && dots >= 3 || colons >= 2 || !prefilter)) {
            all.addAll(PiiDetectors.ip(text));
        }
        // Every phone pattern needs 7 to 15 digits.
        if (want(types, "phone") && (digits >= 7 || !prefilter)) {
            all.addAll(PiiDetectors.phone(text));
        }
        if (all.isEmpty()) {
            return List.of();
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

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean want(Set<String> types, String t) {
        return types == null || types.contains(t);
    }
}
