package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.GatewayUsage;
import io.gatehouse.edge.UsageLimits;
import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The request's accounting: admission against the key's limits, and at the end the single record of
 * what happened: one audit event (durable on return), the metrics, and the settlement of the
 * admission with what was used (guard traffic included). {@link #close} is the only way a call
 * ends; the pipeline reaches it once for an answer or an error, the SSE relay once per stream.
 */
@ApplicationScoped
public class CallRecord {
    private static final Logger LOG = Logger.getLogger(CallRecord.class.getName());

    @Inject AuditRecorder audit;
    @Inject UsageLimits limits;
    @Inject GatewayMetrics metrics;
    @Inject GuardCalls guards;

    /**
     * Admits the call against the key's rate limits and budgets (throws 429 when over); an
     * evaluation's call also against the tenant's evaluation share of them.
     */
    void admit(Call call, long estimatedTokens, long estimatedCostMicros) {
        call.admission = admission(call, estimatedTokens, estimatedCostMicros);
        // what the limits reserved: at least one micro, none for a call spending nothing
        // (UsageLimits.admit)
        call.reservedCostMicros =
                estimatedTokens <= 0 && estimatedCostMicros <= 0
                        ? 0
                        : Math.max(1, estimatedCostMicros);
    }

    private io.gatehouse.edge.Admission admission(Call call, long tokens, long costMicros) {
        return call.evaluationOf != null
                ? limits.admitEvaluation(call.key, tokens, costMicros)
                : limits.admit(call.key, tokens, costMicros);
    }

    /** Whether the tenant has a daily or monthly cost budget. */
    boolean hasBudget(io.gatehouse.shared.TenantId tenant) {
        io.gatehouse.edge.Budgets b = limits.budgets(tenant);
        return b != null && (b.dailyMicros() != null || b.monthlyMicros() != null);
    }

    /**
     * Whether the call may cost {@code costMicros} (a stream's running cost, or its settled cost):
     * true while its reservation covers it; beyond, the reservation grows by at least a quarter of
     * what admission reserved (few extensions for a long stream), or by exactly what is missing
     * when that larger step no longer fits. False when the tenant's budgets have no room for it:
     * the relay ends the stream. A call not admitted (nothing reserved) is not checked here.
     */
    boolean budgetAllows(Call call, long costMicros) {
        if (call.admission == null || costMicros <= call.reservedCostMicros) {
            return true;
        }
        long missing = costMicros - call.reservedCostMicros;
        long step = Math.max(missing, Math.max(1, call.reservedCostMicros / 4));
        long added = limits.extend(call.admission, step, missing);
        call.reservedCostMicros += added;
        return added > 0;
    }

    /**
     * Records the call's one audit event and its metrics, and settles its admission: before the
     * audit write when the client got (or walked away from) an answer, after it otherwise. Does
     * nothing the second time. Throws what the audit write threw (audit unavailable: 503).
     */
    void close(Call call) {
        if (call.recorded) {
            return;
        }
        call.recorded = true;
        if (call.status < 400 || call.status == 499) {
            settle(call);
        }
        try {
            record(call);
        } finally {
            settle(call);
        }
    }

    /** The error the client gets for {@code e}, with the call's response headers. */
    GatehouseException withHeaders(Call call, GatehouseException e) {
        Map<String, String> headers = new LinkedHashMap<>(headers(call));
        headers.putAll(e.headers());
        return new GatehouseException(e.status(), e.code(), e.getMessage(), e.param(), headers);
    }

    /** The gateway's response headers: limits, route, provider and model, cache, the stages'. */
    Map<String, String> headers(Call call) {
        Map<String, String> h = new LinkedHashMap<>();
        if (call.admission != null) {
            h.putAll(call.admission.headers());
        }
        if (call.alias != null) {
            h.put("x-gatehouse-route", call.alias);
        }
        if (call.candidate != null) {
            h.put("x-gatehouse-provider", call.candidate.provider().name());
            h.put("x-gatehouse-model", call.candidate.model().name());
        }
        if (call.cacheHit) {
            h.put("x-gatehouse-cache", "hit");
        }
        if (call.exchange != null) {
            h.putAll(call.exchange.responseHeaders());
        }
        return h;
    }

    private void settle(Call call) {
        if (call.settled) {
            return;
        }
        GuardCalls.Usage guard = guards.usage(call.exchange);
        if (call.admission == null && guard.costMicros() + guard.inputTokens() > 0) {
            // Refused before admission (e.g. a policy deny) after guard calls: their cost still
            // counts against the tenant's budget.
            try {
                call.admission = admission(call, 0, 0);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Guard usage of " + call.requestId + " not admitted", e);
            }
        }
        if (call.admission != null) {
            call.settled = true;
            try {
                limits.settle(
                        call.admission,
                        call.inputTokens
                                + call.outputTokens
                                + guard.inputTokens()
                                + guard.outputTokens(),
                        call.costMicros + guard.costMicros());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not settle usage of " + call.requestId, e);
            }
        }
    }

    /**
     * Operators see provider trouble in the log: one line per request that had a failed attempt
     * (names, results and statuses only; the line carries the request id as {@code ext_requestId}).
     */
    private static void logFailedAttempts(Call call) {
        if (call.attempts.stream().allMatch(a -> "ok".equals(a.result()))) {
            return;
        }
        StringBuilder sb = new StringBuilder("Provider attempts for route ").append(call.route);
        for (Failover.AttemptRecord a : call.attempts) {
            sb.append("; ").append(a.provider()).append('/').append(a.model()).append(": ");
            sb.append(a.result());
            if (a.status() > 0) {
                sb.append(" (HTTP ").append(a.status()).append(')');
            }
        }
        LOG.info(sb.toString());
    }

    /**
     * The metrics' {@code traffic} label: {@code evaluation} for an evaluation run's call, {@code
     * test_call} for a person's test call through a draft, else {@code production}.
     */
    static String trafficOf(Call call) {
        if (call.evaluationOf != null) {
            return GatewayMetrics.EVALUATION;
        }
        return call.testCallOf != null ? GatewayMetrics.TEST_CALL : GatewayMetrics.PRODUCTION;
    }

    /** The audit event (durable on return) and the metrics of the finished call. */
    private void record(Call call) {
        GatewayExchange ex = call.exchange;
        AuditEvent.Outcome outcome =
                call.status < 400
                        ? AuditEvent.Outcome.SUCCESS
                        : call.status == 403
                                        || (call.errorCode != null
                                                && call.errorCode.startsWith("policy"))
                                ? AuditEvent.Outcome.DENIED
                                : call.status >= 500
                                        ? AuditEvent.Outcome.ERROR
                                        : AuditEvent.Outcome.FAILURE;
        AuditEvent.Builder b =
                (call.actor == null
                                ? AuditEvent.of(
                                                call.key.tenant(),
                                                "api_key",
                                                call.key.id().toString(),
                                                "gateway.request")
                                        .actorName(call.key.name(), List.of())
                                : AuditEvent.by(call.actor, "gateway.request"))
                        .target("route", call.alias != null ? call.alias : call.requestedModel)
                        .outcome(outcome)
                        .requestId(call.requestId)
                        .detail("operation", call.operation)
                        .detail("stream", call.streamed);
        if (call.endpoint != null) {
            b.detail("endpoint", call.endpoint);
        }
        if (call.passthrough != null) {
            b.detail("passthrough", call.passthrough);
        }
        if (call.clientRequestId != null) {
            b.detail(RequestIds.CLIENT_DETAIL, call.clientRequestId);
        }
        if (call.traceId != null) {
            b.detail("trace.id", call.traceId);
        }
        if (call.requestedModel != null && !call.requestedModel.equals(call.alias)) {
            b.detail("requestedModel", call.requestedModel);
        }
        if (call.errorCode != null) {
            b.detail("error", call.errorCode);
        }
        if (call.budgetCut) {
            b.detail("budget", "exhausted_mid_stream");
        }
        if (!call.attempts.isEmpty()) {
            b.detail(
                    "attempts", call.attempts.stream().map(Failover.AttemptRecord::toMap).toList());
            logFailedAttempts(call);
        }
        GuardCalls.Usage guard = guards.usage(ex);
        if (ex != null) {
            b.details(ex.auditDetails());
            if (guard.calls() > 0) {
                b.detail("guard_traffic", guard.toMap());
            }
        }
        // the draft a person's call tests, also when it failed before its exchange existed;
        // last, so no stage's or call's key takes its place
        if (call.testCallOf != null) {
            b.details(call.testCallOf.details());
        }
        // likewise the evaluation run an evaluation's call belongs to
        if (call.evaluationOf != null) {
            b.details(call.evaluationOf.details());
        }
        Candidate c = call.candidate;
        b.usage(
                new GatewayUsage(
                        call.key.id().toString(),
                        call.alias,
                        c == null ? null : c.provider().name(),
                        c == null ? null : c.model().name(),
                        c == null ? null : c.provider().region(),
                        call.status,
                        call.inputTokens,
                        call.outputTokens,
                        call.estimated,
                        // Guard traffic is part of what the request cost (budgets are read from
                        // this); its tokens stay apart, in details.guard_traffic.
                        call.costMicros + guard.costMicros(),
                        call.elapsedMs(),
                        call.providerLatencyMs,
                        call.ttftMs,
                        call.cacheHit,
                        call.streamed,
                        // what the stages reported, by lineage key; audit stores each one
                        ex == null ? Map.of() : ex.stageVersions()));
        int status = call.status;
        try {
            audit.record(b.build());
        } catch (GatehouseException e) {
            status = e.status(); // what the client gets instead (audit unavailable: 503)
            throw e;
        } finally {
            metrics.record(
                    new GatewayMetrics.Finished(
                            call.key.tenant(),
                            call.route,
                            c == null ? null : c.provider().name(),
                            status,
                            System.nanoTime() - call.startNanos,
                            call.ttftMs,
                            call.inputTokens,
                            call.outputTokens,
                            call.costMicros,
                            call.cacheHit,
                            call.attempts,
                            trafficOf(call)));
        }
    }
}
