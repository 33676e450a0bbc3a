package io.gatehouse.shared.internal.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What the production profile ({@code GATEHOUSE_PROFILE=production}) refuses, each violation naming
 * its setting by environment name. Pure: the settings come in through a lookup (MicroProfile Config
 * in the server, a map in tests), so that every case is tested without a server.
 */
public final class ProductionSettings {
    public static final String PRODUCTION = "production";

    /** The development defaults of server.xml and the local scripts: public, so never secret. */
    static final Map<String, String> DEV_DEFAULTS =
            Map.of(
                    "gatehouse.db.password", "gatehouse-app-dev",
                    "gatehouse.db.owner.password", "gatehouse-owner-dev",
                    "gatehouse.keystore.password", "gatehouse-dev-keystore",
                    "gatehouse.bootstrap.admin.password", "gatehouse-platform-admin");

    /** Master keys published in this repository (demo run script, test script). */
    static final Set<String> PUBLISHED_MASTER_KEYS =
            Set.of(
                    "ZGVtby1vbmx5LW1hc3Rlci1rZXktbm90LXNlY3JldCE=",
                    "dGVzdC1vbmx5LW1hc3Rlci1rZXktMzItYnl0ZXMhISE=");

    /** The setting which a mode of the server does not hold: application pods never get it. */
    static final String OWNER_PASSWORD = "GATEHOUSE_DB_OWNER_PASSWORD";

    /**
     * One refusal: the setting by its environment name ({@code GATEHOUSE_PUBLIC_URL}, or a {@code
     * GATEHOUSE_*_FILE} variable) and why, never echoing the value.
     */
    public record Violation(String setting, String message) {
        /** A {@code GATEHOUSE_*_FILE} variable the launcher did not read. */
        public boolean unreadSecretFile() {
            return setting.endsWith("_FILE");
        }

        @Override
        public String toString() {
            return setting + ": " + message;
        }
    }

    private ProductionSettings() {}

    /**
     * The environment name of a setting: {@code gatehouse.db.password -> GATEHOUSE_DB_PASSWORD}.
     */
    public static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Whether a profile name is one this server knows (unset counts as the default profile). */
    public static boolean knownProfile(String profile) {
        return profile.isBlank() || profile.equals("default") || profile.equals(PRODUCTION);
    }

    /**
     * Every reason the production profile refuses these settings, in a fixed order; empty when the
     * server may start.
     *
     * @param setting a property name ({@code gatehouse.db.password}) to its value, if set
     * @param unreadFiles {@code GATEHOUSE_*_FILE} variables the launcher did not turn into settings
     */
    public static List<Violation> violations(
            Function<String, Optional<String>> setting, List<String> unreadFiles) {
        List<Violation> out = new ArrayList<>();
        if (setting.apply("gatehouse.demo.enabled")
                .map(v -> v.trim().equalsIgnoreCase("true"))
                .orElse(false)) {
            out.add(
                    new Violation(
                            "GATEHOUSE_DEMO_ENABLED",
                            "demo mode (demo tenant, published passwords and key) is refused in"
                                    + " production; unset it"));
        }
        for (Map.Entry<String, String> d :
                List.of(
                        Map.entry(
                                "gatehouse.db.password", DEV_DEFAULTS.get("gatehouse.db.password")),
                        Map.entry(
                                "gatehouse.db.owner.password",
                                DEV_DEFAULTS.get("gatehouse.db.owner.password")),
                        Map.entry(
                                "gatehouse.keystore.password",
                                DEV_DEFAULTS.get("gatehouse.keystore.password")))) {
            Optional<String> v = setting.apply(d.getKey()).filter(s -> !s.isBlank());
            if (v.isEmpty() || v.get().equals(d.getValue())) {
                out.add(
                        new Violation(
                                envName(d.getKey()),
                                "unset or the published development default; set a password of"
                                        + " your own"));
            }
        }
        setting.apply("gatehouse.bootstrap.admin.password")
                .filter(v -> v.equals(DEV_DEFAULTS.get("gatehouse.bootstrap.admin.password")))
                .ifPresent(
                        v ->
                                out.add(
                                        new Violation(
                                                "GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD",
                                                "the test suite's published password; choose"
                                                        + " another")));
        Optional<String> key = setting.apply("gatehouse.master.key").map(String::trim);
        if (key.isEmpty() || key.get().isEmpty()) {
            out.add(
                    new Violation(
                            "GATEHOUSE_MASTER_KEY", "unset; give it 32 random bytes, base64"));
        } else if (PUBLISHED_MASTER_KEYS.contains(key.get())) {
            out.add(
                    new Violation(
                            "GATEHOUSE_MASTER_KEY",
                            "the published demo/test master key; generate your own (head -c 32"
                                    + " /dev/urandom | base64) and keep the old one in"
                                    + " GATEHOUSE_MASTER_KEY_PREVIOUS while values are re-sealed"));
        }
        publicUrlProblem(setting.apply("gatehouse.public.url"))
                .ifPresent(p -> out.add(new Violation("GATEHOUSE_PUBLIC_URL", p)));
        metricsAccessProblem(setting.apply("gatehouse.metrics.access"), true)
                .ifPresent(p -> out.add(new Violation("GATEHOUSE_METRICS_ACCESS", p)));
        for (String f : unreadFiles) {
            out.add(
                    new Violation(
                            f,
                            "set, but the file was not read (Liberty's bin/server reads secret"
                                    + " files through the shipped server.env)"));
        }
        return out;
    }

