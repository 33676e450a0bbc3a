package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.detect.Detection;
import io.gatehouse.policy.internal.detect.Detectors;
import io.gatehouse.policy.internal.detect.InjectionDetector;
import io.gatehouse.policy.internal.engine.RequestFacts;
import io.gatehouse.policy.internal.engine.RequestFacts.EntityStat;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Detector findings for a request's messages and the facts rules evaluate. */
final class RequestScan {
    final List<List<Detection>> perMessage;
    final InjectionDetector.Result injection;
    final RequestFacts facts;

    private RequestScan(
            List<List<Detection>> perMessage,
            InjectionDetector.Result injection,
            RequestFacts facts) {
        this.perMessage = perMessage;
        this.injection = injection;
        this.facts = facts;
    }

    static RequestScan of(GatewayExchange ex, Instant now) {
        List<List<Detection>> per = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> roles = new ArrayList<>();
        long chars = 0;
        for (ChatMessage m : ex.messages()) {
            String t = m.text() == null ? "" : m.text();
            per.add(Detectors.scan(t));
            texts.add(t);
            roles.add(m.role());
            chars += t.length();
        }
        InjectionDetector.Result inj = InjectionDetector.score(texts);
        Map<String, EntityStat> stats = stats(per.stream().flatMap(List::stream).toList());
        String user =
                ex.headers()
                        .getOrDefault("x-gatehouse-user", ex.headers().getOrDefault("x-user", ""));
        RequestFacts facts =
                new RequestFacts(
                        ex.tenant().toString(),
                        ex.keyId(),
                        user,
                        ex.model(),
                        ex.operation(),
                        ex.classification(),
                        stats,
                        inj.score(),
                        inj.signals(),
                        inj.obfuscated(),
                        chars / 4 + 4L * ex.messages().size(),
                        ex.messages().size(),
                        roles,
                        ex.headers(),
                        List.of(),
                        now);
        return new RequestScan(per, inj, facts);
    }

    static Map<String, EntityStat> stats(List<Detection> findings) {
        Map<String, EntityStat> m = new HashMap<>();
        for (Detection d : findings) {
            EntityStat s = m.getOrDefault(d.type(), EntityStat.NONE);
            m.put(d.type(), new EntityStat(s.count() + 1, Math.max(s.maxScore(), d.score())));
        }
        return m;
    }

    static Map<String, EntityStat> plus(Map<String, EntityStat> a, Map<String, EntityStat> b) {
        Map<String, EntityStat> m = new HashMap<>(a);
        b.forEach(
                (t, s) -> {
                    EntityStat x = m.getOrDefault(t, EntityStat.NONE);
                    m.put(
                            t,
                            new EntityStat(
                                    x.count() + s.count(), Math.max(x.maxScore(), s.maxScore())));
                });
        return m;
    }

    /** Entity counts and scores (percent) for the audit event: only types that were found. */
    static Map<String, Object> summary(Map<String, EntityStat> stats) {
        Map<String, Object> m = new LinkedHashMap<>();
        stats.entrySet().stream()
                .filter(e -> e.getValue().count() > 0)
                .sorted(Map.Entry.comparingByKey())
                .forEach(
                        e ->
                                m.put(
                                        e.getKey(),
                                        Map.of(
                                                "count", e.getValue().count(),
                                                "max_score_pct",
                                                        Math.round(
                                                                e.getValue().maxScore() * 100))));
        return m;
    }
}
