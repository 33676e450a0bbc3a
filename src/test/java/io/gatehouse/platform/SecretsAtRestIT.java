package io.gatehouse.platform;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.shared.internal.crypto.MasterKeySecretBox;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestEnv;
import io.gatehouse.testing.TestTenant;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets at rest (docs/security.md, "Secrets at rest"): after each secret is handed to Gatehouse
 * through its API, a superuser's scan of every row of every table finds no trace of it (as text,
 * and for binary keys as base64 or hex); the stored value is sealed under the master key for its
 * purpose (it opens with the test master key under that context and under no other); and the
 * product still uses it (the provider gets the credential, the webhook signature verifies, logins
 * sign, checkpoints are signed). API keys and passwords are not sealed but hashed: only the hash is
 * stored.
 */
class SecretsAtRestIT {
    static final Http HTTP = Http.local();
    static final String OK =
            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"sealed\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
    static WireMockServer standIn;
    static MasterKeySecretBox box;

    @BeforeAll
    static void start() {
        standIn = new WireMockServer(options().dynamicPort());
        standIn.start();
        box = new MasterKeySecretBox(TestEnv.env("GATEHOUSE_MASTER_KEY", ""));
    }

    @AfterAll
    static void stop() {
        standIn.stop();
    }

    /** Every table, as {@code schema.table}, one of whose rows holds {@code needle} in its text. */
    static List<String> tablesContaining(String needle) throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection c = Db.asSuperuser()) {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables"
                                            + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).as("the scan sees the schema").contains("public.edge_users");
            for (String table : tables) {
                // a row's text form includes bytea as hex and jsonb as text
                try (PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT EXISTS (SELECT 1 FROM "
                                        + table
                                        + " r WHERE strpos(r::text, ?) > 0)")) {
                    ps.setString(1, needle);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            found.add(table);
                        }
                    }
                }
            }
        }
        return found;
    }

    /** Neither {@code secret} nor the base64 of its UTF-8 bytes is stored anywhere. */
    static void assertNowhereInTheDatabase(String what, String secret) throws Exception {
        assertNoneStored(what, secret, base64(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** No encoding of {@code secret} (base64, base64url, hex as bytea prints) is stored. */
    static void assertNowhereInTheDatabase(String what, byte[] secret) throws Exception {
        assertNoneStored(
                what,
                base64(secret),
                Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
                HexFormat.of().formatHex(secret));
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static void assertNoneStored(String what, String... forms) throws Exception {
        for (String form : forms) {
            // a long value is looked for by a 24-character piece from its middle (line breaks,
            // padding or a prefix around it cannot hide it then)
            String needle =
                    form.length() <= 24
                            ? form
                            : form.substring(form.length() / 2 - 12, form.length() / 2 + 12);
            assertThat(tablesContaining(needle)).as(what + " stored as " + needle).isEmpty();
        }
    }

    static String string(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getString(1);
            }
        }
    }

    @Test
    void theScanFindsWhatIsStored() throws Exception {
        // the positive control of every "nowhere" below: the same scan finds stored text
        TestTenant t = TestTenant.fresh();
        assertThat(tablesContaining(t.slug())).contains("public.edge_tenants");
        assertThat(tablesContaining(ApiKeySecretsHash.of(t.apiKey())))
                .contains("public.edge_api_keys");
    }

    @Test
    void aProviderCredentialIsSealedForItsTenantAndProviderAndStillReachesTheProvider()
            throws Exception {
        TestTenant t = TestTenant.fresh();
        String credential = "sk-atrest-" + UUID.randomUUID().toString().replace("-", "");
        String name = "rest-" + UUID.randomUUID().toString().substring(0, 8);
        standIn.stubFor(
                post(urlEqualTo("/rest/v1/chat/completions"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(OK)));
        // through governance, as an admin configures it: proposed, reviewed twice, published
        Http.Response proposed =
                HTTP.post(
                        "/api/v1/changes",
                        "{\"kind\":\"provider\",\"target\":\""
                                + name
                                + "\",\"content\":{\"kind\":\"openai\",\"baseUrl\":\"http://localhost:"
                                + standIn.port()
                                + "/rest/v1\",\"credential\":\""
                                + credential
                                + "\",\"models\":[{\"name\":\"m\"}]}}",
                        t.auth("admin"));
        assertThat(proposed.status()).as(proposed.toString()).isEqualTo(201);
        String id = proposed.json().getString("id");
        Changes.ok(t, "admin", id, "submit");
        Changes.ok(t, "reviewer", id, "approve");
        Changes.ok(t, "reviewer2", id, "approve");
        assertThat(Changes.ok(t, "admin", id, "publish")).isEqualTo("published");
        CatalogFixture.route(t.id(), name, "chat", "priority", 0, name + "/m");

        Http.Response chat =
                HTTP.post(
                        "/v1/chat/completions",
                        "{\"model\":\""
                                + name
                                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                        t.keyAuth());
        assertThat(chat.status()).as(chat.toString()).isEqualTo(200);
        standIn.verify(
                1,
                postRequestedFor(urlEqualTo("/rest/v1/chat/completions"))
                        .withHeader("Authorization", equalTo("Bearer " + credential)));

        assertNowhereInTheDatabase("the provider credential", credential);
        try (Connection c = Db.asSuperuser()) {
            String sealed =
                    string(
                            c,
                            "SELECT credential FROM routing_providers WHERE tenant_id = ?::uuid AND name = ?",
                            t.id(),
                            name);
            assertThat(sealed).startsWith("v1:");
            String context = "provider-credential:" + t.id() + ":" + name;
            assertThat(new String(box.open(sealed, context), StandardCharsets.UTF_8))
                    .isEqualTo(credential);
            String otherTenant = "provider-credential:" + TestTenant.demo().id() + ":" + name;
            assertThatThrownBy(() -> box.open(sealed, otherTenant))
                    .as("bound to its tenant and provider");
        }
    }

    @Test
    void aWebhookSecretIsSealedAndStillSignsDeliveries() throws Exception {
        TestTenant t = TestTenant.fresh();
        String secret = "whsec_atrest-" + UUID.randomUUID().toString().replace("-", "");
        List<String[]> received = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext(
                "/hook",
                ex -> {
                    String body =
                            new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    received.add(
                            new String[] {
                                ex.getRequestHeaders().getFirst("X-Gatehouse-Signature"), body
                            });
                    ex.sendResponseHeaders(204, -1);
                    ex.close();
                });
        hook.start();
        try {
            Http.Response w =
                    HTTP.post(
                            "/api/v1/webhooks",
                            "{\"url\":\"http://localhost:"
                                    + hook.getAddress().getPort()
                                    + "/hook\",\"secret\":\""
                                    + secret
                                    + "\"}",
                            t.auth("admin"));
            assertThat(w.status()).as(w.toString()).isEqualTo(201);
            String webhookId = w.json().getString("id");
            Changes.create(t, "author", Changes.uniquePrompt(), "at rest");
            long deadline = System.currentTimeMillis() + 20_000;
            while (received.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(received).as("a delivery").isNotEmpty();
            String[] header = received.get(0)[0].split(",");
            String ts = header[0].substring("t=".length());
            String v1 = header[1].substring("v1=".length());
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected =
                    mac.doFinal((ts + "." + received.get(0)[1]).getBytes(StandardCharsets.UTF_8));
            assertThat(MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1)))
                    .as("signed with the secret the product unsealed")
                    .isTrue();

            assertNowhereInTheDatabase("the webhook secret", secret);
            try (Connection c = Db.asSuperuser()) {
                String sealed =
                        string(
                                c,
                                "SELECT secret_sealed FROM governance_webhooks WHERE id = ?::uuid",
                                webhookId);
                assertThat(sealed).startsWith("v1:");
                assertThat(
                                new String(
                                        box.open(sealed, "governance.webhook:" + webhookId),
                                        StandardCharsets.UTF_8))
                        .isEqualTo(secret);
                assertThatThrownBy(
                        () -> box.open(sealed, "governance.webhook:" + UUID.randomUUID()));
            }
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void tokenAndCheckpointSigningKeysAreSealedAndStillSign() throws Exception {
        // the product signs with both: a login, and a checkpoint of a fresh tenant's chain
        TestTenant t = TestTenant.fresh();
        assertThat(HTTP.get("/api/v1/me", t.auth("auditor")).status()).isEqualTo(200);
        Http.Response checkpoint = HTTP.post("/api/v1/audit/checkpoints", "", t.auth("auditor"));
        assertThat(checkpoint.status()).as(checkpoint.toString()).isEqualTo(200);
        String checkpointKey = checkpoint.json().getString("keyId");

        try (Connection c = Db.asSuperuser()) {
            String kid =
                    string(
                            c,
                            "SELECT kid FROM edge_signing_keys WHERE private_key_sealed IS NOT NULL");
            String tokenKey =
                    string(
                            c,
                            "SELECT private_key_sealed FROM edge_signing_keys WHERE kid = ?",
                            kid);
            assertThat(tokenKey).startsWith("v1:");
            byte[] pkcs8 = box.open(tokenKey, "edge-signing-key:" + kid);
            assertThatThrownBy(() -> box.open(tokenKey, "audit-checkpoint-key:" + kid));
            assertNowhereInTheDatabase("the token signing key's private half", pkcs8);

            String auditKey =
                    string(
                            c,
                            "SELECT private_key_sealed FROM audit_signing_keys WHERE key_id = ?",
                            checkpointKey);
            assertThat(auditKey).startsWith("v1:");
            byte[] auditPkcs8 = box.open(auditKey, "audit-checkpoint-key:" + checkpointKey);
            assertThatThrownBy(() -> box.open(auditKey, "edge-signing-key:" + checkpointKey));
            assertNowhereInTheDatabase("the checkpoint key's private half", auditPkcs8);
        }
    }

    @Test
    void apiKeysAndPasswordsAreStoredOnlyAsHashes() throws Exception {
        TestTenant t = TestTenant.fresh();
        assertThat(HTTP.get("/v1/models", t.keyAuth()).status()).isEqualTo(200);
        assertNowhereInTheDatabase("an API key", t.apiKey());
        // the hash itself is stored (and named in the change feed when a key changes)
        assertThat(tablesContaining(ApiKeySecretsHash.of(t.apiKey())))
                .contains("public.edge_api_keys");
        assertNowhereInTheDatabase("a password", t.password("auditor"));
        try (Connection c = Db.asSuperuser()) {
            assertThat(
                            string(
                                    c,
                                    "SELECT password_hash FROM edge_users WHERE username = ?",
                                    t.username("auditor")))
                    .as("Argon2id with OWASP's minimum: 19 MiB, t=2, p=1")
                    .startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        }
    }

    /** The stored form of an API key: lowercase hex SHA-256 of the key (ApiKeySecretsTest). */
    static final class ApiKeySecretsHash {
        static String of(String key) throws Exception {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
