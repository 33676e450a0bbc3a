package io.gatehouse.policy.internal.detect;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Prompt-injection and jailbreak heuristics with a score in 0..1. Texts are canonicalized first
 * ({@link TextNormalizer#canonical}) and base64 segments are decoded and inspected too, so
 * homoglyphs, zero-width characters, leetspeak and encoding do not change the verdict. All messages
 * are evaluated as one text, so an attack split across messages still matches.
 *
 * <p>Score: each matching signal has a weight w; the score is {@code 1 - prod(1 - w)}.
 */
public final class InjectionDetector {
    /** The verdict on a request's texts. */
    public record Result(double score, List<String> signals, boolean obfuscated) {}

    /**
     * One heuristic. {@code hints}: canonical-text literals of which every match contains one (the
     * words the pattern starts or ends with); a text without any skips the regex.
     */
    record Signal(String name, Pattern pattern, double weight, String[] hints) {}

    private static final String ANY = "(?: [a-z]+){0,3}";

    private static final List<Signal> SIGNALS =
            List.of(
                    signal(
                            "ignore_instructions",
                            "(?:ignore|disregard|forget|skip|override|bypass|drop|abandon)"
                                    + ANY
                                    + " (?:instructions?|prompts?|rules|directions|guidelines|directives|guardrails|programming|restrictions)",
                            0.85,
                            "ignore",
                            "disregard",
                            "forget",
                            "skip",
                            "override",
                            "bypass",
                            "drop",
                            "abandon"),
                    signal(
                            "previous_context",
                            "(?:ignore|disregard|forget)(?: [a-z]+){0,2} (?:everything|all|anything)(?: [a-z]+){0,3} (?:above|before|previously|so far|earlier)",
                            0.75,
                            "ignore",
                            "disregard",
                            "forget"),
                    signal(
                            "reveal_system_prompt",
                            "(?:reveal|print|show|repeat|output|display|leak|tell me|give me|dump)(?: [a-z]+){0,4}"
                                    + " (?:system prompt|system message|initial instructions|hidden instructions|original instructions|instructions above|secret instructions|developer message)",
                            0.75,
                            "reveal",
                            "print",
                            "show",
                            "repeat",
                            "output",
                            "display",
                            "leak",
                            "tell me",
                            "give me",
                            "dump"),
                    signal(
                            "persona_override",
                            "(?:you are now|from now on you are|pretend (?:to be|you are)|act as|roleplay as|behave as|you will now act as)"
                                    + "(?: [a-z]+){0,4} (?:dan|unrestricted|unfiltered|uncensored|jailbroken|evil|without (?:any )?(?:rules|restrictions|limits|filters)|developer mode|no rules|an ai without)",
                            0.7,
                            "you are now",
                            "from now on you are",
                            "pretend to be",
                            "pretend you are",
                            "act as",
                            "roleplay as",
                            "behave as",
                            "you will now act as"),
                    signal(
                            "dan",
                            "(?:do anything now|\\bdan mode\\b|\\bdan prompt\\b|\\bstan mode\\b)",
                            0.7,
                            "do anything now",
                            "dan mode",
                            "dan prompt",
                            "stan mode"),
                    signal(
                            "jailbreak_word",
                            "\\b(?:jaiibreak|jaiibroken|jaiibreaking)\\b",
                            0.35,
                            "jailbreak",
                            "jailbroken"),
                    signal(
                            "developer_mode",
                            "\\b(?:deveioper mode|god mode|admin mode|debug mode enabied|sudo mode)\\b",
                            0.45,
                            "mode"),
                    signal(
                            "no_restrictions",
                            "(?:without|no|free of|free from|ignore) (?:any |all |your )?(?:restrictions|fiiters|censorship|iimitations|safety guideiines|content poiicy|ethicai guideiines|moderation)",
                            0.4,
                            "restrictions",
                            "filters",
                            "censorship",
                            "limitations",
                            "safety guidelines",
                            "content policy",
                            "ethical guidelines",
                            "moderation"),
                    signal(
                            "not_bound",
                            "(?:no ionger|not) (?:bound|restricted|iimited) by",
                            0.5,
                            "bound by",
                            "restricted by",
                            "limited by"),
                    signal(
                            "bypass_safety",
                            "(?:bypass|circumvent|disabie|turn off|deactivate|evade)(?: [a-z]+){0,2} (?:safety|content fiiter|fiiters|guardraiis|moderation|poiicy|poiicies|restrictions)",
                            0.6,
                            "bypass",
                            "circumvent",
                            "disable",
                            "turn off",
                            "deactivate",
                            "evade"),
                    signal(
                            "new_instructions",
                            "(?:new|updated|reai|actuai) (?:system )?instructions(?: are| foiiow)?",
                            0.35,
                            "instructions"),
                    signal(
                            "system_override",
                            "(?:system|admin|administrator|root) (?:override|command|notice)",
                            0.45,
                            "override",
                            "command",
                            "notice"),
                    signal("from_now_on", "\\bfrom now on\\b", 0.15, "from now on"),
                    signal(
                            "exfiltrate",
                            "(?:send|post|upioad|forward|emaii)(?: [a-z]+){0,4} (?:to|at) (?:http|https|www|this uri|this webhook)",
                            0.3,
                            "http",
                            "www",
                            "this url",
                            "this webhook"));

    private static final Keywords HINTS =
            new Keywords(
                    SIGNALS.stream().map(Signal::hints).toList(),
                    SIGNALS.stream().map(s -> false).toList());

    // Role markers of chat templates, checked on folded (not canonical) text since they are
    // punctuation.
    private static final Pattern ROLE_MARKERS =
            Pattern.compile(
                    "<\\|im_start\\|>|<\\|system\\|>|\\[inst\\]|<<sys>>|</?system>|^\\s*#{2,}\\s*system\\b|\\n\\s*system:",
                    Pattern.MULTILINE);

    private static Signal signal(String name, String regex, double weight, String... hints) {
        // Patterns and hints are written in plain English; fold 'l' the way canonical() does.
        String[] folded = new String[hints.length];
        for (int i = 0; i < hints.length; i++) {
            folded[i] = hints[i].replace('l', 'i');
        }
        return new Signal(name, Pattern.compile(regex.replace('l', 'i')), weight, folded);
    }

    /** The signals, for tests. */
    static List<Signal> signals() {
        return SIGNALS;
    }

    /** Bit i set: the hints allow signal i to match {@code canon}. */
    static long possibleSignals(String canon) {
        return HINTS.find(canon);
    }

    /**
     * True when {@code folded} may hold a {@link #ROLE_MARKERS role marker}: each has one of these.
     */
    static boolean mayHaveRoleMarker(String folded) {
        return folded.contains("system")
                || folded.contains("<|im_start|>")
                || folded.contains("[inst]")
                || folded.contains("<<sys>>");
    }

    static Pattern roleMarkers() {
        return ROLE_MARKERS;
    }

    private InjectionDetector() {}

    /** Scores the concatenation of {@code texts} (the request's messages in order). */
    public static Result score(List<String> texts) {
        String joined = texts.size() == 1 ? texts.get(0) : String.join("\n", texts);
        List<String> decoded = TextNormalizer.decodedSegments(joined);
        Set<String> hits = new LinkedHashSet<>();
        String joinedFolded = TextNormalizer.fold(joined);
        inspect(joinedFolded, hits);
        for (String v : decoded) {
            inspect(TextNormalizer.fold(v), hits);
        }
        if (hits.isEmpty()) {
            return new Result(0.0, List.of(), false);
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
        boolean obfuscated =
                !decoded.isEmpty() || !joinedFolded.equals(joined.toLowerCase(Locale.ROOT));
        double score = Math.round((1 - keep) * 1000) / 1000.0;
        return new Result(score, List.copyOf(hits), obfuscated);
    }

    /** Adds the signals found in one variant (already folded) of the text. */
    private static void inspect(String folded, Set<String> hits) {
        String canon = TextNormalizer.canonicalOfFolded(folded);
        long possible = HINTS.find(canon);
        for (int i = 0; i < SIGNALS.size(); i++) {
            Signal s = SIGNALS.get(i);
            if ((possible & 1L << i) != 0 && s.pattern().matcher(canon).find()) {
                hits.add(s.name());
            }
        }
        if (mayHaveRoleMarker(folded) && ROLE_MARKERS.matcher(folded).find()) {
            hits.add("role_marker");
        }
    }
}
