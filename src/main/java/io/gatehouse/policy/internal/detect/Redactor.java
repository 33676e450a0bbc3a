package io.gatehouse.policy.internal.detect;

import java.util.List;
import java.util.Set;

/** Replaces findings with typed placeholders such as {@code [EMAIL]}. */
public final class Redactor {
    private Redactor() {}

    /**
     * {@code text} with every finding whose type is in {@code types} replaced by its placeholder.
     */
    public static String redact(String text, List<Detection> findings, Set<String> types) {
        if (findings.isEmpty()) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length());
        int pos = 0;
        for (Detection d : findings) {
            if (!types.contains(d.type()) || d.start() < pos) {
                continue;
            }
            b.append(text, pos, d.start());
            b.append(placeholder(d.type()));
            pos = d.end();
        }
        b.append(text, pos, text.length());
        return b.toString();
    }

    public static String placeholder(String type) {
        return EntityType.fromWireName(type).map(EntityType::placeholder).orElse("[REDACTED]");
    }
}
