package io.gatehouse.policy.internal.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Detectors for personal data. Each is a pure function of the text. */
public final class PiiDetectors {
    private PiiDetectors() {}

    private static final Pattern EMAIL =
            Pattern.compile(
                    "(?<![A-Za-z0-9._%+\\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\\-]{0,62}[A-Za-z0-9_%+\\-])?"
                            + "@(?:[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\\-])");

    public static List<Detection> email(String text) {
        List<Detection> out = new ArrayList<>();
        Matcher m = EMAIL.matcher(text);
        while (m.find()) {
            String local = m.group().substring(0, m.group().indexOf('@'));
            if (local.contains("..")) {
                continue;
            }
            out.add(new Detection("email", "email", m.start(), m.end(), 0.95));
        }
        return out;
    }

    // Card numbers: 13-19 digits, optionally grouped by single spaces or dashes.
    private static final Pattern CARD =
            Pattern.compile("(?<![\\d\\-])(?:\\d[ \\-]?){12,18}\\d(?![\\d])");

    public static List<Detection> card(String text) {
        List<Detection> out = new ArrayList<>();
        Matcher m = CARD.matcher(text);
        while (m.find()) {
            String g = m.group();
            String digits = g.replaceAll("[ \\-]", "");
            if (digits.length() < 13 || digits.length() > 19 || !Checksums.luhn(digits)) {
                continue;
            }
            // Separators must be consistent (all spaces or all dashes), as people write card
            // numbers.
            if (g.contains(" ") && g.contains("-")) {
                continue;
            }
            if (digits.chars().distinct().count() == 1) {
                continue; // 0000 0000 0000 0000 passes Luhn but is a placeholder
            }
            double score = knownBrand(digits) ? 0.95 : 0.6;
            if (score < 0.9 && !(g.contains(" ") || g.contains("-"))) {
                continue; // an unbranded bare digit run is more likely an order number
            }
            out.add(new Detection("card", "card", m.start(), m.end(), score));
        }
        return out;
    }

