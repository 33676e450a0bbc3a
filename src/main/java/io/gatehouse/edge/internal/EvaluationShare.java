package io.gatehouse.edge.internal;

/**
 * The share of a tenant's limits and budgets its evaluation runs may use (issue 23): a percentage
 * of each (requests and tokens per minute, each cost budget), a tenth unless the tenant says
 * otherwise. Evaluation calls count against the limits themselves and also against their share, so
 * however many runs a tenant starts, the rest of each limit stays for production traffic.
 */
final class EvaluationShare {
    /** The share when neither the tenant nor the platform's configuration names one. */
    static final int DEFAULT_PERCENT = 10;

    private EvaluationShare() {}

    /**
     * {@code percent} of {@code limit}, rounded down, but at least one unit of a limit that has any
     * (a share of nothing would refuse every evaluation of a small limit); 0 of a limit of 0 (a
     * budget set to nothing). Exact for every long: no overflow on a budget near its maximum.
     */
    static long of(long limit, int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("a share is 1 to 100 percent: " + percent);
        }
        if (limit <= 0) {
            return 0;
        }
        long share = limit / 100 * percent + limit % 100 * percent / 100;
        return Math.max(1, share);
    }

    /** The tenant's percentage, else the configured default, else {@link #DEFAULT_PERCENT}. */
    static int percent(Integer tenant, int configured) {
        if (tenant != null && tenant >= 1 && tenant <= 100) {
            return tenant;
        }
        return configured >= 1 && configured <= 100 ? configured : DEFAULT_PERCENT;
    }
}
