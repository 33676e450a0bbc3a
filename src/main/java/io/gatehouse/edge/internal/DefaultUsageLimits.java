package io.gatehouse.edge.internal;

import io.gatehouse.edge.Admission;
import io.gatehouse.edge.ClientKey;
import io.gatehouse.edge.UsageLimits;
import io.gatehouse.edge.internal.persistence.JpaIdentity;
import io.gatehouse.edge.internal.persistence.LimitLeaseRows;
import io.gatehouse.edge.internal.persistence.TenantLimitsEntity;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.SchemaReady;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.RateLimitedException;
import io.gatehouse.shared.error.ServiceUnavailableException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Requests and tokens per minute per key and per tenant, and cost budgets per UTC day and month per
 * tenant, exact for all instances together through leased slices ({@link LeasedLimiter}). Tokens
 * and cost are reserved from an estimate before the call (the gateway's upper bound: estimated
 * input plus max output tokens, priced at the dearest candidate) and settled with the real usage
 * after it: a request is admitted only if its reservation fits in what finished requests used and
 * requests in flight reserved; what it did not use goes back; real usage beyond its reservation is
 * charged even past the limit (the provider did the work).
 *
 * <p>An evaluation's call ({@link #admitEvaluation}, issue 23) also takes from the tenant's
 * evaluation share: buckets of their own ({@code tenant:<id>:eval:rpm}, {@code :eval:tpm}, {@code
 * :eval:cost:day|month}) limited to a percentage of each of the tenant's ({@link EvaluationShare}),
 * taken first, so a call over the share takes nothing from the tenant's.
 *
 * <p>Long on purpose: admission, settlement, the drain loop and the change-feed invalidation all
 * work on the same buckets and reservations; split apart they would share most of their state.
 */
@ApplicationScoped
public class DefaultUsageLimits implements UsageLimits {
    public static final String TOPIC = "tenant-limits";
    private static final Logger LOG = Logger.getLogger(DefaultUsageLimits.class.getName());

    @Resource ManagedScheduledExecutorService scheduler;

    @Inject LimitLeaseRows leases;
    @Inject ApiKeyRegistry keys;
    @Inject JpaIdentity identity;
    @Inject MetricRegistry metrics;
    @Inject TenantCache tenants;

    @Inject
    @ConfigProperty(name = "gatehouse.limits.tenant.rpm", defaultValue = "6000")
    long defaultTenantRpm;

    @Inject
    @ConfigProperty(name = "gatehouse.limits.tenant.tpm", defaultValue = "2000000")
    long defaultTenantTpm;

    @Inject
    @ConfigProperty(name = "gatehouse.limits.person.test-calls-per-minute", defaultValue = "10")
    long personTestCallsPerMinute;

    @Inject
    @ConfigProperty(name = "gatehouse.limits.instances", defaultValue = "2")
    int expectedInstances;

    /** The share of each limit and budget evaluation runs may use when the tenant names none. */
    @Inject
    @ConfigProperty(name = "gatehouse.limits.evaluation-share-percent", defaultValue = "10")
    int defaultEvaluationShare = EvaluationShare.DEFAULT_PERCENT;

    private LeasedLimiter limiter;
    private final ConcurrentHashMap<TenantId, Optional<TenantLimitsEntity>> tenantLimits =
            new ConcurrentHashMap<>();

    /**
     * gatehouse_limiter_decisions_total{outcome}: the label's only values (alert rules use them).
     */
    public static final String DECISIONS = "gatehouse_limiter_decisions";

    public static final String ALLOWED = "allowed";
    public static final String REFUSED = "refused";

    private Counter allowed;
    private Counter refused;
    private volatile long lastForget;
    private ScheduledFuture<?> settler;

    /** What to settle after the call; a stream's cost reservation grows ({@link #extend}). */
    static final class Reservation {
        final List<LeasedLimiter.Bucket> tokenBuckets;
        final long reservedTokens;
        final List<LeasedLimiter.Bucket> budgets;
        private long reservedCostMicros;

