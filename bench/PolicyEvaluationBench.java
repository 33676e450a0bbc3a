import io.gatehouse.policy.internal.PolicyStage;
import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.shared.TenantId;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Measures the policy stage's input cost per request for a 20-rule policy (detectors + CEL +
 * redaction) and reports p50/p99 to {@code target/policy-benchmark.md} and stdout. A benchmark, not
 * a test: it asserts nothing (the machine is shared and timings vary) and is not run by the build.
 * Uses only public classes, so it runs as a single-file program against the built classes (see
 * bench/README.md). Args: [warm-up runs] [measured runs].
 */
public final class PolicyEvaluationBench {
    static final TenantId TENANT =
            new TenantId(UUID.fromString("00000000-0000-0000-0000-00000000000a"));

    static CompiledPolicy twentyRules() {
        JsonArrayBuilder rules = Json.createArrayBuilder();
        String[] types = {"email", "phone", "card", "iban", "ssn", "nino", "ip", "secret"};
        for (int i = 0; i < 8; i++) {
            rules.add(
                    Json.createObjectBuilder()
                            .add("id", "flag-" + types[i])
                            .add(
                                    "condition",
                                    "entities."
                                            + types[i]
                                            + ".count > 0 && entities."
                                            + types[i]
                                            + ".max_score >= 0.5")
                            .add("action", "flag"));
        }
        for (int i = 0; i < 4; i++) {
            rules.add(
                    Json.createObjectBuilder()
                            .add("id", "classify-" + i)
                            .add(
                                    "condition",
                                    "entities."
                                            + types[i]
                                            + ".count > "
                                            + i
                                            + " || tokens > "
                                            + (10000 + i))
                            .add("action", "classify")
                            .add("level", 1 + i % 3));
        }
        rules.add(
                Json.createObjectBuilder()
                        .add("id", "eu-for-confidential")
                        .add("condition", "classification >= 2")
                        .add("action", "restrict_providers")
                        .add("regions", Json.createArrayBuilder().add("eu-*")));
        rules.add(
                Json.createObjectBuilder()
                        .add("id", "team-header")
                        .add(
                                "condition",
                                "'x-team' in headers && headers['x-team'] in ['finance', 'legal']")
                        .add("action", "flag"));
        rules.add(
                Json.createObjectBuilder()
                        .add("id", "night")
                        .add("condition", "time.hour < 6 || time.hour > 22")
                        .add("action", "flag"));
        rules.add(
                Json.createObjectBuilder()
                        .add("id", "route")
                        .add("condition", "route.startsWith('prompt:') && tokens > 5000")
                        .add("action", "deny"));
        rules.add(
                Json.createObjectBuilder()
                        .add("id", "injection")
                        .add("condition", "injection.score >= 0.9 && size(injection.signals) > 1")
                        .add("action", "deny"));
        rules.add(
                Json.createObjectBuilder()
                        .add("id", "roles")
                        .add(
                                "condition",
                                "messages.count > 50 || messages.roles.exists(r, r == 'tool')")
                        .add("action", "flag"));
        rules.add(
                Json.createObjectBuilder()
                        .add("id", "many-secrets")
                        .add("condition", "entities.secret.count > 3")
                        .add("action", "deny"));
        rules.add(
                Json.createObjectBuilder()
                        .add("id", "redact")
                        .add("condition", "entities.email.count + entities.card.count > 0")
                        .add("action", "redact")
                        .add("entities", Json.createArrayBuilder().add("email").add("card")));
        return CompiledPolicy.compile(
                "bench", "bench@v1", false, Json.createObjectBuilder().add("rules", rules).build());
    }

    static final String PROMPT =
            "You are a helpful assistant for the support team. Answer briefly and politely.";
    static final String USER =
            "Hi, I'm Ann (ann@example.com, +44 20 7946 0958). My card 4111 1111 1111 1111 was charged twice "
                    + "for order 88231 on 2026-11-20. Could you check the transaction and refund the duplicate? "
                    + "The invoice mentions account DE89 3704 0044 0532 0130 00. Thanks a lot!";

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        CompiledPolicy policy = twentyRules();
        PolicyStage stage = new PolicyStage(t -> List.of(policy));
        long[] total = new long[runs];
        for (int i = 0; i < warmup + runs; i++) {
            GatewayExchange ex = exchange();
            long t0 = System.nanoTime();
            stage.beforeRouting(ex);
            long t1 = System.nanoTime();
            if (i >= warmup) {
                total[i - warmup] = t1 - t0;
            }
        }
        String report =
                String.format(
                        Locale.ROOT,
                        "| measured (%d requests after %d warm-up, 20-rule policy, 2 messages, %d chars) | p50 | p99 |%n"
                                + "|---|---:|---:|%n"
                                + "| whole input stage (detectors + CEL + redaction) | %.1f µs | %.1f µs |%n",
                        runs,
                        warmup,
                        PROMPT.length() + USER.length(),
                        pct(total, 50),
                        pct(total, 99));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/policy-benchmark.md"), report);
        System.out.println(report);
    }

    static GatewayExchange exchange() {
        List<ChatMessage> msgs = new ArrayList<>();
        msgs.add(new ChatMessage("system", PROMPT, true));
        msgs.add(new ChatMessage("user", USER, false));
        return new GatewayExchange(
                TENANT, "k", "r", "chat", "sandbox", null, msgs, Map.of("x-team", "support"));
    }

    static double pct(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1000.0;
    }
}
