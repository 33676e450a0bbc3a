package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules under deploy/monitoring are checked and unit-tested with {@code
 * promtool} (Debian's prometheus package; deploy/local/test.sh installs it when run as root): each
 * alert fires on the series its test gives and stays silent on the control series. The test fails,
 * never skips, when promtool is missing.
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
        assertThat(alerts).isEqualTo(12);
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
