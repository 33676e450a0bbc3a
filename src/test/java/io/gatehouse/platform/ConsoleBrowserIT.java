package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.chain.OfflineVerifier;
import io.gatehouse.audit.internal.persistence.ChainFixture;
import io.gatehouse.audit.internal.persistence.ContentRetention;
import io.gatehouse.shared.TenantId;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.StandInOidcProvider;
import io.gatehouse.testing.TestEnv;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The review console's flows in real Chromium (web-console/e2e/flows.mjs, Playwright driving
 * Debian's /usr/bin/chromium) against the running test server in demo mode: author submits, the
 * author cannot approve (disabled, and the server's 403 is shown when forced), a reviewer approves
 * with a comment, the admin publishes, a lost race shows the server's 409, the auditor verifies,
 * searches and exports a period through a single-use ticket (the browser's own download, verified
 * offline here); after /v1 traffic the dashboard's charts count it, the auditor follows lineage
 * from an audit event to the approvers of the prompt version that served it, shows an event's
 * retained content, places and releases a legal hold; a reviewer approves and refuses held MCP tool
 * calls in the queue while the agent's /mcp calls wait, and the key's owner is shown the four-eyes
 * 403; a reviewer signs in through a stand-in OpenID Connect provider (on an instance configured
 * for it, with 20-second tokens), keeps a typed comment past the token's lifetime and signs out of
 * both; axe-core finds no serious or critical violation on any page (docs/console.md). Fails, never
 * skips, when Chromium or Node is missing: the flows are part of the suite.
 */
class ConsoleBrowserIT {
    // The flows include traffic, the dashboard, lineage, holds and axe-core on every page, then
    // the modules (admin, change, sso: the last waits about 55 s on purpose for a token to lapse),
    // each printing its own duration.
    private static final long TIMEOUT_SECONDS = 900;

    /** The SSO instance's access tokens live this long: e2e/sso.mjs reviews for longer. */
    private static final int SSO_TOKEN_TTL_SECONDS = 20;

    @Test
    void reviewFlowsPassInChromium() throws Exception {
        Path chromium = Path.of(TestEnv.env("CHROMIUM", "/usr/bin/chromium"));
        assertThat(Files.isExecutable(chromium))
                .as(
                        "Chromium is needed for the console's browser tests: install the Debian package chromium (%s)",
                        chromium)
                .isTrue();
        Path script = Path.of("web-console/e2e/flows.mjs").toAbsolutePath();
        assertThat(script).exists();
        assertThat(Path.of("web-console/node_modules/playwright-core"))
                .as("web-console/node_modules is installed by the build (npm ci)")
                .exists();

        // A signed checkpoint of the demo chain before the flow, so that the auditor's export holds
        // one (and a checkpoint key exists however the suite is ordered): the offline verifier
        // must then check a signature against the pinned key, not only hashes.
        Http.Response checkpoint =
                Http.local()
                        .post(
                                "/api/v1/audit/checkpoints",
                                "",
                                io.gatehouse.testing.TestTenant.demo().auth("auditor"));
        assertThat(checkpoint.status()).as(checkpoint.body()).isBetween(200, 201);
        // An event with retained content in the demo chain for the flow to show: the gateway
        // attaches no bodies to its events yet (docs/audit.md), so it is appended by the server's
        // own appender, as the content tests do.
        String marker = "console-retained-" + java.util.UUID.randomUUID();
        TenantId demo = TenantId.of(io.gatehouse.testing.TestTenant.demo().id());
        UUID contentEvent =
                new ChainFixture(demo)
                        .appendWithContent(
                                AuditEvent.of(demo, "api_key", "console-it", "gateway.request")
                                        .requestId("req_" + marker)
                                        .content(
                                                Map.of(
                                                        "messages",
                                                        List.of(
                                                                Map.of(
                                                                        "role", "user", "content",
                                                                        marker))),
                                                null)
                                        .build(),
                                ContentRetention.FULL)
                        .eventId();
        Path export = Path.of("target/console-export.jsonl").toAbsolutePath();
        Files.deleteIfExists(export);
        ProcessBuilder pb = new ProcessBuilder("node", script.toString(), TestEnv.baseUrl());
        pb.environment().put("CONSOLE_EXPORT", export.toString());
        pb.environment()
                .put(
                        "CONSOLE_SCREENSHOTS",
                        Path.of("target/console-screenshots").toAbsolutePath().toString());
        pb.environment().put("CHROMIUM", chromium.toString());
        pb.environment().put("CONSOLE_CONTENT_EVENT", contentEvent.toString());
        pb.environment().put("CONSOLE_CONTENT_MARKER", marker);
        // docs/console/*.png are rewritten only when asked (-Dconsole.screenshots=true, or the
        // variable set by hand): an ordinary run leaves the tracked files alone
        if (Boolean.getBoolean("console.screenshots")) {
            pb.environment()
                    .put(
                            "CONSOLE_DOC_SCREENSHOTS",
                            Path.of("docs/console").toAbsolutePath().toString());
        }
        // A developer's quick run of one flow module (-Dconsole.only=<module>): the main flow and
        // the export it downloads are then not part of the run. CI never sets it.
        String only = System.getProperty("console.only", "");
        if (!only.isBlank()) {
            pb.environment().put("CONSOLE_ONLY", only);
        }
        // The single sign-on flows (e2e/sso.mjs) need a provider and an instance configured for it,
        // with short-lived access tokens: started only when that module runs.
        StandInOidcProvider idp = null;
        LibertyInstance ssoInstance = null;
        if (only.isBlank() || java.util.Arrays.asList(only.split(",")).contains("sso")) {
            idp = StandInOidcProvider.start();
            Map<String, String> env = new java.util.HashMap<>(idp.gatehouseEnv());
            env.put("GATEHOUSE_AUTH_TOKEN_TTL_SECONDS", String.valueOf(SSO_TOKEN_TTL_SECONDS));
            ssoInstance = LibertyInstance.start("gatehouse-console-sso", env);
            ssoInstance.awaitReady(java.time.Duration.ofSeconds(120));
            pb.environment().put("CONSOLE_SSO_BASE", ssoInstance.baseUrl());
            pb.environment().put("CONSOLE_SSO_IDP", idp.issuer());
            pb.environment().put("CONSOLE_SSO_TOKEN_TTL", String.valueOf(SSO_TOKEN_TTL_SECONDS));
        }
        try {
            runFlows(pb, only, export);
        } finally {
            if (ssoInstance != null) {
                ssoInstance.close();
            }
            if (idp != null) {
                idp.close();
            }
        }
    }

    private static void runFlows(ProcessBuilder pb, String only, Path export) throws Exception {
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError(
                    "Could not start node (Debian packages nodejs and npm): " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> copy(p.getInputStream(), out), "console-e2e-output");
        pump.start();
        boolean finished = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        pump.join(10_000);
        String output = out.toString(StandardCharsets.UTF_8);
        assertThat(finished)
                .as("the browser flows finished within %d s:%n%s", TIMEOUT_SECONDS, output)
                .isTrue();
        assertThat(p.exitValue()).as("the browser flows passed:%n%s", output).isZero();
        assertThat(output).contains("0 failed");
        if (only.isBlank()) {
            verifiesOffline(export);
        }
    }

    /**
     * The file the auditor downloaded in the browser verifies with the offline verifier, every
     * checkpoint in it signed by a key pinned from the server's first key (later keys are pinned by
     * their signed introductions), as an auditor would do with a fingerprint obtained out of band.
     */
    private static void verifiesOffline(Path export) throws IOException {
        assertThat(export).as("the browser's download was kept").exists();
        Http.Response keys = Http.local().get("/.well-known/gatehouse-audit-keys.json");
        assertThat(keys.status()).isEqualTo(200);
        JsonObject first =
                keys.json().getJsonArray("keys").stream()
                        .map(v -> v.asJsonObject())
                        .filter(k -> !k.containsKey("introducedBy") || k.isNull("introducedBy"))
                        .min(Comparator.comparing(k -> k.getString("createdAt")))
                        .orElseThrow();
        Path keyFile =
                Files.writeString(export.resolveSibling("console-export-keys.json"), keys.body());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code =
                OfflineVerifier.run(
                        new String[] {
                            export.toString(),
                            "--keys",
                            keyFile.toString(),
                            "--pin",
                            first.getString("fingerprint")
                        },
                        ps,
                        ps);
        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("the offline verifier on the console's export:%n%s", report).isZero();
        // what was verified is this flow's trail, not an empty or foreign file: events were
        // checked, among them the publish the flow made
        java.util.regex.Matcher valid =
                java.util.regex.Pattern.compile(
                                "VALID: (\\d+) events, (\\d+) signed checkpoints verified")
                        .matcher(report);
        assertThat(valid.find()).as(report).isTrue();
        assertThat(Long.parseLong(valid.group(1))).as(report).isGreaterThanOrEqualTo(2);
        assertThat(Long.parseLong(valid.group(2)))
                .as(
                        "the checkpoint signed before the flow, checked against the pinned key: "
                                + report)
                .isGreaterThanOrEqualTo(1);
        assertThat(Files.readString(export, StandardCharsets.UTF_8))
                .as("the export holds the flow's publish")
                .containsPattern("\"action\"\\s*:\\s*\"change\\.publish\"");
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            // The process ended; what was read is kept.
        }
    }
}
