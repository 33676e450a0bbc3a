package io.gatehouse.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeySecretsTest {
    /**
     * Stored API keys are looked up by this hash: a change to it locks out every issued key. The
     * expected value was computed once independently of this code, with Python 3 ({@code
     * hashlib.sha256(b"gh_live_0123456789ABCDEFGHIJabcdefghij0123456789").hexdigest()}).
     */
    @Test
    void hashIsTheLowercaseHexSha256OfTheKeyKnownAnswer() {
        assertThat(ApiKeySecrets.hash("gh_live_0123456789ABCDEFGHIJabcdefghij0123456789"))
                .isEqualTo("f50bcad0e5ce79fb1cf9ae59f86607dc852e992a7e01f5e1fb9a8bc2e7df548f");
    }

    @Test
    void generatedKeysHaveTheDocumentedShapeAndPrefix() {
        String key = ApiKeySecrets.generate();
        assertThat(key).matches("gh_live_[0-9A-Za-z]{40}");
        assertThat(ApiKeySecrets.looksLikeKey(key)).isTrue();
        assertThat(ApiKeySecrets.prefix(key)).isEqualTo(key.substring(0, 12));
        assertThat(ApiKeySecrets.generate()).isNotEqualTo(key);
    }
}
