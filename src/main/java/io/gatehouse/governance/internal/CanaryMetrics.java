package io.gatehouse.governance.internal;

import io.gatehouse.governance.internal.persistence.CanaryRows;
import io.gatehouse.shared.SchemaReady;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TenantLabels;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The drift canaries' metrics (issue 23): one gauge per measure, tagged tenant, goldenSet, route
 * and model, showing the newest run's value (read from the database every {@code
 * gatehouse.metrics.backlog-refresh-ms}, so every instance reports the same numbers; NaN when the
 * run had no value for it), and the counter of drift events. Gauges exist only for the live sets
 * that carry a canary and the routes and models their runs of the last week answered with: a set
 * whose canary is turned off loses its gauges at the next refresh. The drift counters of a route
 * and model are registered at 0 with its gauges (one per threshold's measure), so that the alert's
 * {@code increase()} sees the first crossing.
 */
@ApplicationScoped
public class CanaryMetrics {
    private static final Logger LOG = Logger.getLogger(CanaryMetrics.class.getName());

    /** Gauge name by measure ({@link CanaryMeasures.Measures#get}). */
    static final Map<String, String> GAUGES =
            Map.of(
                    "passRate", "gatehouse_canary_pass_rate",
                    "distance", "gatehouse_canary_distance",
                    "meanLength", "gatehouse_canary_answer_length",
                    "lengthChange", "gatehouse_canary_length_change",
                    "jsonValidRate", "gatehouse_canary_json_valid_rate",
                    "refusalRate", "gatehouse_canary_refusal_rate",
                    "latencyP95Ms", "gatehouse_canary_latency_p95_ms",
                    "costMicros", "gatehouse_canary_cost_micros");

    private static final Map<String, String> DESCRIPTIONS =
            Map.of(
                    "passRate", "Drift canary: share of the golden set's cases that passed",
                    "distance",
                            "Drift canary: mean distance of the answers to the baseline's (0..1)",
                    "meanLength", "Drift canary: mean answer length in characters",
                    "lengthChange",
                            "Drift canary: relative change of the mean answer length against the"
                                    + " baseline",
                    "jsonValidRate", "Drift canary: share of answers that are valid JSON",
                    "refusalRate", "Drift canary: share of answers that are refusals",
                    "latencyP95Ms", "Drift canary: 95th percentile latency of the calls (ms)",
                    "costMicros", "Drift canary: what the run's calls cost (micro-units)");

    static final String DRIFT = "gatehouse_canary_drift";
    private static final Metadata DRIFT_METADATA =
            Metadata.builder()
                    .withName(DRIFT)
                    .withDescription(
                            "Drift canary measures that crossed their threshold (one per crossing)")
                    .build();

    @Resource ManagedScheduledExecutorService scheduler;
    @Inject MetricRegistry registry;
    @Inject TenantLabels tenants;
    @Inject CanaryRows rows;

    @Inject
    @ConfigProperty(name = "gatehouse.metrics.backlog-refresh-ms", defaultValue = "15000")
    long refreshMs;

    record Key(UUID tenant, String set, String route, String model) {}

    private volatile Map<Key, CanaryMeasures.Measures> latest = Map.of();
    private final Map<Key, Tag[]> registered = new ConcurrentHashMap<>();
    private ScheduledFuture<?> refresher;

    void start(@Observes SchemaReady ready) {
        refresher =
                scheduler.scheduleWithFixedDelay(
                        this::refreshQuietly, 0, Math.max(refreshMs, 100), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (refresher != null) {
            refresher.cancel(false);
        }
    }

    void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Canary measures not read; gauges keep their last values", e);
        }
    }

    /** Reads the newest measures and registers or removes gauges to match. */
    synchronized void refresh() {
        Set<String> configured = new HashSet<>();
        for (CanaryRows.LiveSet s : rows.liveWithCanary()) {
            if (CanarySettings.of(io.gatehouse.shared.JsonInput.readObject(s.content())) != null) {
                configured.add(s.tenantId() + "/" + s.name());
            }
        }
        Map<Key, CanaryMeasures.Measures> now = new HashMap<>();
        List<CanaryRows.Measures> rowsNow = rows.latest(7);
        for (CanaryRows.Measures m : rowsNow) {
            if (configured.contains(m.tenantId() + "/" + m.goldenSet())) {
                now.put(
                        new Key(m.tenantId(), m.goldenSet(), m.route(), m.model()),
                        CanaryMeasures.Measures.fromJson(m.measures()));
            }
        }
        latest = Map.copyOf(now);
        for (Key k : now.keySet()) {
            register(k);
        }
        for (Key k : Set.copyOf(registered.keySet())) {
            if (!now.containsKey(k)) {
                Tag[] tags = registered.remove(k);
                for (String name : GAUGES.values()) {
                    registry.remove(new MetricID(name, tags));
                }
                for (CanarySettings.Threshold t : CanarySettings.Threshold.values()) {
                    registry.remove(new MetricID(DRIFT, withMeasure(tags, t.measure())));
                }
            }
        }
    }

    private void register(Key k) {
        if (registered.containsKey(k)) {
            return;
        }
        Tag[] tags = tags(k);
        for (Map.Entry<String, String> g : GAUGES.entrySet()) {
            String measure = g.getKey();
            registry.gauge(
                    Metadata.builder()
                            .withName(g.getValue())
                            .withDescription(DESCRIPTIONS.get(measure))
                            .build(),
                    this,
                    m -> m.value(k, measure),
                    tags);
        }
        // the drift counters start at 0, so the first crossing is an increase the alert sees
        for (CanarySettings.Threshold t : CanarySettings.Threshold.values()) {
            registry.counter(DRIFT_METADATA, withMeasure(tags, t.measure()));
        }
        registered.put(k, tags);
    }

    private static Tag[] withMeasure(Tag[] tags, String measure) {
        Tag[] out = java.util.Arrays.copyOf(tags, tags.length + 1);
        out[tags.length] = new Tag("measure", measure);
        return out;
    }

    private double value(Key k, String measure) {
        CanaryMeasures.Measures m = latest.get(k);
        Double v = m == null ? null : m.get(measure);
        return v == null ? Double.NaN : v;
    }

    private Tag[] tags(Key k) {
        return new Tag[] {
            new Tag("tenant", tenants.labelOf(new TenantId(k.tenant()))),
            new Tag("goldenSet", k.set()),
            new Tag("route", k.route()),
            new Tag("model", k.model())
        };
    }

    /** One drift event: a measure of the set's route and model crossed its threshold. */
    void drift(UUID tenant, String set, String route, String model, String measure) {
        registry.counter(
                        DRIFT_METADATA,
                        withMeasure(tags(new Key(tenant, set, route, model)), measure))
                .inc();
    }
}