        Reservation(
                List<LeasedLimiter.Bucket> tokenBuckets,
                long reservedTokens,
                List<LeasedLimiter.Bucket> budgets,
                long reservedCostMicros) {
            this.tokenBuckets = tokenBuckets;
            this.reservedTokens = reservedTokens;
            this.budgets = budgets;
            this.reservedCostMicros = reservedCostMicros;
        }

        synchronized long reservedCostMicros() {
            return reservedCostMicros;
        }

        synchronized void reservedMore(long micros) {
            reservedCostMicros += micros;
        }
    }

    @PostConstruct
    void init() {
        limiter =
                new LeasedLimiter(
                        new LeasedLimiter.Leaser() {
                            @Override
                            public LimitLeaseRows.Lease lease(
                                    String subject,
                                    Instant window,
                                    long limit,
                                    long take,
                                    long want,
                                    long unused,
                                    long release) {
                                return leases.lease(
                                        subject, window, limit, take, want, unused, release);
                            }

                            @Override
                            public List<LimitLeaseRows.Window> drainsRequested() {
                                return leases.drainsRequested();
                            }

                            @Override
                            public void charge(String subject, Instant window, long amount) {
                                leases.charge(subject, window, amount);
                            }
                        },
                        expectedInstances);
        allowed = metrics.counter(DECISIONS, new Tag("outcome", ALLOWED));
        refused = metrics.counter(DECISIONS, new Tag("outcome", REFUSED));
    }

    /** Gives back slices other instances asked for, so no quota sits idle here they need. */
    void startSettling(@Observes SchemaReady ready) {
        settler =
                scheduler.scheduleWithFixedDelay(
                        this::settleRequested,
                        LeasedLimiter.SETTLE_PERIOD_MS,
                        LeasedLimiter.SETTLE_PERIOD_MS,
                        TimeUnit.MILLISECONDS);
    }

    private void settleRequested() {
        try {
            limiter.settleRequested();
        } catch (RuntimeException e) {
            // the database is away: the slices are settled on a later run
            LOG.log(Level.FINE, "Could not give back limit slices", e);
        }
    }

    @PreDestroy
    void stop() {
        if (settler != null) {
            settler.cancel(false);
        }
        try {
            limiter.settleAll();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not give back limit slices on stop", e);
        }
    }

    @Override
    public Map<String, String> currentHeaders(ClientKey key) {
        Instant now = Instant.now();
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        long reset = Math.max(1, Duration.between(now, minute.plusSeconds(60)).toSeconds());
        MinuteBuckets m = minuteBuckets(key, minute, limits(key.tenant()));
        return headers(m.requests(), m.tokens(), reset);
    }

    /** A key's request and token buckets of one minute: its tenant's, and its own if it has any. */
    private record MinuteBuckets(
            List<LeasedLimiter.Bucket> requests, List<LeasedLimiter.Bucket> tokens) {}

    /** The buckets admission takes from, and so the ones the rate-limit headers describe. */
    private MinuteBuckets minuteBuckets(
            ClientKey key, Instant minute, Optional<TenantLimitsEntity> tl) {
        Optional<ApiKeyRegistry.ActiveKey> active = keys.recent(key.id());
        long tenantRpm = tenantRpm(tl);
        long tenantTpm = tenantTpm(tl);
        List<LeasedLimiter.Bucket> req = new ArrayList<>();
        List<LeasedLimiter.Bucket> tok = new ArrayList<>();
        req.add(limiter.bucket("tenant:" + key.tenant() + ":rpm", minute, tenantRpm));
        tok.add(limiter.bucket("tenant:" + key.tenant() + ":tpm", minute, tenantTpm));
        active.map(ApiKeyRegistry.ActiveKey::rpm)
                .ifPresent(r -> req.add(limiter.bucket("key:" + key.id() + ":rpm", minute, r)));
        active.map(ApiKeyRegistry.ActiveKey::tpm)
                .ifPresent(t -> tok.add(limiter.bucket("key:" + key.id() + ":tpm", minute, t)));
        return new MinuteBuckets(req, tok);
    }

