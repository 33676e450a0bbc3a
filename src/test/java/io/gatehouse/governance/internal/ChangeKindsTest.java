package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.governance.ContentDiff;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The rule every kind with a secret field shares, before the kind's own validation. */
class ChangeKindsTest {
    static final TenantId T = new TenantId(UUID.randomUUID());

    /** A kind whose {@code credential} is secret, counting how often its own validation ran. */
    static final class SecretKind extends NoteKind {
        final AtomicInteger validated = new AtomicInteger();

        @Override
        public Set<String> secretFields() {
            return Set.of("credential");
        }

        @Override
        public JsonObject validate(TenantId tenant, String target, JsonObject content) {
            validated.incrementAndGet();
            return content;
        }
    }

    @Test
    void theMaskAChangeShowsIsRefusedAsASecretBeforeTheKindSeesIt() {
        SecretKind kind = new SecretKind();
        JsonObject masked = Json.createObjectBuilder().add("credential", ContentDiff.MASK).build();
        assertThatThrownBy(() -> ChangeKinds.validated(kind, T, "crm", masked))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.param()).isEqualTo("content.credential"));
        assertThat(kind.validated).hasValue(0);

        // a real value, an omitted field and null reach the kind's own validation
        JsonObject real = Json.createObjectBuilder().add("credential", "sk-real").build();
        assertThat(ChangeKinds.validated(kind, T, "crm", real)).isEqualTo(real);
        JsonObject omitted = Json.createObjectBuilder().add("url", "https://x.test").build();
        assertThat(ChangeKinds.validated(kind, T, "crm", omitted)).isEqualTo(omitted);
        JsonObject removed = Json.createObjectBuilder().addNull("credential").build();
        assertThat(ChangeKinds.validated(kind, T, "crm", removed)).isEqualTo(removed);
        assertThat(kind.validated).hasValue(3);

        // a field that is not secret may hold the same text
        JsonObject note = Json.createObjectBuilder().add("text", ContentDiff.MASK).build();
        assertThat(ChangeKinds.validated(kind, T, "crm", note)).isEqualTo(note);
    }
}
