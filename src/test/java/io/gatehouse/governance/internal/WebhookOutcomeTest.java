package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import org.junit.jupiter.api.Test;

class WebhookOutcomeTest {
    @Test
    void statusCodesBecomeClasses() {
        assertThat(WebhookOutcome.ofStatus(204).wireName()).isEqualTo("delivered");
        assertThat(WebhookOutcome.ofStatus(302).wireName()).isEqualTo("http_error_3xx");
        assertThat(WebhookOutcome.ofStatus(404).wireName()).isEqualTo("http_error_4xx");
        assertThat(WebhookOutcome.ofStatus(503).wireName()).isEqualTo("http_error_5xx");
    }

    @Test
    void failuresBecomeClassesWithoutExceptionNames() {
        assertThat(WebhookOutcome.ofFailure(new HttpTimeoutException("x")).wireName())
                .isEqualTo("timeout");
        assertThat(WebhookOutcome.ofFailure(new HttpConnectTimeoutException("x")).wireName())
                .isEqualTo("connection_failed");
        assertThat(WebhookOutcome.ofFailure(new ConnectException("x")).wireName())
                .isEqualTo("connection_failed");
        assertThat(WebhookOutcome.ofFailure(new IOException("x")).wireName())
                .isEqualTo("connection_failed");
    }
}
