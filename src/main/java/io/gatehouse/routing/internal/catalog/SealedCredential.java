package io.gatehouse.routing.internal.catalog;

import io.gatehouse.shared.crypto.SecretBox;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code credential} field of a governed change whose target holds a secret (a provider, an
 * upstream MCP server): sealed when the change is validated, so that only sealed text is stored in
 * the change; compared by its plaintext for the change's risk; resolved when the change is applied.
 * A change without the field keeps the live credential; {@code "credential": null} removes it.
 * {@code context} is the target's sealing context (bound to tenant and target name).
 */
public final class SealedCredential {
    /** The content field that holds the credential. */
    public static final String FIELD = "credential";

    private static final int MAX_CHARS = 8192;

    private SealedCredential() {}

    /**
     * The credential of proposed content, sealed: plain text is sealed under {@code context}, text
     * already sealed for it is kept; null when the field is absent or null. 400 {@code
     * content.credential} for an empty, over-long or non-string credential.
     */
    public static String seal(SecretBox secrets, JsonObject content, String context) {
        if (content.get(FIELD) instanceof JsonString s) {
            if (isSealedFor(secrets, s.getString(), context)) {
                return s.getString();
            }
            if (s.getString().isBlank() || s.getString().length() > MAX_CHARS) {
                throw new ValidationException(
                        "content.credential", "credential must be 1.." + MAX_CHARS + " characters");
            }
            return secrets.seal(s.getString().getBytes(StandardCharsets.UTF_8), context);
        }
        if (content.containsKey(FIELD) && content.get(FIELD) != JsonValue.NULL) {
            throw new ValidationException(
                    "content.credential", "credential must be a string or null");
        }
        return null;
    }

    /**
     * The content as the change stores it: without the read-only {@code credentialSet}, and with
     * {@code sealed} (when not null) as its credential.
     */
    public static JsonObject stored(JsonObject content, String sealed) {
        var b = Json.createObjectBuilder(content).remove("credentialSet");
        if (sealed != null) {
            b.add(FIELD, sealed);
        }
        return b.build();
    }

    /**
     * Whether proposed content (which names a credential, or null) changes the {@code live} one: a
     * credential added, removed or with other plaintext; one that cannot be opened counts as
     * changed.
     */
    public static boolean changed(
            SecretBox secrets, JsonObject proposed, Optional<String> live, String context) {
        if (proposed.isNull(FIELD)) {
            return live.isPresent();
        }
        if (live.isEmpty()) {
            return true;
        }
        try {
            byte[] a = secrets.open(proposed.getString(FIELD), context);
            byte[] b = secrets.open(live.get(), context);
            return !Arrays.equals(a, b);
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * The sealed credential a change applies: its own (which must open under {@code context}), none
     * when it is null, else the live one ({@code live}, asked only then).
     */
    public static String applied(
            SecretBox secrets,
            JsonObject content,
            String context,
            Supplier<Optional<String>> live) {
        if (content.get(FIELD) instanceof JsonString s) {
            secrets.open(s.getString(), context); // must be ours
            return s.getString();
        }
        if (content.containsKey(FIELD)) {
            return null;
        }
        return live.get().orElse(null);
    }

    private static boolean isSealedFor(SecretBox secrets, String text, String context) {
        if (!text.startsWith("v1:")) {
            return false;
        }
        try {
            secrets.open(text, context);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
