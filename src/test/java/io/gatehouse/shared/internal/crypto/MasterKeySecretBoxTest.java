package io.gatehouse.shared.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MasterKeySecretBoxTest {
    static final String K1 = Base64.getEncoder().encodeToString(new byte[32]);
    static final String K2 =
            Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void sealsAndOpensBoundToContext() {
        MasterKeySecretBox box = new MasterKeySecretBox(K1);
        String sealed = box.seal("s3cret".getBytes(StandardCharsets.UTF_8), "provider:openai");
        assertThat(sealed).startsWith("v1:").doesNotContain("s3cret");
        assertThat(new String(box.open(sealed, "provider:openai"), StandardCharsets.UTF_8))
                .isEqualTo("s3cret");
        assertThatThrownBy(() -> box.open(sealed, "provider:other"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sealingIsRandomized() {
        MasterKeySecretBox box = new MasterKeySecretBox(K1);
        assertThat(box.seal(new byte[] {1}, "c")).isNotEqualTo(box.seal(new byte[] {1}, "c"));
    }

    @Test
    void tamperingIsDetected() {
        MasterKeySecretBox box = new MasterKeySecretBox(K1);
        String sealed = box.seal("x".getBytes(), "c");
        char last = sealed.charAt(sealed.length() - 3);
        String altered =
                sealed.substring(0, sealed.length() - 3)
                        + (last == 'A' ? 'B' : 'A')
                        + sealed.substring(sealed.length() - 2);
        assertThatThrownBy(() -> box.open(altered, "c"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rotationOpensOldValuesAndSealsWithTheNewKey() {
        String old = new MasterKeySecretBox(K1).seal("v".getBytes(), "c");
        MasterKeySecretBox rotated = new MasterKeySecretBox(K2, K1);
        assertThat(rotated.open(old, "c")).isEqualTo("v".getBytes());
        assertThat(rotated.needsReseal(old)).isTrue();
        assertThat(rotated.needsReseal(rotated.seal("v".getBytes(), "c"))).isFalse();
        assertThatThrownBy(() -> new MasterKeySecretBox(K2).open(old, "c"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not configured");
    }

    @Test
    void rejectsWeakKeys() {
        assertThatThrownBy(
                        () ->
                                new MasterKeySecretBox(
                                        Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 bytes");
    }
}
