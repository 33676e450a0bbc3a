package io.gatehouse.governance.internal;

import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.EvaluationAnswer;
import io.gatehouse.governance.EvaluationCall;
import io.gatehouse.governance.EvaluationGateway;
import io.gatehouse.governance.EvaluationOf;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * The gateway calls of an evaluation run, one step each, under MicroProfile Fault Tolerance: a
 * bound time per call ({@code @Timeout}; a hanging provider makes the case {@code error}, it does
 * not hold the run), a few retries when the tenant's evaluation share is momentarily spent ({@code
 * evaluation_rate_limited}, transient by nature; nothing else is retried: a call that reached a
 * provider is not repeated), and a cap on the evaluation calls one instance makes at once
 * ({@code @Bulkhead}) whatever the number of runs.
 */
@ApplicationScoped
public class EvaluationSteps {
    static final String RATE_LIMITED = "evaluation_rate_limited";

    /** Evaluation calls one instance makes at once (the runs per instance are capped to it). */
    static final int BULKHEAD = 8;

    @Inject EvaluationGateway gateway;

    /** Thrown for a rate-limited answer so that {@code @Retry} retries it; carries the answer. */
    public static final class RateLimited extends RuntimeException {
        private final transient Object answer;

        RateLimited(Object answer) {
            super(RATE_LIMITED, null, false, false);
            this.answer = answer;
        }

        Object answer() {
            return answer;
        }
    }

    @Timeout(value = 120, unit = ChronoUnit.SECONDS)
    @Retry(
            retryOn = RateLimited.class,
            maxRetries = 3,
            delay = 2,
            delayUnit = ChronoUnit.SECONDS,
            jitter = 500,
            jitterDelayUnit = ChronoUnit.MILLIS)
    @Bulkhead(BULKHEAD)
    public EvaluationAnswer evaluate(ChangeKind kind, EvaluationCall call) {
        // each attempt is its own gateway request (its own id, audit event and lineage)
        return retryIfLimited(
                kind.evaluate(
                        new EvaluationCall(
                                call.tenant(),
                                RequestIds.generate(),
                                call.target(),
                                call.candidate(),
                                call.variables(),
                                call.messages(),
                                call.model(),
                                call.of())));
    }

    @Timeout(value = 120, unit = ChronoUnit.SECONDS)
    @Retry(
            retryOn = RateLimited.class,
            maxRetries = 3,
            delay = 2,
            delayUnit = ChronoUnit.SECONDS,
            jitter = 500,
            jitterDelayUnit = ChronoUnit.MILLIS)
    @Bulkhead(BULKHEAD)
    public EvaluationAnswer judge(TenantId tenant, JsonObject body, EvaluationOf of) {
        return retryIfLimited(gateway.chat(tenant, RequestIds.generate(), body, of));
    }

    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    @Retry(
            retryOn = RateLimited.class,
            maxRetries = 3,
            delay = 2,
            delayUnit = ChronoUnit.SECONDS,
            jitter = 500,
            jitterDelayUnit = ChronoUnit.MILLIS)
    @Bulkhead(BULKHEAD)
    public EvaluationGateway.Embeddings embed(
            TenantId tenant, String route, List<String> inputs, EvaluationOf of) {
        EvaluationGateway.Embeddings e =
                gateway.embed(tenant, RequestIds.generate(), route, inputs, of);
        if (e.status() == 429 && RATE_LIMITED.equals(e.errorCode())) {
            throw new RateLimited(e);
        }
        return e;
    }

    private static EvaluationAnswer retryIfLimited(EvaluationAnswer a) {
        if (a.status() == 429 && RATE_LIMITED.equals(a.errorCode())) {
            throw new RateLimited(a);
        }
        return a;
    }
}
