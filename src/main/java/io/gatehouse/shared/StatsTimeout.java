package io.gatehouse.shared;

import io.gatehouse.shared.error.ServiceUnavailableException;
import java.sql.SQLException;

/**
 * The time limit of statistics queries: each runs with a JDBC query timeout (PostgreSQL cancels the
 * statement, also while it waits for a lock), so one caller cannot hold a connection for minutes; a
 * cancelled query answers 503 {@code stats_timeout}, never a 500. The limit is the setting {@code
 * gatehouse.stats.query-timeout-seconds} (default {@value #DEFAULT_TIMEOUT_SECONDS}).
 */
public final class StatsTimeout {
    public static final String TIMEOUT_SETTING = "gatehouse.stats.query-timeout-seconds";
    public static final int DEFAULT_TIMEOUT_SECONDS = 10;

    /** How the 503 answer is documented (OpenAPI). */
    public static final String TIMED_OUT =
            "The query ran longer than gatehouse.stats.query-timeout-seconds and was cancelled"
                    + " (stats_timeout)";

    /** SQLState of a statement PostgreSQL cancelled (query timeout, statement_timeout). */
    static final String QUERY_CANCELED = "57014";

    private StatsTimeout() {}

    /** Whether {@code e}, or one of its causes, is a statement PostgreSQL cancelled. */
    public static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && QUERY_CANCELED.equals(s.getSQLState())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** The answer to a query that ran out of time. */
    public static ServiceUnavailableException timeout(int seconds) {
        return new ServiceUnavailableException(
                "stats_timeout",
                "The statistics query took longer than "
                        + seconds
                        + " s and was cancelled: choose a shorter period or a larger step");
    }

    /**
     * The exception to throw for a failed statistics read: 503 {@code stats_timeout} when it was
     * cancelled for time, otherwise an internal error naming what could not be read.
     */
    public static RuntimeException failure(Throwable e, int seconds, String what) {
        if (timedOut(e)) {
            return timeout(seconds);
        }
        if (e instanceof RuntimeException r) {
            return r;
        }
        return new IllegalStateException("Cannot read " + what, e);
    }
}
