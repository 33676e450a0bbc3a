package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.edge.internal.DefaultUsageLimits;
import io.gatehouse.governance.internal.WebhookOutcome;
import io.gatehouse.policy.internal.engine.PolicyRule;
import io.gatehouse.routing.internal.resilience.CircuitBreaker;
import io.gatehouse.routing.internal.resilience.Failover;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules under deploy/monitoring are checked and unit-tested with {@code
 * promtool} (Debian's prometheus package; deploy/local/test.sh installs it when run as root): each
 * alert fires on the series its test gives and stays silent on the control series. The test fails,
 * never skips, when promtool is missing. Every metric and label value the rules, their tests and
 * the dashboard match is one the code registers and emits (a rule matching a value never emitted
 * can never fire), and docs/operations.md lists every metric and span of the code.
 */
class AlertRulesTest {
    static final Path DIR = Path.of("deploy/monitoring");

    @Test
    void rulesAreValidAndEveryAlertFiresAndStaysSilentAsTested() throws Exception {
        assertThat(promtool("check", "rules", "gatehouse-alerts.yaml")).contains("SUCCESS");
        assertThat(promtool("test", "rules", "gatehouse-alerts.test.yaml")).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAFiringTestCase() throws IOException {
        String rules = Files.readString(DIR.resolve("gatehouse-alerts.yaml"));
        String tests = Files.readString(DIR.resolve("gatehouse-alerts.test.yaml"));
        Matcher m = Pattern.compile("- alert: (\\w+)").matcher(rules);
        int alerts = 0;
        while (m.find()) {
            alerts++;
            assertThat(tests).as(m.group(1)).contains("alertname: " + m.group(1));
        }
        assertThat(alerts).isEqualTo(13);
    }

    @Test
    void everyAlertIsDocumentedInOperations() throws IOException {
        String ops = Files.readString(Path.of("docs/operations.md"));
        Matcher m =
                Pattern.compile("- alert: (\\w+)")
                        .matcher(Files.readString(DIR.resolve("gatehouse-alerts.yaml")));
        while (m.find()) {
            assertThat(ops).as(m.group(1) + " in docs/operations.md").contains(m.group(1));
        }
    }

    @Test
    void theDashboardIsValidJsonAndUsesOnlyDocumentedMetrics() throws IOException {
        String json = Files.readString(DIR.resolve("gatehouse-dashboard.json"));
        jakarta.json.JsonObject dash;
        try (var r = jakarta.json.Json.createReader(new java.io.StringReader(json))) {
            dash = r.readObject();
        }
        assertThat(dash.getString("uid")).isEqualTo("gatehouse-overview");
        assertThat(dash.getJsonArray("panels")).hasSizeGreaterThan(15);
        String ops = Files.readString(Path.of("docs/operations.md"));
        String rules = Files.readString(DIR.resolve("gatehouse-alerts.yaml"));
        Matcher m = Pattern.compile("gatehouse_[a-z_]+").matcher(json + rules);
        int names = 0;
        while (m.find()) {
            names++;
            String family = m.group().replaceAll("_(bucket|count|sum)$", "");
            assertThat(ops).as(family + " documented in docs/operations.md").contains(family);
        }
        assertThat(names).isGreaterThan(20);
    }

    /**
     * The values the code emits for the labels rules and dashboards select on, read from the code's
     * own constants and enums (not copied here).
     */
    static Map<String, Map<String, Set<String>>> emittedLabelValues() {
        Set<String> results = Failover.results();
        Set<String> skipped =
                Set.of(Failover.CIRCUIT_OPEN, Failover.BULKHEAD_FULL, Failover.RETRY_BUDGET_SPENT);
        Set<String> errors = new TreeSet<>(results);
        errors.remove(Failover.OK);
        Set<String> called = new TreeSet<>(results);
        called.removeAll(skipped);
        Set<String> stages = wireNames(PolicyRule.Stage.values(), PolicyRule.Stage::wireName);
        return Map.of(
                "gatehouse_provider_errors", Map.of("result", errors),
                "gatehouse_provider_latency", Map.of("result", called),
                "gatehouse_breaker_transitions",
                        Map.of(
                                "state",
                                wireNames(
                                        CircuitBreaker.State.values(),
                                        st -> st.name().toLowerCase(Locale.ROOT))),
                "gatehouse_policy_rule_matches",
                        Map.of(
                                "action",
                                wireNames(PolicyRule.Action.values(), PolicyRule.Action::wireName),
                                "stage",
                                stages),
                "gatehouse_policy_redactions", Map.of("stage", stages),
                "gatehouse_webhook_deliveries",
                        Map.of(
                                "outcome",
                                wireNames(WebhookOutcome.values(), WebhookOutcome::wireName)),
                "gatehouse_limiter_decisions",
                        Map.of(
                                "outcome",
                                Set.of(DefaultUsageLimits.ALLOWED, DefaultUsageLimits.REFUSED)));
    }

    private static <E> Set<String> wireNames(E[] values, java.util.function.Function<E, String> f) {
        return Arrays.stream(values).map(f).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Metric names the code registers (string literals in classes that use MP Metrics). */
    static Set<String> registeredNames() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern literal = Pattern.compile("\"(gatehouse_[a-z_]+)\"");
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String code = Files.readString(f);
                if (!code.contains("org.eclipse.microprofile.metrics")) {
                    continue;
                }
                Matcher m = literal.matcher(code);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /** The registered name an exported series belongs to, or null. */
    static String family(String exported, Set<String> registered) {
        String n = exported.replaceAll("_(bucket|count|sum)$", "");
        for (String candidate :
                List.of(n, n.replaceAll("_total$", ""), n.replaceAll("_seconds$", ""))) {
            if (registered.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Test
    void everyMetricAndLabelValueTheRulesTheirTestsAndTheDashboardUseIsEmitted()
            throws IOException {
        Set<String> registered = registeredNames();
        assertThat(registered)
                .contains("gatehouse_provider_errors", "gatehouse_webhook_deliveries")
                .hasSizeGreaterThan(20);
        Map<String, Map<String, Set<String>>> emitted = emittedLabelValues();
        Set<String> checked = new HashSet<>();
        for (String file :
                List.of(
                        "gatehouse-alerts.yaml",
                        "gatehouse-alerts.test.yaml",
                        "gatehouse-dashboard.json")) {
            String text = Files.readString(DIR.resolve(file)).replace("\\\"", "\"");
            assertThat(unemitted(text, registered, emitted, checked)).as(file).isEmpty();
        }
        // the rules' own selectors were among those checked
        assertThat(checked)
                .contains(
                        "gatehouse_provider_errors/result=bulkhead_full",
                        "gatehouse_policy_rule_matches/action=deny",
                        "gatehouse_webhook_deliveries/outcome=delivered");
    }

    private static final Pattern SELECTOR = Pattern.compile("(gatehouse_[a-z_]+)(\\{([^}]*)})?");
    private static final Pattern LABEL_MATCHER =
            Pattern.compile("(\\w+)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");

    /**
     * What {@code text} selects that the code never registers or emits: each metric name that is
     * not registered, and each label value (of a label whose values the code fixes) that is not
     * emitted. Every value checked is added to {@code checked}.
     */
    static List<String> unemitted(
            String text,
            Set<String> registered,
            Map<String, Map<String, Set<String>>> emitted,
            Set<String> checked) {
        List<String> problems = new ArrayList<>();
        Matcher m = SELECTOR.matcher(text);
        while (m.find()) {
            String family = family(m.group(1), registered);
            if (family == null) {
                problems.add(m.group(1) + " is not a metric the code registers");
                continue;
            }
            if (m.group(3) == null) {
                continue;
            }
            Matcher l = LABEL_MATCHER.matcher(m.group(3));
            while (l.find()) {
                Set<String> values = emitted.getOrDefault(family, Map.of()).get(l.group(1));
                if (values == null) {
                    continue; // tenant, route, provider, ...: configuration, not code
                }
                List<String> used =
                        l.group(2).endsWith("~")
                                ? List.of(l.group(3).split("\\|"))
                                : List.of(l.group(3));
                for (String v : used) {
                    if (!values.contains(v)) {
                        problems.add(m.group() + ": " + l.group(1) + "=" + v + " is never emitted");
                    }
                    checked.add(family + "/" + l.group(1) + "=" + v);
                }
            }
        }
        return problems;
    }

    @Test
    void aProviderResultThatIsNeverEmittedIsCaught() throws IOException {
        // positive control of the cross-check above: the value the rules used to match, a label
        // value with a typo and a metric no code registers are each reported
        Set<String> registered = registeredNames();
        Map<String, Map<String, Set<String>>> emitted = emittedLabelValues();
        assertThat(emitted.get("gatehouse_provider_errors").get("result"))
                .doesNotContain("unavailable")
                .contains("server", "timeout", "connect", "circuit_open", "retry_budget_spent");
        String rule =
                "expr: sum(rate(gatehouse_provider_errors_total{result=~\"server|unavailable\"}[5m]))"
                        + " / sum(rate(gatehouse_webhook_deliveries_total{outcome=\"http_5xx\"}[5m]))"
                        + " + gatehouse_provider_unheard_of_total";
        assertThat(unemitted(rule, registered, emitted, new HashSet<>()))
                .hasSize(3)
                .anySatisfy(p -> assertThat(p).contains("result=unavailable is never emitted"))
                .anySatisfy(p -> assertThat(p).contains("outcome=http_5xx is never emitted"))
                .anySatisfy(p -> assertThat(p).contains("gatehouse_provider_unheard_of_total"));
        assertThat(
                        unemitted(
                                "gatehouse_provider_errors_total{result=\"server\"}",
                                registered,
                                emitted,
                                new HashSet<>()))
                .isEmpty();
    }

    @Test
    void operationsListsEveryMetricAndSpanTheCodeCreates() throws IOException {
        String ops = Files.readString(Path.of("docs/operations.md"));
        for (String name : registeredNames()) {
            assertThat(ops).as(name + " documented in docs/operations.md").contains(name);
        }
        Pattern span = Pattern.compile("spanBuilder\\(\"([a-z_.]+)");
        int spans = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = span.matcher(Files.readString(f));
                while (m.find()) {
                    spans++;
                    assertThat(ops)
                            .as("span " + m.group(1) + " documented in docs/operations.md")
                            .contains("`" + m.group(1));
                }
            }
        }
        assertThat(spans).isGreaterThanOrEqualTo(3);
        // provider attempts: one span name per operation a route can have
        for (String operation : io.gatehouse.routing.internal.catalog.Route.OPERATIONS) {
            assertThat(ops).contains("`" + operation + " {model}`");
        }
    }

    private static String promtool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(
                    "promtool is not installed: apt-get install prometheus (deploy/local/test.sh"
                            + " does it when run as root)",
                    e);
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