    private long tenantRpm(Optional<TenantLimitsEntity> tl) {
        return tl.map(TenantLimitsEntity::rpmLimit)
                .map(Integer::longValue)
                .orElse(defaultTenantRpm);
    }

    private long tenantTpm(Optional<TenantLimitsEntity> tl) {
        return tl.map(TenantLimitsEntity::tpmLimit)
                .map(Integer::longValue)
                .orElse(defaultTenantTpm);
    }

    /** Marks the buckets of the evaluation share (refusals name it: evaluation_*). */
    static final String EVALUATION = ":eval:";

    /**
     * The evaluation share's buckets of this minute and of the tenant's budgets (issue 23): the
     * tenant's request, token and budget buckets' subjects with {@link #EVALUATION} in them, each
     * limited to the share of the tenant's limit. Leased like every bucket, so exact across
     * instances.
     */
    private List<LeasedLimiter.Bucket> evaluationShare(
            TenantId tenant,
            Instant minute,
            Optional<TenantLimitsEntity> tl,
            List<LeasedLimiter.Bucket> tenantBudgets,
            String which) {
        int pct =
                EvaluationShare.percent(
                        tl.map(TenantLimitsEntity::evaluationSharePercent).orElse(null),
                        defaultEvaluationShare);
        String prefix = "tenant:" + tenant + EVALUATION;
        return switch (which) {
            case "rpm" ->
                    List.of(
                            limiter.bucket(
                                    prefix + "rpm",
                                    minute,
                                    EvaluationShare.of(tenantRpm(tl), pct)));
            case "tpm" ->
                    List.of(
                            limiter.bucket(
                                    prefix + "tpm",
                                    minute,
                                    EvaluationShare.of(tenantTpm(tl), pct)));
            default ->
                    tenantBudgets.stream()
                            .map(
                                    b ->
                                            limiter.bucket(
                                                    b.subject.replace(
                                                            "tenant:" + tenant + ":", prefix),
                                                    b.window,
                                                    EvaluationShare.of(b.limit, pct)))
                            .toList();
        };
    }

    private static List<LeasedLimiter.Bucket> concat(
            List<LeasedLimiter.Bucket> first, List<LeasedLimiter.Bucket> then) {
        List<LeasedLimiter.Bucket> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }

    @Override
    public void admitPersonCall(java.util.UUID person) {
        Instant now = Instant.now();
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        forgetOldWindows(minute);
        long reset = Math.max(1, Duration.between(now, minute.plusSeconds(60)).toSeconds());
        LeasedLimiter.Bucket b =
                limiter.bucket("person:" + person + ":rpm", minute, personTestCallsPerMinute);
        boolean taken;
        try {
            taken = limiter.take(b, 1);
        } catch (IllegalStateException dbDown) {
            throw new ServiceUnavailableException(
                    "limits_unavailable", "Rate limits cannot be checked right now");
        }
        if (!taken) {
            refused.inc();
            throw new RateLimitedException(
                    "rate_limit_exceeded",
                    "Rate limit of "
                            + personTestCallsPerMinute
                            + " test calls per minute reached for this person; retry in "
                            + reset
                            + "s",
                    Map.of("Retry-After", String.valueOf(reset)));
        }
    }

    @Override
    public Admission admit(ClientKey key, long estimatedTokens, long estimatedCostMicros) {
        return admit(key, estimatedTokens, estimatedCostMicros, false);
    }

    @Override
    public Admission admitEvaluation(
            ClientKey key, long estimatedTokens, long estimatedCostMicros) {
        // no credential of a suspended tenant gets past the authentication filter; its
        // evaluation runs have none, so they stop here (from memory; fails closed with 503)
        if (tenants.isSuspended(key.tenant())) {
            refused.inc();
            throw new io.gatehouse.shared.error.ForbiddenException(
                    "tenant_suspended",
                    "The tenant is suspended: its evaluation runs call nothing");
        }
        return admit(key, estimatedTokens, estimatedCostMicros, true);
    }

