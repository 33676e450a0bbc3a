package io.gatehouse.policy.internal.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A model-based guard a policy declares (docs/policy.md, "Model-based guards"): which route to ask,
 * how, within what time, and what an unanswered guard means.
 *
 * @param name the name rules use: {@code guard.<name>.score}
 * @param route the route alias in the tenant's catalog
 * @param kind {@code classifier}, {@code moderation} or {@code judge}
 * @param timeoutMs the hard time budget of one call
 * @param onError what a failed or late guard means: allow, deny or flag
 * @param messages {@code user} (the users' messages) or {@code all} (every message)
 * @param cacheSeconds how long a verdict is reused for the same text (0: never)
 * @param maxChars longer text is not sent; it counts as an error (onError decides)
 * @param positiveLabels classifier: the labels whose probability is the score
 * @param rubric judge: the fixed instructions
 * @param labels judge: the labels the answer may use (empty: any)
 */
public record GuardSpec(
        String name,
        String route,
        String kind,
        int timeoutMs,
        OnError onError,
        String messages,
        int cacheSeconds,
        int maxChars,
        List<String> positiveLabels,
        String rubric,
        List<String> labels) {

    public enum OnError {
        ALLOW,
        DENY,
        FLAG;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public GuardSpec {
        positiveLabels = List.copyOf(positiveLabels);
        labels = List.copyOf(labels);
    }

    /**
     * A digest of everything that shapes the verdict: cached verdicts of an earlier configuration
     * are never reused.
     */
    public String configHash() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String s =
                    String.join(
                            "\u0000",
                            name,
                            route,
                            kind,
                            messages,
                            String.valueOf(maxChars),
                            String.join(",", positiveLabels),
                            rubric == null ? "" : rubric,
                            String.join(",", labels));
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
