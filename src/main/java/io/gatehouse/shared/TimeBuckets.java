package io.gatehouse.shared;

import io.gatehouse.shared.error.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The period and step of a time series ({@code ?from=&to=&step=}), validated once for every
 * statistics endpoint: bucket {@code i} covers {@code [from + i*step, from + (i+1)*step)}, the last
 * one cut at {@code to}. Defaults: {@code to} now, {@code from} 24 hours before, {@code step} one
 * hour. The period and the number of buckets are capped, so that no caller can make a query scan
 * years of events (the queries also run under a timeout, {@link StatsTimeout}). Used by the
 * statistics resources of routing, policy and governance and by audit's series queries.
 */
public record TimeBuckets(Instant from, Instant to, Duration step) {
    public static final Duration MIN_STEP = Duration.ofMinutes(1);
    public static final Duration MAX_STEP = Duration.ofDays(31);
    public static final int MAX_BUCKETS = 1000;
    public static final Duration MAX_PERIOD = Duration.ofDays(366);

    /** The parameters as every series endpoint documents them (OpenAPI). */
    public static final String DESCRIPTION =
            " from/to: ISO-8601 instants (default: the last 24 hours), at most 366 days apart; step:"
                    + " ISO-8601 duration PT1M..P31D (default PT1H), at most 1000 buckets; bucket i"
                    + " covers [from + i*step, from + (i+1)*step). tenant: another tenant's id,"
                    + " platform admins only. A query running longer than the statistics timeout"
                    + " (gatehouse.stats.query-timeout-seconds, default 10) is cancelled: 503"
                    + " stats_timeout.";

    /** Parses and validates the query parameters (400 naming the parameter at fault). */
    public static TimeBuckets parse(String from, String to, String step) {
        Instant t = blank(to) ? Instant.now().truncatedTo(ChronoUnit.SECONDS) : instant("to", to);
        Instant f = blank(from) ? t.minus(Duration.ofHours(24)) : instant("from", from);
        if (!f.isBefore(t)) {
            throw new ValidationException("from", "from must be before to");
        }
        if (Duration.between(f, t).compareTo(MAX_PERIOD) > 0) {
            throw new ValidationException(
                    "period_too_long",
                    "from",
                    "from..to spans more than "
                            + MAX_PERIOD.toDays()
                            + " days: choose a later from or an earlier to");
        }
        Duration s;
        if (blank(step)) {
            s = Duration.ofHours(1);
        } else {
            try {
                s = Duration.parse(step.trim());
            } catch (DateTimeParseException e) {
                throw new ValidationException(
                        "step", "step must be an ISO-8601 duration, e.g. PT1M, PT1H or P1D");
            }
        }
        if (s.compareTo(MIN_STEP) < 0 || s.compareTo(MAX_STEP) > 0) {
            throw new ValidationException("step", "step must be between PT1M and P31D");
        }
        if (s.getNano() != 0) {
            throw new ValidationException("step", "step must be a whole number of seconds");
        }
        long span = Duration.between(f, t).getSeconds();
        long buckets = (span + s.getSeconds() - 1) / s.getSeconds();
        if (buckets > MAX_BUCKETS) {
            throw new ValidationException(
                    "too_many_buckets",
                    "step",
                    "from..to in steps of "
                            + s
                            + " makes "
                            + buckets
                            + " buckets; at most "
                            + MAX_BUCKETS
                            + ": choose a larger step or a shorter period");
        }
        return new TimeBuckets(f, t, s);
    }

    /** How many buckets the period has. */
    public int count() {
        long span = Duration.between(from, to).toMillis();
        long step = this.step.toMillis();
        return (int) ((span + step - 1) / step);
    }

    /**
     * The index of a bucket the database computed, kept inside the window (rounding at its end).
     */
    public int index(long bucket) {
        return (int) Math.max(0, Math.min(count() - 1, bucket));
    }

    /** Where bucket {@code i} starts. */
    public Instant start(long i) {
        return from.plus(step.multipliedBy(i));
    }

    /** The step in seconds, as the SQL of the series divides by it. */
    public long stepSeconds() {
        return step.getSeconds();
    }

    /** {@code from} in (fractional) epoch seconds, as the SQL of the series subtracts it. */
    public double fromEpochSeconds() {
        return from.getEpochSecond() + from.getNano() / 1e9;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Instant instant(String param, String value) {
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new ValidationException(
                    param, param + " must be an ISO-8601 instant, e.g. 2026-11-27T00:00:00Z");
        }
    }
}