    /**
     * Admission against the key's and tenant's buckets and, for an evaluation's call, first against
     * the evaluation share's (so a call over the share takes nothing from the tenant's). Settlement
     * and extension then work on all of them alike.
     */
    private Admission admit(
            ClientKey key, long estimatedTokens, long estimatedCostMicros, boolean evaluation) {
        Instant now = Instant.now();
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        forgetOldWindows(minute);
        long reset = Math.max(1, Duration.between(now, minute.plusSeconds(60)).toSeconds());
        Optional<TenantLimitsEntity> tl = limits(key.tenant());
        long tokens = Math.max(1, estimatedTokens);
        // at least one micro, so that a spent budget stops even a request priced at nothing; a
        // request that spends no tokens at all (a token count) costs nothing and is not stopped
        long cost = reservedCost(estimatedTokens, estimatedCostMicros);

        MinuteBuckets minuteBuckets = minuteBuckets(key, minute, tl);
        List<LeasedLimiter.Bucket> requestBuckets = minuteBuckets.requests();
        List<LeasedLimiter.Bucket> tokenBuckets = minuteBuckets.tokens();
        List<LeasedLimiter.Bucket> budgets = budgetBuckets(key.tenant(), tl, now);
        if (evaluation) {
            requestBuckets =
                    concat(
                            evaluationShare(key.tenant(), minute, tl, budgets, "rpm"),
                            requestBuckets);
            tokenBuckets =
                    concat(evaluationShare(key.tenant(), minute, tl, budgets, "tpm"), tokenBuckets);
            budgets = concat(evaluationShare(key.tenant(), minute, tl, budgets, "cost"), budgets);
        }

        List<LeasedLimiter.Bucket> takenBudgets = new ArrayList<>();
        List<LeasedLimiter.Bucket> taken = new ArrayList<>();
        List<LeasedLimiter.Bucket> takenTokens = new ArrayList<>();
        try {
            for (LeasedLimiter.Bucket b : cost == 0 ? List.<LeasedLimiter.Bucket>of() : budgets) {
                if (!limiter.take(b, cost)) {
                    takenBudgets.forEach(t -> limiter.giveBack(t, cost));
                    refused.inc();
                    long until =
                            b.subject.contains(":day")
                                    ? secondsToNextDay(now)
                                    : secondsToNextMonth(now);
                    String period = b.subject.contains(":day") ? "day" : "month";
                    if (b.subject.contains(EVALUATION)) {
                        throw new RateLimitedException(
                                "evaluation_budget_exceeded",
                                "The evaluation share ("
                                        + b.limit
                                        + " micro-units) of the tenant's cost budget for this "
                                        + period
                                        + " is spent, or too little is left for this call",
                                Map.of("Retry-After", String.valueOf(until)));
                    }
                    throw new RateLimitedException(
                            "insufficient_quota",
                            "The tenant's cost budget for this "
                                    + period
                                    + " is spent, or too little is left for this request",
                            Map.of("Retry-After", String.valueOf(until)));
                }
                takenBudgets.add(b);
            }
            for (LeasedLimiter.Bucket b : requestBuckets) {
                if (!limiter.take(b, 1)) {
                    takenBudgets.forEach(t -> limiter.giveBack(t, cost));
                    taken.forEach(t -> limiter.giveBack(t, 1));
                    refused.inc();
                    throw limited("requests", b, reset, requestBuckets, tokenBuckets);
                }
                taken.add(b);
            }
            for (LeasedLimiter.Bucket b : tokenBuckets) {
                if (!limiter.take(b, tokens)) {
                    takenBudgets.forEach(t -> limiter.giveBack(t, cost));
                    taken.forEach(t -> limiter.giveBack(t, 1));
                    takenTokens.forEach(t -> limiter.giveBack(t, tokens));
                    refused.inc();
                    throw limited("tokens", b, reset, requestBuckets, tokenBuckets);
                }
                takenTokens.add(b);
            }
        } catch (IllegalStateException dbDown) {
            throw new ServiceUnavailableException(
                    "limits_unavailable", "Rate limits cannot be checked right now");
        }
        allowed.inc();
        return new Admission(
                new Reservation(tokenBuckets, tokens, budgets, cost),
                tokens,
                headers(requestBuckets, tokenBuckets, reset));
    }

