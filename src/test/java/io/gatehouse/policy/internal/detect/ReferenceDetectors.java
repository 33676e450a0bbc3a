package io.gatehouse.policy.internal.detect;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A frozen copy of the detectors as they were before the hot-path work (commit f4a8cde), to prove
 * the optimized detectors return exactly the same findings and scores ({@code DetectorEquivalenceTest}).
 * Test code only; do not change it to follow the detectors.
 */
final class ReferenceDetectors {
  private ReferenceDetectors() {}

  /**
   * Brings obfuscated text to a canonical form before the injection heuristics look at it: Unicode
   * NFKC (full-width and mathematical letters), zero-width and other format characters removed,
   * Cyrillic and Greek look-alikes folded to Latin, leetspeak folded, punctuation to spaces, and
   * spaced-out letters ("i g n o r e") joined. The canonical alphabet has no 'l' (folded to 'i').
   */
  static final class TextNormalizer {
    private TextNormalizer() {}

    private static final char[][] HOMOGLYPHS = {
      // Cyrillic
      {'а', 'a'}, {'в', 'b'}, {'е', 'e'}, {'ё', 'e'}, {'к', 'k'}, {'м', 'm'}, {'н', 'h'}, {'о', 'o'},
      {'р', 'p'}, {'с', 'c'}, {'т', 't'}, {'у', 'y'}, {'х', 'x'}, {'ѕ', 's'}, {'і', 'i'}, {'ј', 'j'},
      {'ԁ', 'd'}, {'ɡ', 'g'}, {'һ', 'h'}, {'ӏ', 'l'}, {'ԛ', 'q'}, {'ԝ', 'w'}, {'ѵ', 'v'}, {'г', 'r'},
      {'п', 'n'}, {'ь', 'b'},
      {'А', 'a'}, {'В', 'b'}, {'Е', 'e'}, {'К', 'k'}, {'М', 'm'}, {'Н', 'h'}, {'О', 'o'}, {'Р', 'p'},
      {'С', 'c'}, {'Т', 't'}, {'У', 'y'}, {'Х', 'x'}, {'Ѕ', 's'}, {'І', 'i'}, {'Ј', 'j'},
      // Greek
      {'α', 'a'}, {'β', 'b'}, {'ε', 'e'}, {'ι', 'i'}, {'κ', 'k'}, {'ν', 'v'}, {'ο', 'o'}, {'ρ', 'p'},
      {'τ', 't'}, {'υ', 'u'}, {'χ', 'x'}, {'γ', 'y'}, {'η', 'n'}, {'ω', 'w'},
      {'Α', 'a'}, {'Β', 'b'}, {'Ε', 'e'}, {'Ζ', 'z'}, {'Η', 'h'}, {'Ι', 'i'}, {'Κ', 'k'}, {'Μ', 'm'},
      {'Ν', 'n'}, {'Ο', 'o'}, {'Ρ', 'p'}, {'Τ', 't'}, {'Υ', 'y'}, {'Χ', 'x'},
      // Latin look-alikes outside ASCII that NFKC keeps
      {'ı', 'i'}, {'ℓ', 'l'}, {'ɑ', 'a'}, {'ο', 'o'}
    };
    private static final char[] FOLD = new char[0x2000];

    static {
      for (char[] pair : HOMOGLYPHS) {
        if (pair[0] < FOLD.length) {
          FOLD[pair[0]] = pair[1];
        }
      }
    }

    /** NFKC, format characters removed, look-alikes folded, lower case. Keeps punctuation. */
    public static String fold(String text) {
      String n = Normalizer.normalize(text, Normalizer.Form.NFKC);
      StringBuilder b = new StringBuilder(n.length());
      for (int i = 0; i < n.length(); i++) {
        char c = n.charAt(i);
        int type = Character.getType(c);
        if (type == Character.FORMAT || c == '\u200b' || c == '\u00ad' || c == '\u034f'
            || c == '\u2060' || c == '\ufeff' || type == Character.NON_SPACING_MARK) {
          continue; // zero-width space/joiners, soft hyphen, combining marks
        }
        if (c < FOLD.length && FOLD[c] != 0) {
          c = FOLD[c];
        }
        b.append(c);
      }
      return b.toString().toLowerCase(Locale.ROOT);
    }

