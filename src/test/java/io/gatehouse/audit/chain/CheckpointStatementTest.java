package io.gatehouse.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CheckpointStatementTest {
    @Test
    void signaturesCoverEveryFieldAndKeysRoundTrip() throws Exception {
        KeyPair k = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String id = CheckpointStatement.keyIdOf(k.getPublic().getEncoded());
        CheckpointStatement st =
                new CheckpointStatement(
                        "platform", 7, "ab".repeat(32), 7, "2026-11-27T05:00:00Z", id);
        String sig = st.sign(k.getPrivate());
        var pub =
                CheckpointStatement.publicKey(
                        Base64.getEncoder().encodeToString(k.getPublic().getEncoded()));
        assertThat(st.verify(pub, sig)).isTrue();
        assertThat(
                        new CheckpointStatement("platform", 6, st.headHash(), 7, st.time(), id)
                                .verify(pub, sig))
                .isFalse();
        assertThat(
                        new CheckpointStatement("platform", 7, "cd".repeat(32), 7, st.time(), id)
                                .verify(pub, sig))
                .isFalse();
        assertThat(
                        new CheckpointStatement("platform", 7, st.headHash(), 8, st.time(), id)
                                .verify(pub, sig))
                .isFalse();
        assertThat(
                        new CheckpointStatement("other", 7, st.headHash(), 7, st.time(), id)
                                .verify(pub, sig))
                .isFalse();
        assertThat(st.verify(pub, "garbage")).isFalse();
        assertThat(id).startsWith("ed25519:").hasSize(8 + 16);
    }
}
