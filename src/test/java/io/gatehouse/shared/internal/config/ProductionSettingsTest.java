package io.gatehouse.shared.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

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

    static List<String> check(Map<String, String> settings, String... unreadFiles) {
        return ProductionSettings.violations(
                k -> Optional.ofNullable(settings.get(k)), List.of(unreadFiles));
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
        List<String> v = check(s, "GATEHOUSE_MASTER_KEY_PREVIOUS_FILE");
        assertThat(v)
                .hasSize(8)
                .anySatisfy(x -> assertThat(x).startsWith("GATEHOUSE_DEMO_ENABLED:"))
                .anySatisfy(x -> assertThat(x).startsWith("GATEHOUSE_DB_PASSWORD:"))
                .anySatisfy(x -> assertThat(x).startsWith("GATEHOUSE_DB_OWNER_PASSWORD:"))
                .anySatisfy(x -> assertThat(x).startsWith("GATEHOUSE_KEYSTORE_PASSWORD:"))
                .anySatisfy(x -> assertThat(x).startsWith("GATEHOUSE_MASTER_KEY:"))
                .anySatisfy(x -> assertThat(x).startsWith("GATEHOUSE_PUBLIC_URL:"))
                .anySatisfy(x -> assertThat(x).startsWith("GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD:"))
                .anySatisfy(x -> assertThat(x).startsWith("GATEHOUSE_MASTER_KEY_PREVIOUS_FILE:"));
        // the messages never echo a secret value
        assertThat(String.join("\n", v))
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
            assertThat(check(s))
                    .as(String.valueOf(key))
                    .singleElement()
                    .asString()
                    .startsWith("GATEHOUSE_MASTER_KEY:");
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
                .satisfies(v -> assertThat(v).startsWith("GATEHOUSE_METRICS_ACCESS: public"));
        s.put("gatehouse.metrics.access", "open");
        assertThat(check(s))
                .singleElement()
                .satisfies(v -> assertThat(v).contains("'open' is not a value"));
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
        assertThat(check(s)).singleElement().asString().startsWith("GATEHOUSE_KEYSTORE_PASSWORD:");
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
        assertThat(ProductionSettings.forMode("migrate", check(job, "GATEHOUSE_DB_PASSWORD_FILE")))
                .hasSize(2)
                .anySatisfy(x -> assertThat(x).startsWith("GATEHOUSE_DB_OWNER_PASSWORD:"))
                .anySatisfy(x -> assertThat(x).startsWith("GATEHOUSE_DB_PASSWORD_FILE:"));
        // application pods never hold the owner password; everything else still counts
        Map<String, String> pod = safe();
        pod.remove("gatehouse.db.owner.password");
        assertThat(ProductionSettings.forMode("serve", check(pod))).isEmpty();
        pod.put("gatehouse.db.password", "gatehouse-app-dev");
        assertThat(ProductionSettings.forMode("serve", check(pod)))
                .singleElement()
                .satisfies(x -> assertThat(x).startsWith("GATEHOUSE_DB_PASSWORD:"));
        // the default mode (migrate, then serve) needs both
        pod.put("gatehouse.db.password", "s3cret-app");
        assertThat(ProductionSettings.forMode("all", check(pod)))
                .singleElement()
                .satisfies(x -> assertThat(x).startsWith("GATEHOUSE_DB_OWNER_PASSWORD:"));
    }
}