    /** {@link #fold} plus leetspeak folding, punctuation to spaces and spaced-out letters joined. */
    public static String canonical(String text) {
      String f = fold(text);
      StringBuilder b = new StringBuilder(f.length());
      for (int i = 0; i < f.length(); i++) {
        char c = f.charAt(i);
        char r =
            switch (c) {
              case '0' -> 'o';
              // 'l' and 'i' are indistinguishable once '1' and '|' stand for either: fold both to 'i'
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
        b.append(Character.isLetter(r) ? r : ' ');
      }
      String spaced = b.toString().replaceAll("\\s+", " ").trim();
      return joinSpacedLetters(spaced);
    }

    private static final Pattern SPACED = Pattern.compile("(?<![a-z])(?:[a-z] ){3,}[a-z](?![a-z])");

    private static String joinSpacedLetters(String s) {
      Matcher m = SPACED.matcher(s);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(out, m.group().replace(" ", ""));
      }
      m.appendTail(out);
      return out.toString();
    }

    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_\\-]{16,}={0,2}");

    /** Text hidden in base64 segments (standard or URL alphabet) that decodes to readable text. */
    public static List<String> decodedSegments(String text) {
      List<String> out = new ArrayList<>();
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
        long printable = d.chars().filter(c -> c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' || c > 0xa0 && c != 0xfffd).count();
        if (d.length() < 8 || printable < d.length() * 0.9 || d.chars().noneMatch(c -> c == ' ')) {
          return null;
        }
        return d;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  /**
   * Prompt-injection and jailbreak heuristics with a score in 0..1. Texts are canonicalized first
   * ({@link TextNormalizer#canonical}) and base64 segments are decoded and inspected too, so
   * homoglyphs, zero-width characters, leetspeak and encoding do not change the verdict. All messages
   * are evaluated as one text, so an attack split across messages still matches.
   *
   * <p>Score: each matching signal has a weight w; the score is {@code 1 - prod(1 - w)}.
   */
  static final class InjectionDetector {
    /** The verdict on a request's texts. */
    public record Result(double score, List<String> signals, boolean obfuscated) {}

    private record Signal(String name, Pattern pattern, double weight) {}

    private static final String ANY = "(?: [a-z]+){0,3}";

    private static final List<Signal> SIGNALS =
        List.of(
            signal("ignore_instructions",
                "(?:ignore|disregard|forget|skip|override|bypass|drop|abandon)" + ANY
                    + " (?:instructions?|prompts?|rules|directions|guidelines|directives|guardrails|programming|restrictions)",
                0.85),
            signal("previous_context",
                "(?:ignore|disregard|forget)(?: [a-z]+){0,2} (?:everything|all|anything)(?: [a-z]+){0,3} (?:above|before|previously|so far|earlier)",
                0.75),
            signal("reveal_system_prompt",
                "(?:reveal|print|show|repeat|output|display|leak|tell me|give me|dump)(?: [a-z]+){0,4}"
                    + " (?:system prompt|system message|initial instructions|hidden instructions|original instructions|instructions above|secret instructions|developer message)",
                0.75),
            signal("persona_override",
                "(?:you are now|from now on you are|pretend (?:to be|you are)|act as|roleplay as|behave as|you will now act as)"
                    + "(?: [a-z]+){0,4} (?:dan|unrestricted|unfiltered|uncensored|jailbroken|evil|without (?:any )?(?:rules|restrictions|limits|filters)|developer mode|no rules|an ai without)",
                0.7),
            signal("dan", "(?:do anything now|\\bdan mode\\b|\\bdan prompt\\b|\\bstan mode\\b)", 0.7),
            signal("jailbreak_word", "\\b(?:jaiibreak|jaiibroken|jaiibreaking)\\b", 0.35),
            signal("developer_mode", "\\b(?:deveioper mode|god mode|admin mode|debug mode enabied|sudo mode)\\b", 0.45),
            signal("no_restrictions",
                "(?:without|no|free of|free from|ignore) (?:any |all |your )?(?:restrictions|fiiters|censorship|iimitations|safety guideiines|content poiicy|ethicai guideiines|moderation)",
                0.4),
            signal("not_bound", "(?:no ionger|not) (?:bound|restricted|iimited) by", 0.5),
            signal("bypass_safety",
                "(?:bypass|circumvent|disabie|turn off|deactivate|evade)(?: [a-z]+){0,2} (?:safety|content fiiter|fiiters|guardraiis|moderation|poiicy|poiicies|restrictions)",
                0.6),
            signal("new_instructions", "(?:new|updated|reai|actuai) (?:system )?instructions(?: are| foiiow)?", 0.35),
            signal("system_override", "(?:system|admin|administrator|root) (?:override|command|notice)", 0.45),
            signal("from_now_on", "\\bfrom now on\\b", 0.15),
            signal("exfiltrate",
                "(?:send|post|upioad|forward|emaii)(?: [a-z]+){0,4} (?:to|at) (?:http|https|www|this uri|this webhook)",
                0.3));

    // Role markers of chat templates, checked on folded (not canonical) text since they are punctuation.
    private static final Pattern ROLE_MARKERS =
        Pattern.compile("<\\|im_start\\|>|<\\|system\\|>|\\[inst\\]|<<sys>>|</?system>|^\\s*#{2,}\\s*system\\b|\\n\\s*system:",
            Pattern.MULTILINE);

    private static Signal signal(String name, String regex, double weight) {
      // Patterns are written in plain English; fold 'l' the way canonical() does.
      return new Signal(name, Pattern.compile(regex.replace('l', 'i')), weight);
    }

    private InjectionDetector() {}

    /** Scores the concatenation of {@code texts} (the request's messages in order). */
    public static Result score(List<String> texts) {
      String joined = String.join("\n", texts);
      List<String> variants = new ArrayList<>();
      variants.add(joined);
      List<String> decoded = TextNormalizer.decodedSegments(joined);
      variants.addAll(decoded);
      Set<String> hits = new LinkedHashSet<>();
      for (String v : variants) {
        String canon = TextNormalizer.canonical(v);
        for (Signal s : SIGNALS) {
          if (s.pattern().matcher(canon).find()) {
            hits.add(s.name());
          }
        }
        if (ROLE_MARKERS.matcher(TextNormalizer.fold(v)).find()) {
          hits.add("role_marker");
        }
      }
      double keep = 1.0;
      for (Signal s : SIGNALS) {
        if (hits.contains(s.name())) {
          keep *= 1 - s.weight();
        }
      }
      if (hits.contains("role_marker")) {
        keep *= 0.5;
      }
      boolean obfuscated = !decoded.isEmpty() || !TextNormalizer.fold(joined).equals(joined.toLowerCase(Locale.ROOT));
      double score = Math.round((1 - keep) * 1000) / 1000.0;
      return new Result(score, List.copyOf(hits), obfuscated && !hits.isEmpty());
    }
  }

  /** Credentials in known formats. A finding's kind names the format; its type is {@code secret}. */
  static final class SecretDetectors {
    private SecretDetectors() {}

    private record Format(String kind, Pattern pattern, int group, double score) {}

    private static final List<Format> FORMATS =
        List.of(
            new Format(
                "private_key",
                Pattern.compile(
                    "-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
                        + "(?:[\\s\\S]{0,8192}?-----END (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)?"),
                0,
                0.99),
            new Format(
                "aws_access_key_id",
                Pattern.compile("(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[A-Z2-7]{16}(?![A-Z0-9])"),
                0,
                0.95),
            new Format(
                "aws_secret_access_key",
                Pattern.compile(
                    "(?i)aws.{0,24}?(?:secret|private)?.{0,8}?(?:access)?.{0,4}?key.{0,6}?[=:\"'\\s]\\s*[\"']?"
                        + "((?-i)[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"),
                1,
                0.9),
            new Format(
                "github_token",
                Pattern.compile("(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{60,255})(?![A-Za-z0-9_])"),
                0,
                0.97),
            new Format(
                "gitlab_token",
                Pattern.compile("(?<![A-Za-z0-9_\\-])glpat-[A-Za-z0-9_\\-]{20,}(?![A-Za-z0-9_\\-])"),
                0,
                0.95),
            new Format(
                "slack_token",
                Pattern.compile("(?<![A-Za-z0-9\\-])xox[abposr]-(?:[0-9]{6,}-){1,3}[A-Za-z0-9\\-]{8,}"),
                0,
                0.95),
            new Format(
                "slack_webhook",
                Pattern.compile("https://hooks\\.slack\\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}"),
                0,
                0.95),
            new Format(
                "stripe_key",
                Pattern.compile("(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}(?![A-Za-z0-9_])"),
                0,
                0.95),
            new Format(
                "openai_key",
                Pattern.compile(
                    "(?<![A-Za-z0-9_\\-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\\-]{20,}(?![A-Za-z0-9_\\-])"),
                0,
                0.9),
            new Format(
                "anthropic_key",
                Pattern.compile("(?<![A-Za-z0-9_\\-])sk-ant-[A-Za-z0-9_\\-]{20,}"),
                0,
                0.95),
            new Format(
                "gatehouse_key",
                Pattern.compile("(?<![A-Za-z0-9_])gh_(?:live|demo|test)_[A-Za-z0-9]{16,}(?![A-Za-z0-9_])"),
                0,
                0.95),
            new Format(
                "google_api_key",
                Pattern.compile("(?<![A-Za-z0-9_\\-])AIza[0-9A-Za-z_\\-]{35}(?![A-Za-z0-9_\\-])"),
                0,
                0.9),
            new Format(
                "jwt",
                Pattern.compile(
                    "(?<![A-Za-z0-9_\\-])eyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{8,}(?![A-Za-z0-9_\\-])"),
                0,
                0.9),
            // password=..., "api_key": "...", token: ... (the value is the secret; the name stays)
            new Format(
                "password_assignment",
                Pattern.compile(
                    "(?i)(?<![A-Za-z0-9])(?:password|passwd|pwd|passphrase|secret|client_secret|api[_\\-]?key|access[_\\-]?token|auth[_\\-]?token)"
                        + "[\"']?\\s{0,3}(?:=|:|=>)\\s{0,3}[\"']?((?!\\[)[^\\s\"',;&]{6,128})"),
                1,
                0.8),
            new Format(
                "url_credentials",
                Pattern.compile("(?i)\\b[a-z][a-z0-9+.\\-]{1,15}://[^\\s:/@]{1,64}:([^\\s:/@]{4,128})@[\\w.\\-]+"),
                1,
                0.85));

    public static List<Detection> secrets(String text) {
      List<Detection> out = new ArrayList<>();
      for (Format f : FORMATS) {
        Matcher m = f.pattern().matcher(text);
        while (m.find()) {
          int s = m.start(f.group());
          int e = m.end(f.group());
          if (f.kind().equals("password_assignment") && weakValue(m.group(1))) {
            continue;
          }
          out.add(new Detection("secret", f.kind(), s, e, f.score()));
        }
      }
      return out;
    }

    // Values that are plainly not secrets: placeholders and variable references.
    private static boolean weakValue(String v) {
      String l = v.toLowerCase(java.util.Locale.ROOT);
      return l.startsWith("$") || l.startsWith("{") || l.startsWith("<") || l.startsWith("%")
          || l.startsWith("***") || l.equals("********") || l.contains("xxxx")
          || l.equals("required") || l.equals("optional") || l.equals("string") || l.equals("none")
          || l.equals("null") || l.equals("changeme") || l.equals("redacted") || l.equals("example")
          || l.startsWith("process.env") || l.startsWith("os.environ") || l.startsWith("env(")
          || l.startsWith("getenv");
    }
  }

  /** Detectors for personal data. Each is a pure function of the text. */
  static final class PiiDetectors {
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
        // Separators must be consistent (all spaces or all dashes), as people write card numbers.
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
            Map.entry("AD", 24), Map.entry("AT", 20), Map.entry("BE", 16), Map.entry("BG", 22),
            Map.entry("CH", 21), Map.entry("CY", 28), Map.entry("CZ", 24), Map.entry("DE", 22),
            Map.entry("DK", 18), Map.entry("EE", 20), Map.entry("ES", 24), Map.entry("FI", 18),
            Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GR", 27), Map.entry("HR", 21),
            Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IS", 26), Map.entry("IT", 27),
            Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20), Map.entry("LV", 21),
            Map.entry("MC", 27), Map.entry("MT", 31), Map.entry("NL", 18), Map.entry("NO", 15),
            Map.entry("PL", 28), Map.entry("PT", 25), Map.entry("RO", 24), Map.entry("SE", 24),
            Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("TR", 26),
            Map.entry("SA", 24), Map.entry("AE", 23), Map.entry("IL", 23), Map.entry("BR", 29));

    public static List<Detection> iban(String text) {
      List<Detection> out = new ArrayList<>();
      Matcher m = IBAN.matcher(text);
      while (m.find()) {
        String compact = m.group(1).replace(" ", "");
        Integer expected = IBAN_LENGTHS.get(compact.substring(0, 2));
        // Known country: exact length; unknown country: checksum only, lower score.
        if (expected != null && expected != compact.length()) {
          // The group pattern may have swallowed a following word; try trimming to the length.
          continue;
        }
        if (!Checksums.iban(compact)) {
          continue;
        }
        out.add(new Detection("iban", "iban", m.start(1), m.end(1), expected != null ? 0.97 : 0.7));
      }
      return out;
    }

    private static final Pattern SSN =
        Pattern.compile("(?<![\\d\\-])(\\d{3})([\\- ])(\\d{2})\\2(\\d{4})(?![\\d\\-])");
    private static final Pattern SSN_BARE_WITH_CONTEXT =
        Pattern.compile("(?i)\\b(?:ssn|social security(?: number| no\\.?)?)\\s*(?:#|no\\.?|number)?\\s*[:=]?\\s*(\\d{9})\\b");

    /** US Social Security numbers (area, group and serial rules of the SSA). */
    public static List<Detection> ssn(String text) {
      List<Detection> out = new ArrayList<>();
      Matcher m = SSN.matcher(text);
      while (m.find()) {
        if (validSsn(m.group(1), m.group(3), m.group(4))) {
          out.add(new Detection("ssn", "us_ssn", m.start(), m.end(), m.group(2).equals("-") ? 0.9 : 0.7));
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
      return a != 0 && a != 666 && a < 900 && !group.equals("00") && !serial.equals("0000")
          && !(area + group + serial).equals("123456789");
    }

    // UK National Insurance number: two prefix letters (with the excluded combinations), six digits,
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
        Pattern.compile("(?<![\\w+])(?<!\\d\\s)\\+[1-9]\\d{0,2}(?:[ .\\-]?\\(?\\d{1,4}\\)?){2,5}(?![\\w])");
    private static final Pattern PHONE_NANP =
        Pattern.compile("(?<![\\w\\-.])(?<!\\d\\s)(?:\\(\\d{3}\\) ?|\\d{3}[\\-. ])\\d{3}[\\-. ]\\d{4}(?![\\w\\-])");
    private static final Pattern PHONE_NATIONAL =
        Pattern.compile("(?<![\\w\\-.])(?<!\\d\\s)0\\d{2,4}[ \\-/]\\d{3,4}[ \\-]?\\d{3,4}(?![\\w\\-])");

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
          out.add(new Detection("phone", "phone", m.start(), end, p == PHONE_INTL ? 0.9 : 0.75));
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

  /** Runs every entity detector over a text and resolves overlapping findings. */
  static final class Detectors {
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
}
