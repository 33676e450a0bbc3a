package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.policy.internal.engine.GuardResult;
import io.gatehouse.policy.internal.engine.GuardSpec;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.GuardModels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Calls the guards the live policies' input rules read (and only those), through routing's {@link
 * GuardModels}, reusing cached verdicts; records every call for the request's audit event (never
 * the text).
 */
final class GuardRunner {
    static final int CACHE_PER_TENANT = 1000;

    private final GuardModels models;
    private final GuardVerdictCache cache;

    GuardRunner(GuardModels models, GuardVerdictCache cache) {
        this.models = models;
        this.cache = cache;
    }

    /** Each policy's guard verdicts; {@code audit} receives one entry per guard a policy reads. */
    Map<CompiledPolicy, Map<String, GuardResult>> run(
            GatewayExchange ex, List<CompiledPolicy> policies, List<Map<String, Object>> audit) {
        Map<CompiledPolicy, Map<String, GuardResult>> out = new IdentityHashMap<>();
        for (CompiledPolicy p : policies) {
            if (p.inputGuards().isEmpty()) {
                continue;
            }
            Map<String, GuardResult> own = new LinkedHashMap<>();
            for (GuardSpec g : p.inputGuards()) {
                own.put(g.name(), ask(ex, p, g, audit));
            }
            out.put(p, own);
        }
        return out;
    }

    private GuardResult ask(
            GatewayExchange ex, CompiledPolicy p, GuardSpec g, List<Map<String, Object>> audit) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("policy", p.version());
        a.put("name", g.name());
        a.put("route", g.route());
        a.put("kind", g.kind());
        audit.add(a);
        String text = text(ex, g);
        if (text.length() > g.maxChars()) {
            return failed(g, a, "input_too_large", 0);
        }
        if (text.isBlank()) {
            a.put("outcome", "skipped_empty");
            return new GuardResult(g, 0.0, "", null);
        }
        GuardVerdictCache.Key key =
                new GuardVerdictCache.Key(g.name(), g.configHash(), sha256(text));
        Optional<GuardVerdictCache.Verdict> hit = cache.get(ex.tenant(), key);
        if (hit.isPresent()) {
            GuardVerdictCache.Verdict v = hit.get();
            verdict(a, v.score(), v.label(), v.provider(), v.model());
            a.put("cached", true);
            a.put("latency_ms", 0);
            return new GuardResult(g, v.score(), v.label(), null);
        }
        GuardModels.GuardVerdict v =
                models.classify(
                        ex,
                        new GuardModels.GuardRequest(
                                g.route(),
                                GuardModels.Kind.valueOf(g.kind().toUpperCase(Locale.ROOT)),
                                text,
                                g.timeoutMs(),
                                g.positiveLabels(),
                                g.rubric(),
                                g.labels()));
        if (v.provider() != null) {
            a.put("provider", v.provider());
            a.put("model", v.model());
        }
        if (v.error()) {
            return failed(g, a, v.errorKind(), v.latencyMs());
        }
        verdict(a, v.score(), v.label(), v.provider(), v.model());
        a.put("cached", false);
        a.put("latency_ms", v.latencyMs());
        cache.put(
                ex.tenant(),
                key,
                new GuardVerdictCache.Verdict(v.score(), v.label(), v.provider(), v.model()),
                g.cacheSeconds() * 1000L);
        return new GuardResult(g, v.score(), v.label(), null);
    }

    private static void verdict(
            Map<String, Object> a, double score, String label, String provider, String model) {
        a.put("outcome", "ok");
        if (provider != null) {
            a.put("provider", provider);
            a.put("model", model);
        }
        a.put("score_pct", Math.round(score * 100));
        a.put("label", label);
    }

    private static GuardResult failed(
            GuardSpec g, Map<String, Object> a, String kind, long latencyMs) {
        a.put("outcome", "error");
        a.put("error", kind);
        a.put("on_error", g.onError().wireName());
        a.put("cached", false);
        a.put("latency_ms", latencyMs);
        return new GuardResult(g, 0.0, "", kind);
    }

    /**
     * The text the guard classifies: the users' messages (or all), after prompt rendering. With
     * {@code all}, what the input policy reads outside the messages' text goes too (an assistant's
     * refusal, earlier turns' signed thinking): it is forwarded to the model as well.
     */
    static String text(GatewayExchange ex, GuardSpec g) {
        boolean all = g.messages().equals("all");
        List<String> parts = new ArrayList<>();
        for (ChatMessage m : ex.messages()) {
            if (all || "user".equals(m.role())) {
                if (m.text() != null && !m.text().isEmpty()) {
                    parts.add(m.text());
                }
            }
            if (all) {
                for (String r : RequestScan.refusalTexts(m)) {
                    if (!r.isEmpty()) {
                        parts.add(r);
                    }
                }
            }
        }
        if (all) {
            for (String t : ex.signedInput()) {
                if (!t.isEmpty()) {
                    parts.add(t);
                }
            }
        }
        return String.join("\n\n", parts);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
