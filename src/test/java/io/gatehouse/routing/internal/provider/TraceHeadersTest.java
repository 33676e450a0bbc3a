package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The traceparent header sent to providers, against the W3C Trace Context example (a KAT). */
class TraceHeadersTest {
    @Test
    void traceparentIsTheW3cFormat() {
        SpanContext ctx =
                SpanContext.create(
                        "4bf92f3577b34da6a3ce929d0e0e4736",
                        "00f067aa0ba902b7",
                        TraceFlags.getSampled(),
                        TraceState.getDefault());
        assertThat(TraceHeaders.traceparent(ctx))
                .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @Test
    void withoutATracedSpanNothingIsAdded() {
        Map<String, String> h = Map.of("Authorization", "Bearer x");
        assertThat(TraceHeaders.withTraceparent(h)).isSameAs(h);
    }
}
