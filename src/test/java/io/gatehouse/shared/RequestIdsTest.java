package io.gatehouse.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdsTest {
    @Test
    void keepsOnlySafeClientIds() {
        assertThat(RequestIds.acceptClientId("abc-123_x.y:z")).isEqualTo("abc-123_x.y:z");
        assertThat(RequestIds.acceptClientId(null)).isNull();
        assertThat(RequestIds.acceptClientId("bad id\r\nInjected: yes")).isNull();
        assertThat(RequestIds.acceptClientId("nul\u0000")).isNull();
        assertThat(RequestIds.acceptClientId("x".repeat(129))).isNull();
    }

    @Test
    void generatedIdsDiffer() {
        assertThat(RequestIds.generate()).matches("req_[0-9a-f]{24}");
        assertThat(RequestIds.generate()).isNotEqualTo(RequestIds.generate());
    }

    @Test
    void theClientIdBelongsOnlyToTheRequestTheThreadServes() {
        RequestIds.enter("req_1", "client-1");
        try {
            assertThat(RequestIds.clientIdOf("req_1")).isEqualTo("client-1");
            assertThat(RequestIds.clientIdOf("req_2")).isNull();
            assertThat(RequestIds.clientIdOf(null)).isNull();
        } finally {
            RequestIds.leave();
        }
        assertThat(RequestIds.clientIdOf("req_1")).isNull();
    }
}
