package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.detect.Detection;
import io.gatehouse.policy.internal.detect.Detectors;
import io.gatehouse.policy.internal.detect.InjectionDetector;
import io.gatehouse.policy.internal.engine.RequestFacts;
import io.gatehouse.policy.internal.engine.RequestFacts.EntityStat;
import io.gatehouse.policy.internal.engine.ToolFacts;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import jakarta.json.JsonString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Detector findings for a request's messages and the facts rules evaluate. */
final class RequestScan {
    final List<List<Detection>> perMessage;

    /** The findings in each tool definition (description, schema names and values), by index. */
    final List<List<Detection>> perTool;

    /** The findings in the request's signed text ({@code GatewayExchange.signedInput}). */
    final List<Detection> signed;

    /** The findings in assistants' earlier refusals (a message's {@code refusal}, its parts). */
    final List<Detection> refusals;

    final InjectionDetector.Result injection;
    final RequestFacts facts;

    private RequestScan(
            List<List<Detection>> perMessage,
            List<List<Detection>> perTool,
            List<Detection> signed,
            List<Detection> refusals,
            InjectionDetector.Result injection,
            RequestFacts facts) {
        this.perMessage = perMessage;
        this.perTool = perTool;
        this.signed = signed;
        this.refusals = refusals;
        this.injection = injection;
        this.facts = facts;
    }

    static RequestScan of(GatewayExchange ex, Instant now) {
        List<List<Detection>> per = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> roles = new ArrayList<>();
        List<Detection> all = new ArrayList<>();
        long chars = 0;
        List<Detection> refusals = new ArrayList<>();
        for (ChatMessage m : ex.messages()) {
            String t = m.text() == null ? "" : m.text();
            List<Detection> found = Detectors.scan(t);
            per.add(found);
            all.addAll(found);
            texts.add(t);
            roles.add(m.role());
            chars += t.length();
            // forwarded as sent, outside the message's text: seen by the rules all the same
            for (String r : refusalTexts(m)) {
                List<Detection> inRefusal = Detectors.scan(r);
                refusals.addAll(inRefusal);
                all.addAll(inRefusal);
                texts.add(r);
                chars += r.length();
            }
        }
        // signed text (earlier turns' thinking) counts like the messages: rules see its entities
        List<Detection> signed = new ArrayList<>();
        for (String t : ex.signedInput()) {
            List<Detection> found = Detectors.scan(t);
            signed.addAll(found);
            all.addAll(found);
            texts.add(t);
            chars += t.length();
        }
        List<List<Detection>> perTool = new ArrayList<>();
        ToolFacts tools = tools(ex, per, perTool, texts, all);
        InjectionDetector.Result inj = InjectionDetector.score(texts);
        Map<String, EntityStat> stats = stats(all);
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
                        now,
                        tools);
        return new RequestScan(per, perTool, signed, refusals, inj, facts);
    }

    /**
     * The request's tool traffic: definitions (description and schema), the calls in assistant
     * messages (their arguments) and the tool results (tool messages, named after the call they
     * answer). Schema member names are scanned too (a secret can be a property name). Their
     * findings join {@code all} (results are messages, already there) and their text joins what the
     * injection detector reads ({@code texts}).
     */
    private static ToolFacts tools(
            GatewayExchange ex,
            List<List<Detection>> perMessage,
            List<List<Detection>> perTool,
            List<String> texts,
            List<Detection> all) {
        ChatRequest req = ex.request();
        List<String> offered = new ArrayList<>();
        Map<String, Map<String, EntityStat>> definitions = new HashMap<>();
        for (ChatRequest.Tool t : req.tools()) {
            offered.add(t.name());
            String text =
                    (t.description() == null ? "" : t.description())
                            + "\n"
                            + (t.parameters() == null
                                    ? ""
                                    : ToolText.text(t.parameters().toString()));
            List<Detection> found = Detectors.scan(text);
            perTool.add(found);
            all.addAll(found);
            texts.add(text);
            definitions.merge(t.name(), stats(found), RequestScan::plus);
        }
        List<ToolFacts.Use> calls = new ArrayList<>();
        List<ToolFacts.Use> results = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        List<ChatMessage> msgs = req.messages();
        for (int i = 0; i < msgs.size(); i++) {
            ChatMessage m = msgs.get(i);
            if (m.toolCalls() != null) {
                for (ChatMessage.ToolCall c : m.toolCalls()) {
                    List<Detection> found = ToolText.scan(c.arguments());
                    all.addAll(found);
                    texts.add(ToolText.text(c.arguments()));
                    calls.add(new ToolFacts.Use(c.name(), stats(found)));
                    if (c.id() != null && c.name() != null) {
                        names.put(c.id(), c.name());
                    }
                }
            }
            if (m.toolCallId() != null) {
                results.add(
                        new ToolFacts.Use(
                                names.getOrDefault(m.toolCallId(), ""), stats(perMessage.get(i))));
            }
        }
        if (offered.isEmpty() && calls.isEmpty() && results.isEmpty()) {
            return ToolFacts.NONE;
        }
        return new ToolFacts(offered, calls, results, definitions);
    }

    /** An assistant's earlier refusal as chat carries it: the message's string, refusal parts. */
    static List<String> refusalTexts(ChatMessage m) {
        List<String> out = new ArrayList<>();
        if (m.refusal() instanceof JsonString s) {
            out.add(s.getString());
        }
        if (m.parts() != null) {
            for (ChatMessage.Part p : m.parts()) {
                if (p.type().equals("refusal") && p.json().get("refusal") instanceof JsonString s) {
                    out.add(s.getString());
                }
            }
        }
        return out;
    }

    /** The tool name each tool message answers (by its call id), or "" when unknown. */
    static List<String> resultNames(List<ChatMessage> msgs) {
        Map<String, String> names = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (ChatMessage m : msgs) {
            if (m.toolCalls() != null) {
                for (ChatMessage.ToolCall c : m.toolCalls()) {
                    if (c.id() != null && c.name() != null) {
                        names.put(c.id(), c.name());
                    }
                }
            }
            out.add(m.toolCallId() == null ? null : names.getOrDefault(m.toolCallId(), ""));
        }
        return out;
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
