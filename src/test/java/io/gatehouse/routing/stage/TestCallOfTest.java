package io.gatehouse.routing.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class TestCallOfTest {
    @Test
    void namesTheChangeTheRevisionAndTheContentHash() {
        UUID id = UUID.randomUUID();
        assertThat(new TestCallOf(id, 3, "ab12").details())
                .containsExactly(
                        java.util.Map.entry("testCallOf", id.toString()),
                        java.util.Map.entry("testCallRevision", 3),
                        java.util.Map.entry("testCallContentSha256", "ab12"));
        assertThatThrownBy(() -> new TestCallOf(id, 0, "ab12"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TestCallOf(null, 1, "ab12"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
