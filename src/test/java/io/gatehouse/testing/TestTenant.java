package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tenant with a person per role and a client API key, for API tests. {@link #demo()} is the
 * seeded demo tenant (the test server runs in demo mode); {@link #fresh()} creates a new tenant
 * through the platform admin API, so that tests can prove isolation between tenants.
 *
 * <p>Roles: admin, author, reviewer, reviewer2, auditor. Demo users: admin, alice (author), bob and
 * carol (reviewers), dave (auditor).
 */
public final class TestTenant {
    public static final String DEMO_PASSWORD =
            TestEnv.env("GATEHOUSE_DEMO_PASSWORD", "gatehouse-demo");
    public static final String DEMO_API_KEY =
            TestEnv.env("GATEHOUSE_DEMO_API_KEY", "gh_demo_0123456789abcdefghijklmnopqrstuv");
    public static final String PLATFORM_ADMIN = "platform-admin";
    public static final String PLATFORM_ADMIN_PASSWORD =
            TestEnv.env("GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", "gatehouse-platform-admin");

    private static final Map<String, TestTenant> CACHE = new ConcurrentHashMap<>();

    private final String id;
    private final String slug;
    private final Map<String, String> usernames;
    private final Map<String, String> passwords;

    /**
     * Bearer tokens by role, each with the instant it stops being safe to use. The suite runs
     * longer than a token lives (15 minutes by default), so a cached token is replaced shortly
     * before it expires rather than kept for the whole JVM.
     */
    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();

    /** Renew a cached token once less than this much of its lifetime is left. */
    private static final java.time.Duration RENEW_BEFORE_EXPIRY = java.time.Duration.ofSeconds(90);

    /** A token and the instant after which {@link #token} logs in again. */
    private record Issued(String token, java.time.Instant renewAfter) {
        boolean fresh() {
            return java.time.Instant.now().isBefore(renewAfter);
        }
    }

    private final String apiKey;

    private TestTenant(
            String id,
            String slug,
            Map<String, String> usernames,
            Map<String, String> passwords,
            String apiKey) {
        this.id = id;
        this.slug = slug;
        this.usernames = usernames;
        this.passwords = passwords;
        this.apiKey = apiKey;
    }

    public static TestTenant demo() {
        return CACHE.computeIfAbsent(
                "demo",
                k -> {
                    Map<String, String> users =
                            Map.of(
                                    "admin",
                                    "admin",
                                    "author",
                                    "alice",
                                    "reviewer",
                                    "bob",
                                    "reviewer2",
                                    "carol",
                                    "auditor",
                                    "dave");
                    Map<String, String> pw = Map.of();
                    String token = login("admin", DEMO_PASSWORD);
                    JsonObject me =
                            Http.local()
                                    .get("/api/v1/me", "Authorization", "Bearer " + token)
                                    .json();
                    return new TestTenant(
                            me.getString("tenantId"), "demo", users, pw, DEMO_API_KEY);
                });
    }

    /** A new tenant with its own users and API key (each call makes a new one). */
    public static TestTenant fresh() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String slug = "t-" + suffix;
        String platformToken = login(PLATFORM_ADMIN, PLATFORM_ADMIN_PASSWORD);
        String adminName = "admin-" + suffix;
        String adminPassword = "pw-" + UUID.randomUUID();
        Http.Response created =
                Http.local()
                        .post(
                                "/api/v1/tenants",
                                Json.createObjectBuilder()
                                        .add("slug", slug)
                                        .add("displayName", "Test tenant " + suffix)
                                        .add(
                                                "admin",
                                                Json.createObjectBuilder()
                                                        .add("username", adminName)
                                                        .add("password", adminPassword))
                                        .build()
                                        .toString(),
                                "Authorization",
                                "Bearer " + platformToken);
        if (created.status() != 201) {
            throw new IllegalStateException("Could not create tenant: " + created);
        }
        String tenantId = created.json().getString("id");
        Issued admin = issue(adminName, adminPassword);
        String adminToken = admin.token();
        Map<String, String> users = new java.util.HashMap<>();
        Map<String, String> pw = new java.util.HashMap<>();
        users.put("admin", adminName);
        pw.put("admin", adminPassword);
        for (String role : new String[] {"author", "reviewer", "reviewer2", "auditor"}) {
            String name = role + "-" + suffix;
            String password = "pw-" + UUID.randomUUID();
            String wireRole = role.equals("reviewer2") ? "reviewer" : role;
            Http.Response u =
                    Http.local()
                            .post(
                                    "/api/v1/users",
                                    Json.createObjectBuilder()
                                            .add("username", name)
                                            .add("password", password)
                                            .add("roles", Json.createArrayBuilder().add(wireRole))
                                            .build()
                                            .toString(),
                                    "Authorization",
                                    "Bearer " + adminToken);
            if (u.status() != 201) {
                throw new IllegalStateException("Could not create user: " + u);
            }
            users.put(role, name);
            pw.put(role, password);
        }
        Http.Response key =
                Http.local()
                        .post(
                                "/api/v1/keys",
                                "{\"name\":\"test key\"}",
                                "Authorization",
                                "Bearer " + adminToken);
        if (key.status() != 201) {
            throw new IllegalStateException("Could not create API key: " + key);
        }
        TestTenant t = new TestTenant(tenantId, slug, users, pw, key.json().getString("key"));
        t.tokens.put("admin", admin);
        return t;
    }

    public static String login(String username, String password) {
        return issue(username, password).token();
    }

    private static Issued issue(String username, String password) {
        java.time.Instant asked = java.time.Instant.now();
        Http.Response r =
                Http.local()
                        .post(
                                "/api/v1/auth/login",
                                Json.createObjectBuilder()
                                        .add("username", username)
                                        .add("password", password)
                                        .build()
                                        .toString());
        if (r.status() != 200) {
            throw new IllegalStateException("Login of " + username + " failed: " + r);
        }
        JsonObject body = r.json();
        long lifetime = body.getJsonNumber("expires_in").longValue();
        return new Issued(
                body.getString("access_token"),
                asked.plusSeconds(lifetime).minus(RENEW_BEFORE_EXPIRY));
    }

    public String id() {
        return id;
    }

    public String slug() {
        return slug;
    }

    public String password(String role) {
        return passwords.isEmpty() ? DEMO_PASSWORD : passwords.get(role);
    }

    public String username(String role) {
        return usernames.get(role);
    }

    /**
     * A bearer token for the person holding {@code role} (admin, author, reviewer, reviewer2,
     * auditor).
     */
    public String token(String role) {
        return tokens.compute(
                        role,
                        (r, held) ->
                                held != null && held.fresh()
                                        ? held
                                        : issue(
                                                usernames.get(r),
                                                passwords.isEmpty()
                                                        ? DEMO_PASSWORD
                                                        : passwords.get(r)))
                .token();
    }

    /** {@code "Authorization", "Bearer ..."} for {@link Http} calls. */
    public String[] auth(String role) {
        return new String[] {"Authorization", "Bearer " + token(role)};
    }

    /** The platform admin sets this tenant's {@code status} (active, suspended); 200 asserted. */
    public void status(String status) {
        String platform = login(PLATFORM_ADMIN, PLATFORM_ADMIN_PASSWORD);
        Http.Response r =
                Http.local()
                        .method(
                                "PATCH",
                                "/api/v1/tenants/" + id,
                                Json.createObjectBuilder().add("status", status).build().toString(),
                                "Authorization",
                                "Bearer " + platform);
        assertThat(r.status()).as(status + ": " + r).isEqualTo(200);
    }

    /**
     * The credentials of the person holding {@code role} in a fresh tenant the platform admin then
     * suspends: the 403 ({@code tenant_suspended}) of an endpoint every role of a tenant may use.
     */
    public static String[] suspendedPerson(String role) {
        TestTenant s = fresh();
        String[] auth = s.auth(role);
        s.status("suspended");
        return auth;
    }

    public String apiKey() {
        return apiKey;
    }

    public String[] keyAuth() {
        return new String[] {"Authorization", "Bearer " + apiKey};
    }
}
