package io.gatehouse.shared.internal.config;

import io.gatehouse.shared.internal.config.ProductionSettings.Violation;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The first thing the application does at startup (before migrations and seeding): in the
 * production profile it refuses to start while any setting is unsafe, listing every violation by
 * its environment name in one message, so that an operator fixes them all in one round. The
 * application then does not start: nothing is served and readiness stays DOWN.
 */
@ApplicationScoped
public class StartupConfigurationCheck {
    private static final Logger LOG = Logger.getLogger(StartupConfigurationCheck.class.getName());

    void onStart(
            @Observes
                    @Priority(Interceptor.Priority.PLATFORM_BEFORE)
                    @Initialized(ApplicationScoped.class)
                    Object started) {
        Config config = ConfigProvider.getConfig();
        String profile = config.getOptionalValue("gatehouse.profile", String.class).orElse("");
        String mode = config.getOptionalValue("gatehouse.mode", String.class).orElse("all");
        if (!ProductionSettings.knownProfile(profile.trim())) {
            refuse(
                    "Gatehouse refuses to start:",
                    mode,
                    List.of(
                            new Violation(
                                    "GATEHOUSE_PROFILE",
                                    "'"
                                            + profile
                                            + "' is not a profile; use production, or leave it"
                                            + " unset")));
        }
        List<String> unread = unreadSecretFiles(System.getenv());
        if (!profile.trim().equals(ProductionSettings.PRODUCTION)) {
            // Fail safe in every profile: an unknown value would include no metrics-<access>.xml,
            // leaving /metrics to Liberty's defaults instead of the scraper-only configuration.
            Optional<String> metricsProblem =
                    ProductionSettings.metricsAccessProblem(
                            config.getOptionalValue("gatehouse.metrics.access", String.class),
                            false);
            if (metricsProblem.isPresent()) {
                refuse(
                        "Gatehouse refuses to start:",
                        mode,
                        List.of(new Violation("GATEHOUSE_METRICS_ACCESS", metricsProblem.get())));
            }
            unread.forEach(
                    f ->
                            LOG.warning(
                                    f
                                            + " is set but was not read: start the server with"
                                            + " Liberty's bin/server and the shipped server.env"));
            return;
        }
        List<Violation> violations =
                ProductionSettings.forMode(
                        mode,
                        ProductionSettings.violations(
                                name -> config.getOptionalValue(name, String.class), unread));
        if (!violations.isEmpty()) {
            refuse("Gatehouse refuses to start (GATEHOUSE_PROFILE=production):", mode, violations);
        }
        LOG.info("Production profile: the configuration passed the startup checks");
    }

    /** {@code GATEHOUSE_*_FILE} variables still set: server.env turns them into settings. */
    static List<String> unreadSecretFiles(Map<String, String> env) {
        List<String> out = new ArrayList<>();
        env.keySet().stream()
                .filter(k -> k.startsWith("GATEHOUSE_") && k.endsWith("_FILE"))
                .sorted()
                .forEach(out::add);
        return out;
    }

    private static void refuse(String header, String mode, List<Violation> violations) {
        StringBuilder msg = new StringBuilder(header);
        for (Violation v : violations) {
            msg.append("\n  - ").append(v);
            LOG.severe("Refused setting: " + v);
        }
        LOG.severe(msg.toString());
        if (mode.trim().equals("migrate")) {
            // The migration Job must fail, not hang unready until its deadline: exit 1 as a failed
            // migration does (not on this thread: exiting stops the application it is starting).
            Thread exit = new Thread(() -> System.exit(1), "gatehouse-migrate-exit");
            exit.setDaemon(false);
            exit.start();
        }
        throw new IllegalStateException(msg.toString());
    }
}