    private static boolean knownBrand(String d) {
        int len = d.length();
        int two = Integer.parseInt(d.substring(0, 2));
        int four = Integer.parseInt(d.substring(0, 4));
        if (d.charAt(0) == '4') {
            return len == 13 || len == 16 || len == 19; // Visa
        }
        if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) {
            return len == 16; // Mastercard
        }
        if (two == 34 || two == 37) {
            return len == 15; // Amex
        }
        if (d.startsWith("6011") || d.startsWith("65") || (two == 64 && d.charAt(2) >= '4')) {
            return len >= 16; // Discover
        }
        if (four >= 3528 && four <= 3589) {
            return len >= 16; // JCB
        }
        if (two == 36 || two == 38 || (two == 30 && d.charAt(2) <= '5')) {
            return len == 14; // Diners
        }
        return false;
    }

    // IBAN: country, check digits, BBAN; printed compact or in groups of four.
    private static final Pattern IBAN =
            Pattern.compile(
                    "(?<![A-Za-z0-9])([A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)(?![A-Za-z0-9])");

    private static final Map<String, Integer> IBAN_LENGTHS =
            Map.ofEntries(
                    Map.entry("AD", 24),
                    Map.entry("AT", 20),
                    Map.entry("BE", 16),
                    Map.entry("BG", 22),
                    Map.entry("CH", 21),
                    Map.entry("CY", 28),
                    Map.entry("CZ", 24),
                    Map.entry("DE", 22),
                    Map.entry("DK", 18),
                    Map.entry("EE", 20),
                    Map.entry("ES", 24),
                    Map.entry("FI", 18),
                    Map.entry("FR", 27),
                    Map.entry("GB", 22),
                    Map.entry("GR", 27),
                    Map.entry("HR", 21),
                    Map.entry("HU", 28),
                    Map.entry("IE", 22),
                    Map.entry("IS", 26),
                    Map.entry("IT", 27),
                    Map.entry("LI", 21),
                    Map.entry("LT", 20),
                    Map.entry("LU", 20),
                    Map.entry("LV", 21),
                    Map.entry("MC", 27),
                    Map.entry("MT", 31),
                    Map.entry("NL", 18),
                    Map.entry("NO", 15),
                    Map.entry("PL", 28),
                    Map.entry("PT", 25),
                    Map.entry("RO", 24),
                    Map.entry("SE", 24),
                    Map.entry("SI", 19),
                    Map.entry("SK", 24),
                    Map.entry("SM", 27),
                    Map.entry("TR", 26),
                    Map.entry("SA", 24),
                    Map.entry("AE", 23),
                    Map.entry("IL", 23),
                    Map.entry("BR", 29));

    public static List<Detection> iban(String text) {
        List<Detection> out = new ArrayList<>();
        Matcher m = IBAN.matcher(text);
        while (m.find()) {
            String compact = m.group(1).replace(" ", "");
            Integer expected = IBAN_LENGTHS.get(compact.substring(0, 2));
            // Known country: exact length; unknown country: checksum only, lower score.
            if (expected != null && expected != compact.length()) {
                // The group pattern may have swallowed a following word; try trimming to the
                // length.
                continue;
            }
            if (!Checksums.iban(compact)) {
                continue;
            }
            out.add(
                    new Detection(
                            "iban", "iban", m.start(1), m.end(1), expected != null ? 0.97 : 0.7));
        }
        return out;
    }

    private static final Pattern SSN =
            Pattern.compile("(?<![\\d\\-])(\\d{3})([\\- ])(\\d{2})\\2(\\d{4})(?![\\d\\-])");
    private static final Pattern SSN_BARE_WITH_CONTEXT =
            Pattern.compile(
                    "(?i)\\b(?:ssn|social security(?: number| no\\.?)?)\\s*(?:#|no\\.?|number)?\\s*[:=]?\\s*(\\d{9})\\b");

    /** US Social Security numbers (area, group and serial rules of the SSA). */
    public static List<Detection> ssn(String text) {
        List<Detection> out = new ArrayList<>();
        Matcher m = SSN.matcher(text);
        while (m.find()) {
            if (validSsn(m.group(1), m.group(3), m.group(4))) {
                out.add(
                        new Detection(
                                "ssn",
                                "us_ssn",
                                m.start(),
                                m.end(),
                                m.group(2).equals("-") ? 0.9 : 0.7));
            }
        }
        Matcher b = SSN_BARE_WITH_CONTEXT.matcher(text);
        while (b.find()) {
            String d = b.group(1);
            if (validSsn(d.substring(0, 3), d.substring(3, 5), d.substring(5))) {
                out.add(new Detection("ssn", "us_ssn", b.start(1), b.end(1), 0.85));
            }
        }
        return out;
    }

    private static boolean validSsn(String area, String group, String serial) {
        int a = Integer.parseInt(area);
        return a != 0
                && a != 666
                && a < 900
                && !group.equals("00")
                && !serial.equals("0000")
                && !(area + group + serial).equals("123456789");
    }

    // UK National Insurance number: two prefix letters (with the excluded combinations), six
    // digits,
    // suffix A-D; commonly printed with spaces in pairs.
    private static final Pattern NINO =
            Pattern.compile(
                    "(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\\d{2}) ?(\\d{2}) ?(\\d{2}) ?([A-D])(?![A-Za-z0-9])");

    /** UK National Insurance numbers. */
    public static List<Detection> nino(String text) {
        List<Detection> out = new ArrayList<>();
        Matcher m = NINO.matcher(text);
        while (m.find()) {
            String prefix = m.group(1);
            if (List.of("BG", "GB", "NK", "KN", "TN", "NT", "ZZ").contains(prefix)) {
                continue;
            }
            out.add(new Detection("nino", "uk_nino", m.start(), m.end(), 0.85));
        }
        return out;
    }

    // Phone numbers: international (+CC ...) or North American (NXX) NXX-XXXX; 7-15 digits.
    private static final Pattern PHONE_INTL =
            Pattern.compile(
                    "(?<![\\w+])(?<!\\d\\s)\\+[1-9]\\d{0,2}(?:[ .\\-]?\\(?\\d{1,4}\\)?){2,5}(?![\\w])");
    private static final Pattern PHONE_NANP =
            Pattern.compile(
                    "(?<![\\w\\-.])(?<!\\d\\s)(?:\\(\\d{3}\\) ?|\\d{3}[\\-. ])\\d{3}[\\-. ]\\d{4}(?![\\w\\-])");
    private static final Pattern PHONE_NATIONAL =
            Pattern.compile(
                    "(?<![\\w\\-.])(?<!\\d\\s)0\\d{2,4}[ \\-/]\\d{3,4}[ \\-]?\\d{3,4}(?![\\w\\-])");

    public static List<Detection> phone(String text) {
        List<Detection> out = new ArrayList<>();
        for (Pattern p : List.of(PHONE_INTL, PHONE_NANP, PHONE_NATIONAL)) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                String g = m.group().strip();
                int digits = (int) g.chars().filter(Character::isDigit).count();
                if (digits < 7 || digits > 15) {
                    continue;
                }
                if (p == PHONE_NANP && looksLikeDate(g)) {
                    continue;
                }
                int end = m.start() + m.group().stripTrailing().length();
                out.add(
                        new Detection(
                                "phone", "phone", m.start(), end, p == PHONE_INTL ? 0.9 : 0.75));
            }
        }
        return out;
    }

    private static boolean looksLikeDate(String g) {
        return g.matches("\\d{3}[\\-. ]\\d{3}[\\-. ]\\d{4}") && g.startsWith("000");
    }

    private static final Pattern IPV4 =
            Pattern.compile("(?<![\\w.])((?:\\d{1,3}\\.){3}\\d{1,3})(?![\\w]|\\.\\d)");
    private static final Pattern IPV6_CANDIDATE =
            Pattern.compile("(?<![\\w:.])([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?![\\w:])");

    public static List<Detection> ip(String text) {
        List<Detection> out = new ArrayList<>();
        Matcher m = IPV4.matcher(text);
        while (m.find()) {
            String[] parts = m.group(1).split("\\.");
            boolean ok = true;
            for (String p : parts) {
                if (Integer.parseInt(p) > 255 || (p.length() > 1 && p.startsWith("0"))) {
                    ok = false;
                }
            }
            if (ok) {
                out.add(new Detection("ip", "ipv4", m.start(1), m.end(1), 0.85));
            }
        }
        Matcher v6 = IPV6_CANDIDATE.matcher(text);
        while (v6.find()) {
            if (validIpv6(v6.group(1))) {
                out.add(new Detection("ip", "ipv6", v6.start(1), v6.end(1), 0.9));
            }
        }
        return out;
    }

    static boolean validIpv6(String s) {
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return false;
        }
        if (dbl < 0) {
            String[] groups = s.split(":", -1);
            if (groups.length != 8) {
                return false;
            }
            for (String g : groups) {
                if (g.isEmpty() || g.length() > 4) {
                    return false;
                }
            }
            return true;
        }
        String left = s.substring(0, dbl);
        String right = s.substring(dbl + 2);
        int n = 0;
        for (String side : new String[] {left, right}) {
            if (side.isEmpty()) {
                continue;
            }
            for (String g : side.split(":", -1)) {
                if (g.isEmpty() || g.length() > 4) {
                    return false;
                }
                n++;
            }
        }
        // "::" alone or with too few groups and no hex letters is more likely something else (a C++
        // scope, "a::b"); require at least two groups or a recognizable prefix.
        if (n > 7) {
            return false;
        }
        boolean substantial = false;
        for (String g : s.split(":")) {
            substantial |= g.length() >= 2;
        }
        return s.equals("::1") || (n >= 2 && substantial);
    }
}
