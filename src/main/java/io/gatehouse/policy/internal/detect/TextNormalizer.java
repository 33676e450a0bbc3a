package io.gatehouse.policy.internal.detect;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings obfuscated text to a canonical form before the injection heuristics look at it: Unicode
 * NFKC (full-width and mathematical letters), zero-width and other format characters removed,
 * Cyrillic and Greek look-alikes folded to Latin, accents removed from Latin letters, leetspeak
 * folded, punctuation to spaces, and spaced-out letters ("i g n o r e") joined. The canonical
 * alphabet has no 'l' (folded to 'i').
 */
public final class TextNormalizer {
    private TextNormalizer() {}

    private static final char[][] HOMOGLYPHS = {
        // Cyrillic
        {'а', 'a'},
        {'в', 'b'},
        {'е', 'e'},
        {'ё', 'e'},
        {'к', 'k'},
        {'м', 'm'},
        {'н', 'h'},
        {'о', 'o'},
        {'р', 'p'},
        {'с', 'c'},
        {'т', 't'},
        {'у', 'y'},
        {'х', 'x'},
        {'ѕ', 's'},
        {'і', 'i'},
        {'ј', 'j'},
        {'ԁ', 'd'},
        {'ɡ', 'g'},
        {'һ', 'h'},
        {'ӏ', 'l'},
        {'ԛ', 'q'},
        {'ԝ', 'w'},
        {'ѵ', 'v'},
        {'г', 'r'},
        {'п', 'n'},
        {'ь', 'b'},
        {'А', 'a'},
        {'В', 'b'},
        {'Е', 'e'},
        {'К', 'k'},
        {'М', 'm'},
        {'Н', 'h'},
        {'О', 'o'},
        {'Р', 'p'},
        {'С', 'c'},
        {'Т', 't'},
        {'У', 'y'},
        {'Х', 'x'},
        {'Ѕ', 's'},
        {'І', 'i'},
        {'Ј', 'j'},
        // Greek
        {'α', 'a'},
        {'β', 'b'},
        {'ε', 'e'},
        {'ι', 'i'},
        {'κ', 'k'},
        {'ν', 'v'},
        {'ο', 'o'},
        {'ρ', 'p'},
        {'τ', 't'},
        {'υ', 'u'},
        {'χ', 'x'},
        {'γ', 'y'},
        {'η', 'n'},
        {'ω', 'w'},
        {'Α', 'a'},
        {'Β', 'b'},
        {'Ε', 'e'},
        {'Ζ', 'z'},
        {'Η', 'h'},
        {'Ι', 'i'},
        {'Κ', 'k'},
        {'Μ', 'm'},
        {'Ν', 'n'},
        {'Ο', 'o'},
        {'Ρ', 'p'},
        {'Τ', 't'},
        {'Υ', 'y'},
        {'Χ', 'x'},
        // Latin look-alikes outside ASCII that NFKC keeps
        {'ı', 'i'},
        {'ℓ', 'l'},
        {'ɑ', 'a'},
        {'ο', 'o'}
    };
    private static final char[] FOLD = new char[0x2000];

    /** Latin letters with diacritics (U+00C0..U+024F) to their base letter: é to e, ç to c. */
    private static final char[] BASE_LETTER = new char[0x250];

