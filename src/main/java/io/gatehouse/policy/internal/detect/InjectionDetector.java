package io.gatehouse.policy.internal.detect;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompt-injection and jailbreak heuristics with a score in 0..1, for English, German, French,
 * Spanish, Italian and Portuguese. Texts are canonicalized first ({@link TextNormalizer#canonical})
 * and base64 segments are decoded and inspected too, so homoglyphs, zero-width characters,
 * leetspeak, accents and encoding do not change the verdict. All messages are evaluated as one
 * text, so an attack split across messages still matches.
 *
 * <p>Two kinds of signals: phrase signals on the canonical text (letters and single spaces: which
 * words say "ignore your instructions", "reveal your system prompt", "I am the developer", ...) and
 * markup signals on the folded text with its punctuation (role labels such as {@code SYSTEM:},
 * {@code ###Instruction###}, HTML comments addressed to an AI, markdown images whose URL carries a
 * template placeholder or conversation data). Weak signals (a role label alone, a claim to be the
 * developer) stay below 0.5 on their own; an attack combines them.
 *
 * <p>Score: each matching signal has a weight w; the heuristic score is {@code 1 - prod(1 - w)}. A
 * learned classifier ({@link InjectionModel}, hashed character and word n-grams) generalizes beyond
 * the phrase lists; the score is the larger of the two, and the signal {@code model} says when the
 * classifier alone reached 0.5.
 */
public final class InjectionDetector {
    /** The verdict on a request's texts. */
    public record Result(double score, List<String> signals, boolean obfuscated) {}

    /**
     * One phrase heuristic on canonical text. {@code hints}: canonical-text literals of which every
     * match contains one; a text without any skips the regex. {@code anchored}: every match starts
     * with a hint, so the regex is only tried where a hint starts (most patterns begin with a long
     * word alternation, which is slow to try at every position).
     */
    record Signal(String name, Pattern pattern, double weight, String[] hints, boolean anchored) {}

    /**
     * One markup heuristic on folded text without accents. {@code needles}: literals of which every
     * match contains one ({@code anchored}: starts with one).
     */
    record MarkupSignal(
            String name, Pattern pattern, double weight, String[] needles, boolean anchored) {}

    /**
     * Every phrase signal, family by family (at most 64: {@link Keywords} keeps one bit per
     * signal).
     */
    private static final List<Signal> SIGNALS =
            concat(
                    OverrideSignals.ALL,
                    PromptLeakSignals.ALL,
                    RolePlaySignals.ALL,
                    AuthoritySignals.ALL,
                    IndirectInjectionSignals.ALL,
                    ClassicSignals.ALL,
                    ExfiltrationSignals.ALL);

    private static final List<MarkupSignal> MARKUP = MarkupSignals.ALL;

    private static final Keywords HINTS =
            new Keywords(
                    SIGNALS.stream().map(Signal::hints).toList(),
                    SIGNALS.stream().map(s -> false).toList());

    private static final Keywords NEEDLES =
            new Keywords(
                    MARKUP.stream().map(MarkupSignal::needles).toList(),
                    MARKUP.stream().map(s -> false).toList());

    @SafeVarargs
    private static List<Signal> concat(List<Signal>... families) {
        List<Signal> all = new ArrayList<>();
        for (List<Signal> f : families) {
            all.addAll(f);
        }
        return List.copyOf(all);
    }

    /** The phrase signals, for tests. */
    static List<Signal> signals() {
        return SIGNALS;
    }

    /** The markup signals, for tests. */
    static List<MarkupSignal> markupSignals() {
        return MARKUP;
    }

    /** Bit i set: the hints allow signal i to match {@code canon}. */
    static long possibleSignals(String canon) {
        return HINTS.find(canon);
    }

    /** Bit i set: the needles allow markup signal i to match {@code plain}. */
    static long possibleMarkup(String plain) {
        return NEEDLES.find(plain);
    }

    /**
     * The names of the signals found in {@code texts}; {@code prefiltered} false runs every regex
     * over the whole text (for tests: the pre-filters must not change the result).
     */
    static Set<String> signalNames(List<String> texts, boolean prefiltered) {
        String joined = texts.size() == 1 ? texts.get(0) : String.join("\n", texts);
        Set<String> hits = new LinkedHashSet<>();
        inspect(TextNormalizer.fold(joined), hits, prefiltered, null);
        for (String v : TextNormalizer.decodedSegments(joined)) {
            inspect(TextNormalizer.fold(v), hits, prefiltered, null);
        }
        return hits;
    }

    private InjectionDetector() {}

    /** Scores the concatenation of {@code texts} (the request's messages in order). */
    public static Result score(List<String> texts) {
        return score(texts, InjectionModel.standard());
    }

    /**
     * The name of the signal reported when the model's probability reaches {@link
     * #MODEL_THRESHOLD}.
     */
    public static final String MODEL_SIGNAL = "model";

    static final double MODEL_THRESHOLD = 0.5;

    /**
     * Scores with {@code model}: the heuristic score (1 - prod(1 - w) over the signals found) and
     * the model's probability (the highest over the text and its decoded base64 segments) are
     * combined by taking the larger, chosen on the validation split (docs/policy.md).
     */
    static Result score(List<String> texts, InjectionModel model) {
        String joined = texts.size() == 1 ? texts.get(0) : String.join("\n", texts);
        List<String> decoded = TextNormalizer.decodedSegments(joined);
        Set<String> hits = new LinkedHashSet<>();
        String joinedFolded = TextNormalizer.fold(joined);
        double p = inspect(joinedFolded, hits, true, model);
        for (String v : decoded) {
            p = Math.max(p, inspect(TextNormalizer.fold(v), hits, true, model));
        }
        double keep = 1.0;
        for (Signal s : SIGNALS) {
            if (hits.contains(s.name())) {
                keep *= 1 - s.weight();
            }
        }
        for (MarkupSignal s : MARKUP) {
            if (hits.contains(s.name())) {
                keep *= 1 - s.weight();
            }
        }
        if (p >= MODEL_THRESHOLD) {
            hits.add(MODEL_SIGNAL);
        }
        double score = Math.round(Math.max(1 - keep, p) * 1000) / 1000.0;
        if (hits.isEmpty()) {
            // Nothing found: nothing was hidden either.
            return new Result(score, List.of(), false);
        }
        boolean obfuscated =
                !decoded.isEmpty() || !joinedFolded.equals(joined.toLowerCase(Locale.ROOT));
        return new Result(score, List.copyOf(hits), obfuscated);
    }

    /**
     * Adds the signals found in one variant (already folded) of the text; returns the model's
     * probability for it (0 when {@code model} is null).
     */
    private static double inspect(
            String folded, Set<String> hits, boolean prefiltered, InjectionModel model) {
        String canon = TextNormalizer.canonicalOfFolded(folded);
        // Phrase signals start at a word (canonical text is words and single spaces).
        int[][] starts = prefiltered ? HINTS.starts(canon, true) : null;
        for (int i = 0; i < SIGNALS.size(); i++) {
            Signal s = SIGNALS.get(i);
            if (matches(s.pattern(), canon, starts, i, s.anchored())) {
                hits.add(s.name());
            }
        }
        String plain = TextNormalizer.withoutAccents(folded);
        int[][] at = prefiltered ? NEEDLES.starts(plain, false) : null;
        for (int i = 0; i < MARKUP.size(); i++) {
            MarkupSignal s = MARKUP.get(i);
            if (matches(s.pattern(), plain, at, i, s.anchored())) {
                hits.add(s.name());
            }
        }
        return model == null ? 0.0 : model.probability(canon, plain);
    }

    /**
     * Whether {@code p} matches {@code text}: anywhere when {@code starts} is null, else not at all
     * when no keyword of group {@code group} occurs, only where one starts when {@code anchored}.
     */
    private static boolean matches(
            Pattern p, String text, int[][] starts, int group, boolean anchored) {
        if (starts == null) {
            return p.matcher(text).find();
        }
        int[] at = starts[group];
        if (at.length == 0) {
            return false;
        }
        Matcher m = p.matcher(text);
        if (!anchored) {
            return m.find();
        }
        // Transparent bounds: look-behinds still see the text before the region.
        m.useTransparentBounds(true).useAnchoringBounds(false);
        for (int pos : at) {
            m.region(pos, text.length());
            if (m.lookingAt()) {
                return true;
            }
        }
        return false;
    }
}