    /**
     * The violations that apply to a server in {@code GATEHOUSE_MODE} {@code mode}: the migration
     * Job ({@code migrate}) holds only the owner role's credentials, so only the owner password
     * (and unread secret files) concern it; application pods ({@code serve}) never hold the owner
     * password, so its absence is no violation there. {@code all} (the default) needs everything.
     */
    public static List<Violation> forMode(String mode, List<Violation> violations) {
        return switch (mode == null ? "all" : mode.trim()) {
            case "migrate" ->
                    violations.stream()
                            .filter(v -> v.setting().equals(OWNER_PASSWORD) || v.unreadSecretFile())
                            .toList();
            case "serve" ->
                    violations.stream().filter(v -> !v.setting().equals(OWNER_PASSWORD)).toList();
            default -> violations;
        };
    }

    /**
     * What is wrong with a {@code /metrics} access setting (server.xml includes {@code
     * metrics-<access>.xml}), or empty. {@code public} shows tenant slugs, routes, providers,
     * models and rule names to anyone who reaches the port: refused in production.
     */
    public static Optional<String> metricsAccessProblem(
            Optional<String> value, boolean production) {
        String v = value.map(String::trim).filter(s -> !s.isEmpty()).orElse("authenticated");
        return switch (v) {
            case "authenticated" -> Optional.empty();
            case "public" ->
                    production
                            ? Optional.of(
                                    "public shows tenant slugs, routes, providers, models and rule"
                                            + " names to anyone who reaches the port; use"
                                            + " authenticated (the default) with"
                                            + " GATEHOUSE_METRICS_USER and GATEHOUSE_METRICS_PASSWORD")
                            : Optional.empty();
            default ->
                    Optional.of(
                            "'"
                                    + v
                                    + "' is not a value (authenticated or public); the server"
                                    + " refuses to start rather than guess who may read /metrics");
        };
    }

    /** Why a public URL is not one clients elsewhere can use, or empty. */
    static Optional<String> publicUrlProblem(Optional<String> value) {
        String v = value.map(String::trim).orElse("");
        if (v.isEmpty()) {
            return Optional.of(
                    "unset; set the address clients use (https://gatehouse.example.com), the same"
                            + " on every instance");
        }
        URI u;
        try {
            u = URI.create(v);
        } catch (IllegalArgumentException e) {
            return Optional.of("not a URL");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || u.getHost() == null) {
            return Optional.of("not an absolute http(s) URL");
        }
        String host = u.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equals("localhost") || host.endsWith(".localhost") || loopbackLiteral(host)) {
            return Optional.of(
                    "names this machine ("
                            + u.getHost()
                            + "); set the address clients use to reach Gatehouse");
        }
        return Optional.empty();
    }

    private static boolean loopbackLiteral(String host) {
        // only literals: a name is not resolved here (no DNS at startup for a check)
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            return false;
        }
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || a.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
