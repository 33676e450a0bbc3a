package io.gatehouse.policy.internal.detect;

import java.util.ArrayList;
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
