package io.gatehouse.testing;

import java.time.Duration;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Before integration tests run, waits until the test server's application answers {@code
 * /health/ready} (liberty:test-start returns once the server is up, which can be before the
 * application has migrated and seeded on a cold machine). Only under Failsafe, which sets {@code
 * gatehouse.wlp.dir}; unit tests never wait.
 */
public class AwaitServerReady implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (System.getProperty("gatehouse.wlp.dir") == null) {
            return;
        }
        Http http = Http.local();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.get("/health/ready").status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // keep waiting
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException(
                "The test server never became ready at " + TestEnv.baseUrl());
    }
}
