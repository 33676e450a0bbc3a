package io.gatehouse.policy.internal.detect;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The entity types detectors report, with their redaction placeholders. */
public enum EntityType {
    EMAIL("[EMAIL]"),
    PHONE("[PHONE]"),
    CARD("[CARD]"),
    IBAN("[IBAN]"),
    SSN("[SSN]"),
    NINO("[NATIONAL_ID]"),
    IP("[IP]"),
    SECRET("[SECRET]");

    private final String placeholder;
    private final String wireName;

    EntityType(String placeholder) {
        this.placeholder = placeholder;
        this.wireName = name().toLowerCase(Locale.ROOT);
    }

    private static final List<String> WIRE_NAMES =
            java.util.Arrays.stream(values()).map(EntityType::wireName).toList();

    /** Name used in rules and audit details, e.g. {@code email}. */
    public String wireName() {
        return wireName;
    }

    public String placeholder() {
        return placeholder;
    }

    public static Optional<EntityType> fromWireName(String name) {
        for (EntityType t : values()) {
            if (t.wireName().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public static List<String> wireNames() {
        return WIRE_NAMES;
    }
}
