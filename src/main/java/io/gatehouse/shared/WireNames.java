package io.gatehouse.shared;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Parses the wire name of an enum constant (the lower-case name APIs and tokens use), ignoring case
 * and surrounding blanks: one lookup for every enum that has a {@code fromWireName}.
 */
public final class WireNames {
    private WireNames() {}

    public static <E extends Enum<E>> Optional<E> parse(
            Class<E> type, Function<E, String> wireName, String text) {
        if (text == null) {
            return Optional.empty();
        }
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (wireName.apply(e).equals(wanted)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
