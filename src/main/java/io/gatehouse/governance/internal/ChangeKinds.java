package io.gatehouse.governance.internal;

import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.ContentDiff;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The kinds of change this installation knows: the CDI beans other modules implement {@link
 * ChangeKind} with, found by name. Its own bean, so that the state machine, the read side and the
 * approval settings all ask it and none of them asks another.
 */
@ApplicationScoped
public class ChangeKinds {
    /** What a kind's name looks like. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

    @Inject @Any Instance<ChangeKind> kinds;

    /** The names of the known kinds, sorted. */
    Set<String> names() {
        Set<String> out = new TreeSet<>();
        for (ChangeKind k : kinds) {
            out.add(k.kind());
        }
        return out;
    }

    /** The kind called {@code name}, if this installation knows it. */
    java.util.Optional<ChangeKind> find(String name) {
        for (ChangeKind k : kinds) {
            if (k.kind().equals(name)) {
                return java.util.Optional.of(k);
            }
        }
        return java.util.Optional.empty();
    }

    /** The kind called {@code name}; 400 naming the known ones when there is none. */
    ChangeKind named(String name) {
        for (ChangeKind k : kinds) {
            if (k.kind().equals(name)) {
                return k;
            }
        }
        throw new ValidationException(
                "kind",
                "Unknown kind of change '" + name + "'; known: " + String.join(", ", names()));
    }

    /**
     * The kind's validation, after refusing a secret field that holds the mask a change shows in
     * its place: the change's own content sent back would otherwise make the mask the secret.
     */
    static JsonObject validated(ChangeKind k, TenantId tenant, String target, JsonObject content) {
        for (String field : k.secretFields()) {
            if (content.get(field) instanceof JsonString s
                    && s.getString().equals(ContentDiff.MASK)) {
                throw new ValidationException(
                        "content." + field,
                        field
                                + " is the mask a change shows instead of the secret: omit it to"
                                + " keep the live value, or send the new one");
            }
        }
        return k.validate(tenant, target, content);
    }
}