    static {
        for (char[] pair : HOMOGLYPHS) {
            if (pair[0] < FOLD.length) {
                FOLD[pair[0]] = pair[1];
            }
        }
        for (char c = 0xc0; c < BASE_LETTER.length; c++) {
            String d = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFD);
            if (d.length() > 1
                    && d.charAt(0) < 0x80
                    && Character.isLetter(d.charAt(0))
                    && d.substring(1)
                            .chars()
                            .allMatch(m -> Character.getType(m) == Character.NON_SPACING_MARK)) {
                BASE_LETTER[c] = Character.toLowerCase(d.charAt(0));
            }
        }
    }

    /**
     * {@code folded} with Latin letters' diacritics removed (the injection heuristics are written
     * without accents, so "précédentes" and "precedentes" read the same).
     */
    static String withoutAccents(String folded) {
        if (isAscii(folded)) {
            return folded;
        }
        char[] out = folded.toCharArray();
        for (int i = 0; i < out.length; i++) {
            char c = out[i];
            if (c >= 0xc0 && c < BASE_LETTER.length && BASE_LETTER[c] != 0) {
                out[i] = BASE_LETTER[c];
            }
        }
        return new String(out);
    }

    /** NFKC, format characters removed, look-alikes folded, lower case. Keeps punctuation. */
    public static String fold(String text) {
        if (isAscii(text)) {
            // ASCII is NFKC-stable and has no format characters, combining marks or look-alikes to
            // fold.
            return text.toLowerCase(Locale.ROOT);
        }
        String n = Normalizer.normalize(text, Normalizer.Form.NFKC);
        StringBuilder b = new StringBuilder(n.length());
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            int type = Character.getType(c);
            if (type == Character.FORMAT
                    || c == '\u200b'
                    || c == '\u00ad'
                    || c == '\u034f'
                    || c == '\u2060'
                    || c == '\ufeff'
                    || type == Character.NON_SPACING_MARK) {
                continue; // zero-width space/joiners, soft hyphen, combining marks
            }
            if (c < FOLD.length && FOLD[c] != 0) {
                c = FOLD[c];
            }
            b.append(c);
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * {@link #fold} plus leetspeak folding, punctuation to spaces and spaced-out letters joined.
     */
    public static String canonical(String text) {
        return canonicalOfFolded(fold(text));
    }

    /** {@link #canonical} of a text already {@link #fold folded}. */
    static String canonicalOfFolded(String f) {
        char[] out = new char[f.length()];
        int n = 0;
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c >= 0xc0 && c < BASE_LETTER.length && BASE_LETTER[c] != 0) {
                c = BASE_LETTER[c];
            }
            char r =
                    switch (c) {
                        case '0' -> 'o';
                        // 'l' and 'i' are indistinguishable once '1' and '|' stand for either: fold
                        // both to 'i'
                        // (the injection patterns are folded the same way).
                        case '1', '!', '|', 'l' -> 'i';
                        case '3' -> 'e';
                        case '4', '@' -> 'a';
                        case '5', '$' -> 's';
                        case '7', '+' -> 't';
                        case '8' -> 'b';
                        case '9' -> 'g';
                        default -> c;
                    };
            // Non-letters become one space between words (none at the ends): what replacing them by
            // spaces, collapsing whitespace runs and trimming gives.
            if (r >= 'a' && r <= 'z'
                    || r >= 0x80 && Character.isLetter(r)
                    || r >= 'A' && r <= 'Z') {
                out[n++] = r;
            } else if (n > 0 && out[n - 1] != ' ') {
                out[n++] = ' ';
            }
        }
        if (n > 0 && out[n - 1] == ' ') {
            n--;
        }
        return joinSpacedLetters(new String(out, 0, n));
    }

    private static final Pattern SPACED = Pattern.compile("(?<![a-z])(?:[a-z] ){3,}[a-z](?![a-z])");

    private static String joinSpacedLetters(String s) {
        if (!hasSpacedLetters(s)) {
            return s;
        }
        Matcher m = SPACED.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, m.group().replace(" ", ""));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** True when {@code s} has "a b c d" (four single letters), which {@link #SPACED} needs. */
    private static boolean hasSpacedLetters(String s) {
        for (int i = 0; i + 6 < s.length(); i++) {
            if (isAz(s.charAt(i))
                    && s.charAt(i + 1) == ' '
                    && isAz(s.charAt(i + 2))
                    && s.charAt(i + 3) == ' '
                    && isAz(s.charAt(i + 4))
                    && s.charAt(i + 5) == ' '
                    && isAz(s.charAt(i + 6))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAz(char c) {
        return c >= 'a' && c <= 'z';
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_\\-]{16,}={0,2}");

    /** Text hidden in base64 segments (standard or URL alphabet) that decodes to readable text. */
    public static List<String> decodedSegments(String text) {
        List<String> out = new ArrayList<>();
        if (!hasBase64Run(text)) {
            return out;
        }
        Matcher m = BASE64.matcher(text);
        while (m.find()) {
            String seg = m.group();
            String decoded = tryDecode(seg);
            if (decoded != null) {
                out.add(decoded);
            }
        }
        return out;
    }

    /**
     * True when {@code text} has 16 characters of the base64 alphabets in a row ({@link #BASE64}).
     */
    private static boolean hasBase64Run(String text) {
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z'
                    || c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9'
                    || c == '+'
                    || c == '/'
                    || c == '_'
                    || c == '-') {
                if (++run >= 16) {
                    return true;
                }
            } else {
                run = 0;
            }
        }
        return false;
    }

    private static String tryDecode(String seg) {
        String s = seg.replace('-', '+').replace('_', '/');
        String trimmed = s.replaceAll("=+$", "");
        int pad = (4 - trimmed.length() % 4) % 4;
        if (pad == 3) {
            return null;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(trimmed + "=".repeat(pad));
            String d = new String(bytes, StandardCharsets.UTF_8);
            long printable =
                    d.chars()
                            .filter(
                                    c ->
                                            c >= 0x20 && c < 0x7f
                                                    || c == '\n'
                                                    || c == '\t'
                                                    || c > 0xa0 && c != 0xfffd)
                            .count();
            if (d.length() < 8
                    || printable < d.length() * 0.9
                    || d.chars().noneMatch(c -> c == ' ')) {
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
