package io.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.TestEnv;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The review console's flows in real Chromium (web-console/e2e/flows.mjs, Playwright driving Debian's
 * /usr/bin/chromium) against the running test server in demo mode: author submits, the author cannot
 * approve (disabled, and the server's 403 is shown when forced), a reviewer approves with a comment,
 * the admin publishes, a lost race shows the server's 409, the auditor verifies, searches and exports.
 * Fails, never skips, when Chromium or Node is missing: the flows are part of the suite.
 */
class ConsoleBrowserIT {
  private static final long TIMEOUT_SECONDS = 300;

  @Test
  void reviewFlowsPassInChromium() throws Exception {
    Path chromium = Path.of(TestEnv.env("CHROMIUM", "/usr/bin/chromium"));
    assertThat(Files.isExecutable(chromium))
        .as("Chromium is needed for the console's browser tests: install the Debian package chromium (%s)", chromium)
        .isTrue();
    Path script = Path.of("web-console/e2e/flows.mjs").toAbsolutePath();
    assertThat(script).exists();
    assertThat(Path.of("web-console/node_modules/playwright-core"))
        .as("web-console/node_modules is installed by the build (npm ci)")
        .exists();

    ProcessBuilder pb = new ProcessBuilder("node", script.toString(), TestEnv.baseUrl());
    pb.environment().put("CONSOLE_SCREENSHOTS", Path.of("target/console-screenshots").toAbsolutePath().toString());
    pb.environment().put("CHROMIUM", chromium.toString());
    pb.redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError("Could not start node (Debian packages nodejs and npm): " + e.getMessage(), e);
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
    assertThat(finished).as("the browser flows finished within %d s:%n%s", TIMEOUT_SECONDS, output).isTrue();
    assertThat(p.exitValue()).as("the browser flows passed:%n%s", output).isZero();
    assertThat(output).contains("0 failed");
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      // The process ended; what was read is kept.
    }
  }
}
