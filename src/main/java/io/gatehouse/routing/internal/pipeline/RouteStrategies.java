package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.internal.catalog.Candidate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * Orders a route's candidates for one request: the first is tried first, the rest are the failover
 * order. Pure functions, so that the strategies are tested without a server.
 */
public final class RouteStrategies {
    private RouteStrategies() {}

    /**
     * @param latencyMs the moving-average latency of a candidate's provider, or NaN when unmeasured
     */
    public static List<Candidate> order(
            String strategy,
            List<Candidate> candidates,
            ToDoubleFunction<Candidate> latencyMs,
            RandomGenerator random) {
        List<Candidate> list = new ArrayList<>(candidates);
        Comparator<Candidate> byPosition = Comparator.comparingInt(Candidate::position);
        switch (strategy) {
            case "priority" -> list.sort(byPosition);
            case "lowest-cost" ->
                    list.sort(
                            Comparator.comparingLong(Candidate::unitPrice)
                                    .thenComparing(byPosition));
            case "lowest-latency" ->
                    // Unmeasured providers first (latency 0), so every target gets measured once.
                    list.sort(
                            Comparator.<Candidate>comparingDouble(
                                            c -> {
                                                double l = latencyMs.applyAsDouble(c);
                                                return Double.isNaN(l) ? 0 : l;
                                            })
                                    .thenComparing(byPosition));
            case "weighted" -> list = weighted(list, random);
            default -> throw new IllegalArgumentException("unknown strategy " + strategy);
        }
        return list;
    }

    /**
     * Weighted random order without replacement: the first pick is proportional to weight; failover
     * continues among the rest, again by weight. Weight 0 targets are fallbacks only, in route
     * order.
     */
    static List<Candidate> weighted(List<Candidate> list, RandomGenerator random) {
        List<Candidate> pool = new ArrayList<>();
        List<Candidate> zero = new ArrayList<>();
        for (Candidate c : list) {
            (c.weight() > 0 ? pool : zero).add(c);
        }
        zero.sort(Comparator.comparingInt(Candidate::position));
        List<Candidate> out = new ArrayList<>(list.size());
        long total = pool.stream().mapToLong(Candidate::weight).sum();
        while (!pool.isEmpty()) {
            long r = random.nextLong(total);
            int i = 0;
            for (; i < pool.size() - 1; i++) {
                r -= pool.get(i).weight();
                if (r < 0) {
                    break;
                }
            }
            Candidate picked = pool.remove(i);
            total -= picked.weight();
            out.add(picked);
        }
        out.addAll(zero);
        return out;
    }
}
