package io.gatehouse.policy.internal.engine;

import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What one rule evaluation may spend, per thread (CEL evaluates synchronously on the caller's
 * thread): the characters, bytes and list elements the bounded functions produce, and, on the test
 * bench only, a deadline. Values are per evaluation; the deadline spans a whole bench run.
 */
public final class EvaluationLimits {
    /**
     * Characters, bytes and list elements one rule evaluation may produce in total
     * (docs/policy.md).
     */
    public static final long MAX_PRODUCED = 1_048_576;

    private static final ThreadLocal<EvaluationLimits> CURRENT =
            ThreadLocal.withInitial(EvaluationLimits::new);

    /**
     * The run's deadline passed; the whole run stops (not a rule error that onError could absorb).
     */
    public static final class TimeLimitExceeded extends RuntimeException {
        TimeLimitExceeded() {
            super("time limit exceeded", null, false, false);
        }
    }

    private long produced;
    private boolean active;
    private LongSupplier ticker;
    private long deadline;

    private EvaluationLimits() {}

    /**
     * Runs {@code work} with a deadline on this thread: an evaluation still running when {@code
     * ticker} passes {@code deadlineNanos} stops with {@link TimeLimitExceeded}.
     */
    public static <T> T withDeadline(LongSupplier ticker, long deadlineNanos, Supplier<T> work) {
        EvaluationLimits l = CURRENT.get();
        LongSupplier previousTicker = l.ticker;
        long previousDeadline = l.deadline;
        l.ticker = ticker;
        l.deadline = deadlineNanos;
        try {
            return work.get();
        } finally {
            l.ticker = previousTicker;
            l.deadline = previousDeadline;
        }
    }

    /** Throws {@link TimeLimitExceeded} when a deadline is set on this thread and has passed. */
    public static void checkDeadline() {
        CURRENT.get().throwIfPastDeadline();
    }

    static EvaluationLimits current() {
        return CURRENT.get();
    }

    /** Starts one evaluation; returns what to hand to {@link #end}. */
    long begin() {
        long saved = active ? produced : -1;
        produced = 0;
        active = true;
        return saved;
    }

    void end(long saved) {
        active = saved >= 0;
        produced = Math.max(saved, 0);
    }

    /** A listener for CEL's trace mode, or null when no deadline is set (plain eval is cheaper). */
    CelEvaluationListener deadlineListener() {
        if (ticker == null) {
            return null;
        }
        return (CelExpr expr, Object value) -> throwIfPastDeadline();
    }

    void throwIfPastDeadline() {
        if (ticker != null && ticker.getAsLong() - deadline > 0) {
            throw new TimeLimitExceeded();
        }
    }

    /**
     * Counts what a bounded function produced; fails the evaluation above {@link #MAX_PRODUCED}.
     */
    static void charge(String function, long units) throws CelEvaluationException {
        EvaluationLimits l = CURRENT.get();
        if (!l.active || units <= 0) {
            return;
        }
        l.produced += units;
        if (l.produced > MAX_PRODUCED) {
            throw new CelEvaluationException(
                    function
                            + ": the rule produced more than "
                            + MAX_PRODUCED
                            + " characters, bytes and list elements in one evaluation (the bound)");
        }
    }
}
