package io.gatehouse.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesAreArgon2idPhcStringsThatVerify() {
        String h = hasher.hash("correct horse battery staple");
        assertThat(h).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hasher.verify("correct horse battery staple", h)).isTrue();
        assertThat(hasher.verify("correct horse battery stapler", h)).isFalse();
    }

    @Test
    void saltsDiffer() {
        assertThat(hasher.hash("same")).isNotEqualTo(hasher.hash("same"));
    }

    @Test
    void malformedHashesNeverVerify() {
        assertThat(hasher.verify("x", "$2a$10$bcryptlooking")).isFalse();
        assertThat(hasher.verify("x", null)).isFalse();
    }

    @Test
    void apiKeySecretsAreLongRandomAndHashedStably() {
        String k = ApiKeySecrets.generate();
        assertThat(k).matches("gh_live_[0-9A-Za-z]{40}");
        assertThat(ApiKeySecrets.looksLikeKey(k)).isTrue();
        assertThat(ApiKeySecrets.hash(k)).hasSize(64).isEqualTo(ApiKeySecrets.hash(k));
        assertThat(ApiKeySecrets.prefix(k)).hasSize(12);
        assertThat(ApiKeySecrets.looksLikeKey("sk-not-ours")).isFalse();
        assertThat(ApiKeySecrets.looksLikeKey("gh_' OR 1=1 --xxxxxxxxxxxx")).isFalse();
    }
}
