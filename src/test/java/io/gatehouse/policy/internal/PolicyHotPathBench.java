package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StreamFilter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Microbenchmark of the policy hot path with the demo policy: the input check ({@code
 * beforeRouting}), the output check ({@code afterAnswer}) and the streaming filter, on the texts of
 * {@code bench/run.sh} and on longer realistic ones. A plain {@code main}, not a test: run it by
 * hand (see docs/benchmarks.md), it asserts nothing. Args: [warm-up ms per case] [measured ms per
 * case] [case name prefix].
 */
public final class PolicyHotPathBench {
    private PolicyHotPathBench() {}

    record Case(String name, List<ChatMessage> messages, String answer, List<String> chunks) {}

    static final String SUPPORT_SYSTEM =
            "You are a helpful assistant for the support team. Answer briefly and politely.";
    static final String SUPPORT_USER =
            "Hi, I'm Ann (ann@example.com, +44 20 7946 0958). My card 4111 1111 1111 1111 was charged twice "
                    + "for order 88231 on 2026-11-20. Could you check the transaction and refund the duplicate? "
                    + "The invoice mentions account DE89 3704 0044 0532 0130 00. Thanks a lot!";
    static final String SUPPORT_ANSWER =
            "Thanks, Ann. I can see two charges of EUR 49.90 on 2026-11-20 for order 88231. I have asked "
                    + "billing to refund the duplicate; you will get a confirmation at ann@example.com within "
                    + "3-5 business days. If you have questions, call us at +44 20 7946 0000.";

