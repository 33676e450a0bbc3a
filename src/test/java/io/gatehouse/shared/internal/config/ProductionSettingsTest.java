package io.gatehouse.shared.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.shared.internal.config.ProductionSettings.Violation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProductionSettingsTest {
    static Map<String, String> safe() {
        Map<String, String> m = new HashMap<>();
        m.put("gatehouse.db.password", "s3cret-app");
        m.put("gatehouse.db.owner.password", "s3cret-owner");
        m.put("gatehouse.keystore.password", "s3cret-keystore");
        m.put("gatehouse.master.key", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=");
        m.put("gatehouse.public.url", "https://gatehouse.example.com");
        return m;
    }

    static List<Violation> check(Map<String, String> settings, String... unreadFiles) {
        return ProductionSettings.violations(
                k -> Optional.ofNullable(settings.get(k)), List.of(unreadFiles));
    }

    /** The settings named, in order. */
    static List<String> settings(List<Violation> violations) {
        return violations.stream().map(Violation::setting).toList();
    }

    @Test
    void safeSettingsPass() {
        assertThat(check(safe())).isEmpty();
        Map<String, String> s = safe();
        s.put("gatehouse.demo.enabled", "false");
        s.put("gatehouse.bootstrap.admin.password", "a password of our own");
        assertThat(check(s)).isEmpty();
    }

    @Test
    void everyUnsafeSettingIsNamedAtOnce() {
        Map<String, String> s = new HashMap<>();
        s.put("gatehouse.demo.enabled", "TRUE");
        s.put("gatehouse.db.password", "gatehouse-app-dev");
        s.put("gatehouse.master.key", "ZGVtby1vbmx5LW1hc3Rlci1rZXktbm90LXNlY3JldCE=");
        s.put("gatehouse.public.url", "http://localhost:9080");
        s.put("gatehouse.bootstrap.admin.password", "gatehouse-platform-admin");
        List<Violation> v = check(s, "GATEHOUSE_MASTER_KEY_PREVIOUS_FILE");
        assertThat(settings(v))
                .containsExactly(
                        "GATEHOUSE_DEMO_ENABLED",
                        "GATEHOUSE_DB_PASSWORD",
                        "GATEHOUSE_DB_OWNER_PASSWORD",
                        "GATEHOUSE_KEYSTORE_PASSWORD",
                        "GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD",
                        "GATEHOUSE_MASTER_KEY",
                        "GATEHOUSE_PUBLIC_URL",
                        "GATEHOUSE_MASTER_KEY_PREVIOUS_FILE");
        // the log line names the setting first; the messages never echo a secret value
        assertThat(v.get(5).toString()).startsWith("GATEHOUSE_MASTER_KEY: the published");
        assertThat(v.stream().map(Violation::toString).reduce("", String::concat))
                .doesNotContain("gatehouse-app-dev")
                .doesNotContain("ZGVtby1vbmx5");
    }

    @Test
    void bothPublishedMasterKeysAndAMissingOneAreRefused() {
        for (String key :
                new String[] {
                    "ZGVtby1vbmx5LW1hc3Rlci1rZXktbm90LXNlY3JldCE=",
                    " dGVzdC1vbmx5LW1hc3Rlci1rZXktMzItYnl0ZXMhISE= ",
                    "",
                    null
                }) {
            Map<String, String> s = safe();
            s.put("gatehouse.master.key", key);
            assertThat(settings(check(s)))
                    .as(String.valueOf(key))
                    .containsExactly("GATEHOUSE_MASTER_KEY");
        }
    }

    @Test
    void publicMetricsAreRefusedInProductionAndUnknownAccessEverywhere() {
        Map<String, String> s = safe();
        s.put("gatehouse.metrics.access", "authenticated");
        assertThat(check(s)).isEmpty();
        s.put("gatehouse.metrics.access", "public");
        assertThat(check(s))
                .singleElement()
                .satisfies(
                        v -> {
                            assertThat(v.setting()).isEqualTo("GATEHOUSE_METRICS_ACCESS");
                            assertThat(v.message()).startsWith("public");
                        });
        s.put("gatehouse.metrics.access", "open");
        assertThat(check(s))
                .singleElement()
                .satisfies(
                        v -> {
                            assertThat(v.setting()).isEqualTo("GATEHOUSE_METRICS_ACCESS");
                            assertThat(v.message()).contains("'open' is not a value");
                        });
        // outside production: public is the local demo's choice; a typo is still named
        assertThat(ProductionSettings.metricsAccessProblem(Optional.of("public"), false)).isEmpty();
        assertThat(ProductionSettings.metricsAccessProblem(Optional.empty(), false)).isEmpty();
        assertThat(ProductionSettings.metricsAccessProblem(Optional.of("Public"), false))
                .isPresent();
    }

    @Test
    void blankPasswordsCountAsUnset() {
        Map<String, String> s = safe();
        s.put("gatehouse.keystore.password", "  ");
        assertThat(settings(check(s))).containsExactly("GATEHOUSE_KEYSTORE_PASSWORD");
    }

    @Test
    void publicUrlsNamingThisMachineOrNotUrlsAreRefused() {
        for (String url :
                new String[] {
                    "http://localhost:9080",
                    "https://LOCALHOST",
                    "https://api.localhost/",
                    "http://127.0.0.1:9080",
                    "http://127.1.2.3",
                    "http://[::1]:9080",
                    "http://0.0.0.0",
                    "gatehouse.example.com",
                    "ftp://gatehouse.example.com",
                    "http://",
                    "not a url at all"
                }) {
            assertThat(ProductionSettings.publicUrlProblem(Optional.of(url))).as(url).isPresent();
        }
        for (String url :
                new String[] {
                    "https://gatehouse.example.com",
                    "http://10.1.2.3:9080",
                    "https://gatehouse.internal:8443/"
                }) {
            assertThat(ProductionSettings.publicUrlProblem(Optional.of(url))).as(url).isEmpty();
        }
        assertThat(ProductionSettings.publicUrlProblem(Optional.empty())).isPresent();
    }

    @Test
    void profilesAndEnvironmentNames() {
        assertThat(ProductionSettings.knownProfile("")).isTrue();
        assertThat(ProductionSettings.knownProfile("default")).isTrue();
        assertThat(ProductionSettings.knownProfile("production")).isTrue();
        assertThat(ProductionSettings.knownProfile("prod")).isFalse();
        assertThat(ProductionSettings.envName("gatehouse.db.owner.password"))
                .isEqualTo("GATEHOUSE_DB_OWNER_PASSWORD");
        assertThat(
                        StartupConfigurationCheck.unreadSecretFiles(
                                Map.of(
                                        "GATEHOUSE_DB_PASSWORD_FILE", "/x",
                                        "GATEHOUSE_DB_PASSWORD", "y",
                                        "OTHER_FILE", "/z")))
                .containsExactly("GATEHOUSE_DB_PASSWORD_FILE");
    }

    @Test
    void theMigrationJobAndApplicationPodsAreCheckedForWhatTheyHold() {
        // the Job: owner credentials only (no master key, runtime password or public URL)
        Map<String, String> job = new HashMap<>();
        job.put("gatehouse.db.owner.password", "s3cret-owner");
        assertThat(ProductionSettings.forMode("migrate", check(job))).isEmpty();
        job.put("gatehouse.db.owner.password", "gatehouse-owner-dev");
        assertThat(
                        settings(
                                ProductionSettings.forMode(
                                        "migrate", check(job, "GATEHOUSE_DB_PASSWORD_FILE"))))
                .containsExactly("GATEHOUSE_DB_OWNER_PASSWORD", "GATEHOUSE_DB_PASSWORD_FILE");
        // application pods never hold the owner password; everything else still counts
        Map<String, String> pod = safe();
        pod.remove("gatehouse.db.owner.password");
        assertThat(ProductionSettings.forMode("serve", check(pod))).isEmpty();
        pod.put("gatehouse.db.password", "gatehouse-app-dev");
        assertThat(settings(ProductionSettings.forMode("serve", check(pod))))
                .containsExactly("GATEHOUSE_DB_PASSWORD");
        // an unread secret file concerns every mode
        assertThat(settings(ProductionSettings.forMode("serve", check(pod, "GATEHOUSE_X_FILE"))))
                .containsExactly("GATEHOUSE_DB_PASSWORD", "GATEHOUSE_X_FILE");
        // the default mode (migrate, then serve) needs both
        pod.put("gatehouse.db.password", "s3cret-app");
        assertThat(settings(ProductionSettings.forMode("all", check(pod))))
                .containsExactly("GATEHOUSE_DB_OWNER_PASSWORD");
        assertThat(settings(ProductionSettings.forMode(null, check(pod))))
                .containsExactly("GATEHOUSE_DB_OWNER_PASSWORD");
    }
}
