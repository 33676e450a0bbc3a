package io.gatehouse.routing.internal.provider;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.HashMap;
import java.util.Map;

/**
 * W3C Trace Context for provider calls: when the current span (the attempt's) is being traced, the
 * provider gets a {@code traceparent} naming it, so a self-hosted model server that traces joins
 * the same trace. Written here rather than with the SDK's propagator: one header, no vendor state.
 */
final class TraceHeaders {
    private TraceHeaders() {}

    static Map<String, String> withTraceparent(Map<String, String> headers) {
        SpanContext ctx = Span.current().getSpanContext();
        if (!ctx.isValid()) {
            return headers;
        }
        Map<String, String> out = new HashMap<>(headers);
        out.put("traceparent", traceparent(ctx));
        return out;
    }

    static String traceparent(SpanContext ctx) {
        return "00-" + ctx.getTraceId() + "-" + ctx.getSpanId() + "-" + ctx.getTraceFlags().asHex();
    }
}