    static final String LONG_USER =
            "Can you review this Java method and tell me why it is slow under load? We call it for every "
                    + "request, about 5,000 times per second on a 2-core machine, and the profile shows most of "
                    + "the time in regular expressions.\n\n```java\n"
                    + "static List<String> tokens(String text) {\n"
                    + "  List<String> out = new ArrayList<>();\n"
                    + "  for (String part : text.split(\"\\\\s+\")) {\n"
                    + "    if (part.matches(\"[A-Za-z0-9_]+\")) {\n"
                    + "      out.add(part.toLowerCase(Locale.ROOT));\n"
                    + "    }\n"
                    + "  }\n"
                    + "  return out;\n"
                    + "}\n```\n\n"
                    + "Version 2.4.1 of the service runs on Java 17 with G1 and a 512 MB heap. The logs from "
                    + "2026-11-27 show p99 latencies of 35 ms at 16 connections, and the GC log says young "
                    + "collections take about 2 ms each. What would you change first, and how should we "
                    + "measure the effect? Please keep the answer short and practical, with code.";
    static final String LONG_ANSWER =
            "The method compiles two regular expressions on every call: `String.split` with a regex of "
                    + "more than one character and `String.matches` both build a new `Pattern` each time. At "
                    + "5,000 calls per second that is most of your CPU. Precompile them once:\n\n```java\n"
                    + "private static final Pattern SPACES = Pattern.compile(\"\\\\s+\");\n"
                    + "private static final Pattern WORD = Pattern.compile(\"[A-Za-z0-9_]+\");\n\n"
                    + "static List<String> tokens(String text) {\n"
                    + "  List<String> out = new ArrayList<>();\n"
                    + "  for (String part : SPACES.split(text)) {\n"
                    + "    if (WORD.matcher(part).matches()) {\n"
                    + "      out.add(part.toLowerCase(Locale.ROOT));\n"
                    + "    }\n"
                    + "  }\n"
                    + "  return out;\n"
                    + "}\n```\n\n"
                    + "Better still, scan the characters by hand and skip the regex entirely; for ASCII input "
                    + "that is usually 5-10x faster. Measure with JMH (a warm-up of a few seconds, then several "
                    + "iterations) rather than with the load test, and compare allocation with "
                    + "`-prof gc`. After that, re-run the load test: with the regex gone the young collections "
                    + "should become rarer too.";

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(
                new Case(
                        "bench (32/58 chars)",
                        List.of(new ChatMessage("user", "Say hello in one short sentence.", false)),
                        "Hello! This is a fixed answer from the benchmark upstream.",
                        List.of(
                                "",
                                "Hello!",
                                " This is a fixed",
                                " answer from the",
                                " benchmark upstream.")));
        cases.add(
                new Case(
                        "support, PII (333/260 chars)",
                        List.of(
                                new ChatMessage("system", SUPPORT_SYSTEM, true),
                                new ChatMessage("user", SUPPORT_USER, false)),
                        SUPPORT_ANSWER,
                        chunks(SUPPORT_ANSWER, 12)));
        cases.add(
                new Case(
                        "code review ("
                                + LONG_USER.length()
                                + "/"
                                + LONG_ANSWER.length()
                                + " chars)",
                        List.of(
                                new ChatMessage("system", SUPPORT_SYSTEM, true),
                                new ChatMessage("user", LONG_USER, false)),
                        LONG_ANSWER,
                        chunks(LONG_ANSWER, 16)));
        return cases;
    }

    /** Token-sized pieces, as a provider streams them. */
    static List<String> chunks(String text, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            out.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return out;
    }

    static GatewayExchange exchange(Case c) {
        List<ChatMessage> copy = new ArrayList<>();
        for (ChatMessage m : c.messages()) {
            copy.add(new ChatMessage(m.role(), m.text(), m.fromTemplate()));
        }
        return new GatewayExchange(
                PolicyFixtures.TENANT,
                "key-1",
                "req",
                "chat",
                "bench",
                null,
                copy,
                Map.of("x-gatehouse-user", "bench"));
    }

    public static void main(String[] args) {
        long warmupMillis = args.length > 0 ? Long.parseLong(args[0]) : 3000;
        long measureMillis = args.length > 1 ? Long.parseLong(args[1]) : 3000;
        CompiledPolicy demo =
                CompiledPolicy.compile("demo", "demo@v1", false, DemoPolicySeed.demoPolicy());
        PolicyStage stage = new PolicyStage(t -> List.of(demo), Clock.systemUTC());
        String only = args.length > 2 ? args[2] : "";
        List<Case> cases = cases().stream().filter(c -> c.name().startsWith(only)).toList();
        long sink = 0;
        for (Case c : cases) {
            sink += run(stage, c, warmupMillis, null);
        }
        System.out.printf(
                Locale.ROOT,
                "policy hot path, demo policy, %d ms per case after %d ms warm-up%n",
                measureMillis,
                warmupMillis);
        System.out.printf(
                Locale.ROOT,
                "%-32s %12s %12s %12s%n",
                "case",
                "input µs/op",
                "output µs/op",
                "stream µs/op");
        for (Case c : cases) {
            long[] nanos = new long[4];
            sink += run(stage, c, measureMillis, nanos);
            double n = nanos[3];
            System.out.printf(
                    Locale.ROOT,
                    "%-32s %12.2f %12.2f %12.2f%n",
                    c.name(),
                    nanos[0] / 1000.0 / n,
                    nanos[1] / 1000.0 / n,
                    nanos[2] / 1000.0 / n);
            System.out.flush();
        }
        System.out.println("(sink " + sink + ")");
    }

    /**
     * Runs input, output and stream checks for about {@code millis}; adds their nanoseconds to
     * {@code nanos[0..2]} and the number of runs to {@code nanos[3]}.
     */
    static long run(PolicyStage stage, Case c, long millis, long[] nanos) {
        long sink = 0;
        long in = 0;
        long out = 0;
        long stream = 0;
        long n = 0;
        long until = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < until) {
            for (int i = 0; i < 100; i++, n++) {
                GatewayExchange ex = exchange(c);
                long t0 = System.nanoTime();
                stage.beforeRouting(ex);
                long t1 = System.nanoTime();
                ex.answerText(c.answer());
                stage.afterAnswer(ex);
                long t2 = System.nanoTime();
                StreamFilter f = stage.streamFilter(ex);
                for (String chunk : c.chunks()) {
                    sink += f.onChunk(chunk).length();
                }
                sink += f.onEnd().length();
                long t3 = System.nanoTime();
                sink += ex.answerText().length();
                in += t1 - t0;
                out += t2 - t1;
                stream += t3 - t2;
            }
        }
        if (nanos != null) {
            nanos[0] += in;
            nanos[1] += out;
            nanos[2] += stream;
            nanos[3] += n;
        }
        return sink;
    }
}