    /** What admission reserves against budgets ({@link UsageLimits#admit}). */
    private static long reservedCost(long estimatedTokens, long estimatedCostMicros) {
        return estimatedTokens <= 0 && estimatedCostMicros <= 0
                ? 0
                : Math.max(1, estimatedCostMicros);
    }

    @Override
    public void settle(Admission admission, long actualTokens, long costMicros) {
        if (!(admission.reservation() instanceof Reservation r)) {
            return;
        }
        try {
            long diff = actualTokens - r.reservedTokens;
            for (LeasedLimiter.Bucket b : r.tokenBuckets) {
                if (diff < 0) {
                    limiter.giveBack(b, -diff);
                } else if (diff > 0) {
                    limiter.spend(b, diff);
                }
            }
            long costDiff = costMicros - r.reservedCostMicros();
            for (LeasedLimiter.Bucket b : r.budgets) {
                if (costDiff < 0) {
                    limiter.giveBack(b, -costDiff);
                } else if (costDiff > 0) {
                    limiter.spend(b, costDiff);
                }
            }
        } catch (IllegalStateException dbDown) {
            // The request is answered already; the next admission fails closed if the database is
            // down.
        }
    }

    @Override
    public boolean extend(Admission admission, long moreCostMicros) {
        if (!(admission.reservation() instanceof Reservation r) || moreCostMicros <= 0) {
            return true;
        }
        if (take(r, moreCostMicros)) {
            return true;
        }
        refused.inc();
        return false;
    }

    @Override
    public long extend(Admission admission, long moreCostMicros, long atLeastMicros) {
        if (!(admission.reservation() instanceof Reservation r) || moreCostMicros <= 0) {
            return moreCostMicros;
        }
        if (take(r, moreCostMicros)) {
            return moreCostMicros;
        }
        if (atLeastMicros > 0 && atLeastMicros < moreCostMicros && take(r, atLeastMicros)) {
            return atLeastMicros;
        }
        refused.inc(); // once per refused extension, not per size tried
        return 0;
    }

    /** Takes {@code moreCostMicros} from every budget of the reservation, or nothing. */
    private boolean take(Reservation r, long moreCostMicros) {
        List<LeasedLimiter.Bucket> taken = new ArrayList<>(r.budgets.size());
        try {
            for (LeasedLimiter.Bucket b : r.budgets) {
                if (!limiter.take(b, moreCostMicros)) {
                    break;
                }
                taken.add(b);
            }
            if (taken.size() == r.budgets.size()) {
                r.reservedMore(moreCostMicros);
                return true;
            }
        } catch (IllegalStateException dbDown) {
            // fails closed, as admission does: a budget that cannot be checked grants nothing more
            LOG.log(Level.FINE, "Could not extend a reservation", dbDown);
        }
        try {
            taken.forEach(t -> limiter.giveBack(t, moreCostMicros));
        } catch (IllegalStateException dbDown) {
            LOG.log(Level.FINE, "Could not give back a refused extension", dbDown);
        }
        return false;
    }

    @Override
    public io.gatehouse.edge.Budgets budgets(TenantId tenant) {
        Optional<TenantLimitsEntity> l = limits(tenant);
        return new io.gatehouse.edge.Budgets(
                l.map(TenantLimitsEntity::dailyBudgetMicros).orElse(null),
                l.map(TenantLimitsEntity::monthlyBudgetMicros).orElse(null));
    }

