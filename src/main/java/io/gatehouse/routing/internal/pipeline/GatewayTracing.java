package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.provider.ChatAnswer;
import io.gatehouse.routing.internal.provider.ProviderException;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.GatewayStage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The model gateway's spans (MicroProfile Telemetry; no-ops unless the operator enables the SDK
 * with the {@code OTEL_*} variables): one per stage call and one per provider attempt. Attempts
 * follow the OpenTelemetry GenAI semantic conventions, version 1.37.0 (still in development there):
 * span {@code chat {model}} of kind CLIENT with {@code gen_ai.operation.name}, {@code
 * gen_ai.provider.name}, {@code gen_ai.request.model}, {@code gen_ai.response.model}, {@code
 * gen_ai.usage.*} and {@code gen_ai.response.finish_reasons}. Content attributes (prompts, answers,
 * tool arguments) are never set: the spans leave the trust boundary of the audit trail.
 */
@ApplicationScoped
public class GatewayTracing {
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL =
            AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL =
            AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> INPUT_TOKENS =
            AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS =
            AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> CATALOG_PROVIDER =
            AttributeKey.stringKey("gatehouse.provider");
    static final AttributeKey<String> STAGE = AttributeKey.stringKey("gatehouse.stage");

    @Inject Tracer tracer;

    /**
     * Runs {@code call} on every stage, each inside its own span {@code gatehouse.stage <name>}.
     */
    void eachStage(
            List<GatewayStage> stages,
            String phase,
            GatewayExchange ex,
            Consumer<GatewayStage> call) {
        for (GatewayStage stage : stages) {
            String name = stageName(stage);
            Span span =
                    tracer.spanBuilder("gatehouse.stage " + name + " " + phase)
                            .setAttribute(STAGE, name)
                            .startSpan();
            try (Scope ignored = span.makeCurrent()) {
                call.accept(stage);
            } catch (RuntimeException e) {
                span.setStatus(StatusCode.ERROR);
                span.setAttribute(ERROR_TYPE, e.getClass().getSimpleName());
                throw e;
            } finally {
                span.end();
            }
        }
    }

    /** One provider attempt: the work inside runs with the span current (traceparent goes out). */
    <T> T attempt(String operation, Candidate c, Attempt<T> work) throws ProviderException {
        Span span = startAttempt(operation, c);
        try (Scope ignored = span.makeCurrent()) {
            T result = work.call();
            if (result instanceof JsonObject answer) {
                answered(span, answer);
            } else if (result instanceof ChatAnswer answer) {
                answered(span, answer.json());
            }
            return result;
        } catch (ProviderException e) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(ERROR_TYPE, e.kind().name().toLowerCase());
            throw e;
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(ERROR_TYPE, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * One streamed attempt: as {@link #attempt}, but when the work returns (the stream is open) the
     * span stays open, handed to the work, until {@link #streamEnded}: the usage and the finish
     * reasons arrive with the last chunks.
     */
    <T> T attemptStream(String operation, Candidate c, StreamAttempt<T> work)
            throws ProviderException {
        Span span = startAttempt(operation, c);
        try (Scope ignored = span.makeCurrent()) {
            return work.call(span);
        } catch (ProviderException e) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(ERROR_TYPE, e.kind().name().toLowerCase());
            span.end();
            throw e;
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(ERROR_TYPE, e.getClass().getSimpleName());
            span.end();
            throw e;
        }
    }

    /**
     * Ends a streamed attempt's span with what the stream reported: its usage chunk (if any), the
     * finish reasons of its choices and, when it broke off, the error type.
     */
    static void streamEnded(
            Span span, JsonObject usageChunk, List<String> finishReasons, String errorType) {
        if (usageChunk != null) {
            answered(span, usageChunk);
        }
        if (!finishReasons.isEmpty()) {
            span.setAttribute(FINISH_REASONS, List.copyOf(finishReasons));
        }
        if (errorType != null) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(ERROR_TYPE, errorType);
        }
        span.end();
    }

    private Span startAttempt(String operation, Candidate c) {
        String model = c.model().name();
        return tracer.spanBuilder(operation + " " + model)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(OPERATION, operation)
                .setAttribute(PROVIDER, providerName(c.provider().kind()))
                .setAttribute(REQUEST_MODEL, model)
                .setAttribute(CATALOG_PROVIDER, c.provider().name())
                .startSpan();
    }

    /** Work of one attempt. */
    interface Attempt<T> {
        T call() throws ProviderException;
    }

    /** Work of one streamed attempt, given the span it must leave open on success. */
    interface StreamAttempt<T> {
        T call(Span span) throws ProviderException;
    }

    /** Response attributes from an answer or a first stream chunk: model, usage, finish reasons. */
    static void answered(Span span, JsonObject answer) {
        if (answer.get("model") instanceof JsonString m) {
            span.setAttribute(RESPONSE_MODEL, m.getString());
        }
        if (answer.get("usage") instanceof JsonObject u) {
            if (u.get("prompt_tokens") instanceof jakarta.json.JsonNumber n) {
                span.setAttribute(INPUT_TOKENS, n.longValue());
            }
            if (u.get("completion_tokens") instanceof jakarta.json.JsonNumber n) {
                span.setAttribute(OUTPUT_TOKENS, n.longValue());
            }
        }
        if (answer.get("choices") instanceof JsonArray choices) {
            List<String> reasons = new ArrayList<>();
            for (JsonValue v : choices) {
                if (v instanceof JsonObject c && c.get("finish_reason") instanceof JsonString r) {
                    reasons.add(r.getString());
                }
            }
            if (!reasons.isEmpty()) {
                span.setAttribute(FINISH_REASONS, reasons);
            }
        }
    }

    /** The current trace's id (W3C, 32 hex digits), or null when tracing is off. */
    static String currentTraceId() {
        var ctx = Span.current().getSpanContext();
        return ctx.isValid() ? ctx.getTraceId() : null;
    }

    /** The semantic conventions' well-known provider names; others as {@code gatehouse.<kind>}. */
    static String providerName(String kind) {
        return switch (kind) {
            case "openai" -> "openai";
            case "anthropic" -> "anthropic";
            case "azure-openai", "azure_openai", "azure" -> "azure.ai.openai";
            default -> "gatehouse." + kind;
        };
    }

    /** A stage's class name without CDI proxy suffixes ({@code PolicyStage$Proxy$_$$_Weld...}). */
    static String stageName(GatewayStage stage) {
        String n = stage.getClass().getSimpleName();
        int dollar = n.indexOf('$');
        return dollar > 0 ? n.substring(0, dollar) : n;
    }
}