    private RateLimitedException limited(
            String what,
            LeasedLimiter.Bucket hit,
            long reset,
            List<LeasedLimiter.Bucket> req,
            List<LeasedLimiter.Bucket> tok) {
        Map<String, String> h = new LinkedHashMap<>(headers(req, tok, reset));
        h.put("Retry-After", String.valueOf(reset));
        String scope = hit.subject.startsWith("key:") ? "API key" : "tenant";
        if (hit.subject.contains(EVALUATION)) {
            return new RateLimitedException(
                    "evaluation_rate_limited",
                    "The evaluation share of "
                            + hit.limit
                            + " "
                            + what
                            + " per minute of this tenant's limit is used; retry in "
                            + reset
                            + "s",
                    h);
        }
        return new RateLimitedException(
                "rate_limit_exceeded",
                "Rate limit of "
                        + hit.limit
                        + " "
                        + what
                        + " per minute reached for this "
                        + scope
                        + "; retry in "
                        + reset
                        + "s",
                h);
    }

    private Map<String, String> headers(
            List<LeasedLimiter.Bucket> req, List<LeasedLimiter.Bucket> tok, long reset) {
        Map<String, String> h = new LinkedHashMap<>();
        LeasedLimiter.Bucket r = tightest(req);
        LeasedLimiter.Bucket t = tightest(tok);
        h.put("x-ratelimit-limit-requests", String.valueOf(r.limit));
        h.put(
                "x-ratelimit-remaining-requests",
                String.valueOf(Math.max(0, r.limit - limiter.approximatelyUsed(r))));
        h.put("x-ratelimit-reset-requests", reset + "s");
        h.put("x-ratelimit-limit-tokens", String.valueOf(t.limit));
        h.put(
                "x-ratelimit-remaining-tokens",
                String.valueOf(Math.max(0, t.limit - limiter.approximatelyUsed(t))));
        h.put("x-ratelimit-reset-tokens", reset + "s");
        return h;
    }

    private LeasedLimiter.Bucket tightest(List<LeasedLimiter.Bucket> buckets) {
        LeasedLimiter.Bucket best = buckets.get(0);
        for (LeasedLimiter.Bucket b : buckets) {
            if (b.limit - limiter.approximatelyUsed(b)
                    < best.limit - limiter.approximatelyUsed(best)) {
                best = b;
            }
        }
        return best;
    }

    private List<LeasedLimiter.Bucket> budgetBuckets(
            TenantId tenant, Optional<TenantLimitsEntity> tl, Instant now) {
        List<LeasedLimiter.Bucket> out = new ArrayList<>(2);
        if (tl.isEmpty()) {
            return out;
        }
        LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate();
        Long daily = tl.get().dailyBudgetMicros();
        Long monthly = tl.get().monthlyBudgetMicros();
        if (daily != null) {
            out.add(
                    limiter.bucket(
                            "tenant:" + tenant + ":cost:day",
                            day.atStartOfDay(ZoneOffset.UTC).toInstant(),
                            daily));
        }
        if (monthly != null) {
            out.add(
                    limiter.bucket(
                            "tenant:" + tenant + ":cost:month",
                            day.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                            monthly));
        }
        return out;
    }

    private Optional<TenantLimitsEntity> limits(TenantId tenant) {
        return tenantLimits.computeIfAbsent(tenant, t -> identity.limits(t.value()));
    }

    private void forgetOldWindows(Instant minute) {
        long now = System.currentTimeMillis();
        if (now - lastForget > 60_000) {
            lastForget = now;
            limiter.forgetEnded(minute);
        }
    }

    static long secondsToNextDay(Instant now) {
        LocalDate d = now.atZone(ZoneOffset.UTC).toLocalDate().plusDays(1);
        return Math.max(
                1, Duration.between(now, d.atStartOfDay(ZoneOffset.UTC).toInstant()).toSeconds());
    }

    static long secondsToNextMonth(Instant now) {
        LocalDate d = now.atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1).plusMonths(1);
        return Math.max(
                1, Duration.between(now, d.atStartOfDay(ZoneOffset.UTC).toInstant()).toSeconds());
    }

    void onChange(@Observes ChangeFeed.Invalidated change) {
        if (TOPIC.equals(change.topic())) {
            if (change.tenant() == null) {
                tenantLimits.clear();
            } else {
                tenantLimits.remove(change.tenant());
            }
        }
    }
}
