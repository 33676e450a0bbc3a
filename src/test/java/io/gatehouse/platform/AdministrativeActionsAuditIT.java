package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.CatalogFixture;
import io.gatehouse.routing.McpOversightIT;
import io.gatehouse.testing.Changes;
import io.gatehouse.testing.Db;
import io.gatehouse.testing.GoldenSets;
import io.gatehouse.testing.Http;
import io.gatehouse.testing.TestTenant;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * "Every administrative action is audited" (docs/security.md): the mutating operations under {@code
 * /api/v1} are read from the server's own OpenAPI document, and each must either be in the table
 * below, where it is called and must leave its audit event, or be listed as exempt with the reason.
 * A new endpoint without an entry fails this test until someone says which event it records.
 */
class AdministrativeActionsAuditIT {
    private static final Http HTTP = Http.local();
    private static final Set<String> MUTATING = Set.of("post", "put", "patch", "delete");

    /** Mutating operations that record no event of their own, and why. */
    private static final Map<String, String> EXEMPT =
            Map.of(
                    "POST /api/v1/policies/test",
                    "a dry run of a draft policy: it changes nothing (reading retained content for"
                            + " its replay is audited as audit.content.read: PolicyReplayOverContentIT)",
                    "POST /api/v1/golden-sets/capture",
                    "builds case skeletons and stores nothing; reading the retained content is"
                            + " audited as audit.content.read (GoldenSetCaptureIT)",
                    "POST /api/v1/audit/checkpoints",
                    "the signed checkpoint is itself appended to the trail; an event for it would"
                            + " move the head it signs",
                    "POST /api/v1/auth/refresh",
                    "renews a console session whose sign-in was audited (auth.login); a reused"
                            + " refresh token is audited as auth.refresh_reuse, other refusals as"
                            + " auth.refresh failures, a session ended at renewal as"
                            + " auth.session_revoked (SingleSignOnIT)",
                    "POST /api/v1/auth/oidc/redeem",
                    "redeems the one-time code of a single sign-on the callback already audited"
                            + " as auth.login with method oidc (SingleSignOnIT)");

    /**
     * One administrative call and the audit action it must leave; {@code setup} runs before the
     * events are counted (it may record events of the same action).
     */
    private record Case(String action, Runnable setup, Supplier<Http.Response> call) {
        Case(String action, Supplier<Http.Response> call) {
            this(action, () -> {}, call);
        }
    }

    @Test
    void everyMutatingEndpointUnderApiV1LeavesItsAuditEvent() throws Exception {
        Set<String> documented = mutatingOperations();
        assertThat(documented)
                .as("the OpenAPI document lists the administrative endpoints")
                .contains("POST /api/v1/keys", "PATCH /api/v1/tenants/{id}");

        Map<String, Case> cases = cases();
        Set<String> covered = new TreeSet<>(cases.keySet());
        covered.addAll(EXEMPT.keySet());
        assertThat(covered)
                .as(
                        "every mutating /api/v1 operation has a case here (with its audit action) or"
                                + " an exemption; the table names no operation the server lacks")
                .isEqualTo(new TreeSet<>(documented));

        List<String> missing = new ArrayList<>();
        for (var e : cases.entrySet()) {
            String action = e.getValue().action();
            e.getValue().setup().run();
            long before = count(action);
            Http.Response r = e.getValue().call().get();
            assertThat(r.status()).as(e.getKey() + ": " + r).isBetween(200, 299);
            if (!awaitMore(action, before)) {
                missing.add(e.getKey() + " -> " + action);
            }
        }
        assertThat(missing).as("administrative calls that left no audit event").isEmpty();
    }

    /** "METHOD path" of every mutating operation under /api/v1 in the served OpenAPI document. */
    static Set<String> mutatingOperations() {
        Http.Response doc = HTTP.get("/openapi?format=JSON", "Accept", "application/json");
        assertThat(doc.status()).as(doc.toString()).isEqualTo(200);
        Set<String> out = new TreeSet<>();
        for (var p : doc.json().getJsonObject("paths").entrySet()) {
            if (!p.getKey().startsWith("/api/v1/")) {
                continue;
            }
            for (String method : p.getValue().asJsonObject().keySet()) {
                if (MUTATING.contains(method)) {
                    out.add(method.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey());
                }
            }
        }
        return out;
    }

    /**
     * The calls, in an order where each finds what it needs (a key to revoke, a hold to release).
     */
    private static Map<String, Case> cases() {
        Map<String, Case> c = new LinkedHashMap<>();
        String[] platform = {
            "Authorization",
            "Bearer "
                    + TestTenant.login(
                            TestTenant.PLATFORM_ADMIN, TestTenant.PLATFORM_ADMIN_PASSWORD)
        };
        TestTenant t = TestTenant.fresh();
        Map<String, String> ids = new java.util.HashMap<>();
        String s = UUID.randomUUID().toString().substring(0, 8);

        // platform administration
        c.put(
                "POST /api/v1/tenants",
                new Case(
                        "tenant.create",
                        () -> {
                            Http.Response r =
                                    HTTP.post(
                                            "/api/v1/tenants",
                                            Json.createObjectBuilder()
                                                    .add("slug", "aud-" + s)
                                                    .add("displayName", "Audited " + s)
                                                    .add(
                                                            "admin",
                                                            Json.createObjectBuilder()
                                                                    .add(
                                                                            "username",
                                                                            "aud-admin-" + s)
                                                                    .add(
                                                                            "password",
                                                                            "pw-"
                                                                                    + UUID
                                                                                            .randomUUID()))
                                                    .build()
                                                    .toString(),
                                            platform);
                            ids.put("tenant", r.status() == 201 ? r.json().getString("id") : "");
                            return r;
                        }));
        c.put(
                "PATCH /api/v1/tenants/{id}",
                new Case(
                        "tenant.update",
                        () ->
                                HTTP.method(
                                        "PATCH",
                                        "/api/v1/tenants/" + ids.get("tenant"),
                                        "{\"status\":\"suspended\"}",
                                        platform)));
        c.put(
                "PUT /api/v1/platform/tenants/{id}/egress-allowlist",
                new Case(
                        "egress.allowlist.update",
                        () ->
                                HTTP.method(
                                        "PUT",
                                        "/api/v1/platform/tenants/"
                                                + ids.get("tenant")
                                                + "/egress-allowlist",
                                        "{\"entries\":[]}",
                                        platform)));
        c.put(
                "POST /api/v1/platform/signing-keys/rotate",
                new Case(
                        "signing_key.rotate",
                        () -> HTTP.post("/api/v1/platform/signing-keys/rotate", "", platform)));
        // the key just made active has signed nothing yet: revoking it ends no test's token
        c.put(
                "POST /api/v1/platform/signing-keys/{kid}/revoke",
                new Case(
                        "signing_key.revoke",
                        () -> {
                            String kid = null;
                            for (JsonValue k :
                                    HTTP.get("/api/v1/platform/signing-keys", platform)
                                            .json()
                                            .getJsonArray("keys")) {
                                if (k.asJsonObject().getString("status").equals("active")) {
                                    kid = k.asJsonObject().getString("kid");
                                }
                            }
                            return HTTP.post(
                                    "/api/v1/platform/signing-keys/" + kid + "/revoke",
                                    "{\"reason\":\"audit coverage test\"}",
                                    platform);
                        }));
        c.put(
                "POST /api/v1/audit/keys/rotate",
                new Case(
                        "audit.key.rotate",
                        () -> HTTP.post("/api/v1/audit/keys/rotate", "", platform)));
        c.put(
                "POST /api/v1/audit/retention/purge",
                new Case(
                        "audit.content.purge.run",
                        () -> HTTP.post("/api/v1/audit/retention/purge", "", platform)));

        // a tenant's administration
        for (String k : new String[] {"rotate", "revoke", "delete"}) {
            ids.put(
                    "key-" + k,
                    HTTP.post("/api/v1/keys", "{\"name\":\"to " + k + "\"}", t.auth("admin"))
                            .json()
                            .getString("id"));
        }
        c.put(
                "POST /api/v1/keys",
                new Case(
                        "key.create",
                        () ->
                                HTTP.post(
                                        "/api/v1/keys",
                                        "{\"name\":\"audited\"}",
                                        t.auth("admin"))));
        c.put(
                "POST /api/v1/keys/{id}/rotate",
                new Case(
                        "key.rotate",
                        () ->
                                HTTP.post(
                                        "/api/v1/keys/" + ids.get("key-rotate") + "/rotate",
                                        "{\"overlapSeconds\":60}",
                                        t.auth("admin"))));
        c.put(
                "POST /api/v1/keys/{id}/revoke",
                new Case(
                        "key.revoke",
                        () ->
                                HTTP.post(
                                        "/api/v1/keys/" + ids.get("key-revoke") + "/revoke",
                                        "",
                                        t.auth("admin"))));
        c.put(
                "DELETE /api/v1/keys/{id}",
                new Case(
                        "key.revoke",
                        () ->
                                HTTP.method(
                                        "DELETE",
                                        "/api/v1/keys/" + ids.get("key-delete"),
                                        null,
                                        t.auth("admin"))));
        c.put(
                "PUT /api/v1/limits",
                new Case(
                        "limits.update",
                        () ->
                                HTTP.method(
                                        "PUT",
                                        "/api/v1/limits",
                                        "{\"rpmLimit\":1000}",
                                        t.auth("admin"))));
        String user = "aud-user-" + s;
        String[] passwords = {
            "first-long-password-1", "second-long-password-2", "third-long-password-3"
        };
        c.put(
                "POST /api/v1/users",
                new Case(
                        "user.create",
                        () -> {
                            Http.Response r =
                                    HTTP.post(
                                            "/api/v1/users",
                                            Json.createObjectBuilder()
                                                    .add("username", user)
                                                    .add("password", passwords[0])
                                                    .add(
                                                            "roles",
                                                            Json.createArrayBuilder().add("author"))
                                                    .build()
                                                    .toString(),
                                            t.auth("admin"));
                            ids.put("user", r.status() == 201 ? r.json().getString("id") : "");
                            return r;
                        }));
        c.put(
                "PATCH /api/v1/users/{id}",
                new Case(
                        "user.update",
                        () ->
                                HTTP.method(
                                        "PATCH",
                                        "/api/v1/users/" + ids.get("user"),
                                        "{\"roles\":[\"reviewer\"]}",
                                        t.auth("admin"))));
        c.put(
                "POST /api/v1/users/{id}/reset-password",
                new Case(
                        "user.password_reset",
                        () ->
                                HTTP.post(
                                        "/api/v1/users/" + ids.get("user") + "/reset-password",
                                        "{\"password\":\"" + passwords[1] + "\"}",
                                        t.auth("admin"))));
        c.put(
                "DELETE /api/v1/sessions",
                new Case(
                        "auth.session_revoked",
                        () ->
                                HTTP.method(
                                        "DELETE",
                                        "/api/v1/sessions?subject=" + ids.get("user"),
                                        null,
                                        t.auth("admin"))));
        c.put(
                "POST /api/v1/auth/login",
                new Case(
                        "auth.login",
                        () -> {
                            Http.Response r = login(user, passwords[1]);
                            ids.put(
                                    "token",
                                    r.status() == 200 ? r.json().getString("access_token") : "");
                            return r;
                        }));
        c.put(
                "POST /api/v1/auth/password",
                new Case(
                        "auth.password_change",
                        () ->
                                HTTP.post(
                                        "/api/v1/auth/password",
                                        Json.createObjectBuilder()
                                                .add("currentPassword", passwords[1])
                                                .add("newPassword", passwords[2])
                                                .build()
                                                .toString(),
                                        "Authorization",
                                        "Bearer " + ids.get("token"))));
        c.put(
                "POST /api/v1/auth/logout",
                new Case(
                        "auth.logout",
                        () -> {
                            // the password change ended the earlier token
                            String token =
                                    login(user, passwords[2]).json().getString("access_token");
                            return HTTP.post(
                                    "/api/v1/auth/logout", "", "Authorization", "Bearer " + token);
                        }));
        c.put(
                "POST /api/v1/webhooks",
                new Case(
                        "webhook.create",
                        () -> {
                            Http.Response r =
                                    HTTP.post(
                                            "/api/v1/webhooks",
                                            "{\"url\":\"http://localhost:9/hook\"}",
                                            t.auth("admin"));
                            ids.put("webhook", r.status() == 201 ? r.json().getString("id") : "");
                            return r;
                        }));
        c.put(
                "DELETE /api/v1/webhooks/{id}",
                new Case(
                        "webhook.deactivate",
                        () ->
                                HTTP.method(
                                        "DELETE",
                                        "/api/v1/webhooks/" + ids.get("webhook"),
                                        null,
                                        t.auth("admin"))));
        c.put(
                "PUT /api/v1/approval-policies",
                new Case(
                        "approval_policy.set",
                        () ->
                                HTTP.method(
                                        "PUT",
                                        "/api/v1/approval-policies",
                                        "{\"kind\":\"prompt\",\"risk\":\"LOW\",\"requiredApprovals\":1}",
                                        t.auth("admin"))));
        c.put(
                "PUT /api/v1/audit/retention",
                new Case(
                        "audit.retention.update",
                        () ->
                                HTTP.method(
                                        "PUT",
                                        "/api/v1/audit/retention",
                                        "{\"mode\":\"full\",\"retentionDays\":30}",
                                        t.auth("admin"))));
        c.put(
                "POST /api/v1/audit/export/tickets",
                new Case(
                        "audit.export.ticket",
                        () ->
                                HTTP.post(
                                        "/api/v1/audit/export/tickets",
                                        "{\"format\":\"csv\"}",
                                        t.auth("auditor"))));
        c.put(
                "POST /api/v1/audit/retention/holds",
                new Case(
                        "audit.hold.place",
                        () -> {
                            Http.Response r =
                                    HTTP.post(
                                            "/api/v1/audit/retention/holds",
                                            "{\"reason\":\"audit coverage test\"}",
                                            t.auth("auditor"));
                            ids.put("hold", r.status() == 201 ? r.json().getString("id") : "");
                            return r;
                        }));
        c.put(
                "POST /api/v1/audit/retention/holds/{id}/release",
                new Case(
                        "audit.hold.release",
                        () ->
                                HTTP.post(
                                        "/api/v1/audit/retention/holds/"
                                                + ids.get("hold")
                                                + "/release",
                                        "",
                                        t.auth("auditor"))));

        // change requests: every transition endpoint
        String name = Changes.uniquePrompt();
        String other = Changes.uniquePrompt();
        c.put(
                "POST /api/v1/changes",
                new Case(
                        "change.create",
                        () -> {
                            Http.Response r =
                                    HTTP.post(
                                            "/api/v1/changes",
                                            Changes.body(
                                                    "prompt",
                                                    other,
                                                    Changes.prompt("First"),
                                                    "new"),
                                            t.auth("author"));
                            ids.put("change", r.status() == 201 ? r.json().getString("id") : "");
                            return r;
                        }));
        // the test call through the draft is recorded as the call it is: a gateway.request event
        // with the person as actor and details.testCallOf (ChangeTestCallIT checks its content)
        c.put(
                "POST /api/v1/changes/{id}/test-call",
                new Case(
                        "gateway.request",
                        () -> {
                            try {
                                CatalogFixture.provider(
                                        t.id(), "sb", "sandbox", null, "{}", "sb-chat", "chat");
                                CatalogFixture.route(
                                        t.id(), "sandbox", "chat", "priority", 0, "sb/sb-chat");
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        () ->
                                HTTP.post(
                                        "/api/v1/changes/" + ids.get("change") + "/test-call",
                                        "{\"variables\":{\"product\":\"Acme\"},"
                                                + "\"messages\":[{\"role\":\"user\","
                                                + "\"content\":\"hello\"}]}",
                                        t.auth("author"))));
        // an evaluation asked for on demand: the person's request is recorded when its runs are
        // queued (the runs' own start and finish events name the evaluation actor)
        c.put(
                "POST /api/v1/changes/{id}/evaluations",
                new Case(
                        "evaluation.run.request",
                        () -> {
                            String prompt = Changes.uniquePrompt();
                            Changes.publishThroughReview(
                                    t,
                                    "prompt",
                                    prompt,
                                    GoldenSets.prompt("You help with", "Refund policy for"),
                                    "live");
                            GoldenSets.publish(
                                    t,
                                    GoldenSets.nameFor(prompt),
                                    io.gatehouse.governance.GoldenSetEvaluationIT.goldenSet(
                                            prompt));
                            Http.Response r =
                                    HTTP.post(
                                            "/api/v1/changes",
                                            Changes.body(
                                                    "prompt",
                                                    prompt,
                                                    GoldenSets.prompt(
                                                            "You help with", "Refunds for"),
                                                    "a candidate"),
                                            t.auth("author"));
                            ids.put("evaluated", r.status() == 201 ? r.json().getString("id") : "");
                        },
                        () ->
                                HTTP.post(
                                        "/api/v1/changes/" + ids.get("evaluated") + "/evaluations",
                                        "",
                                        t.auth("author"))));
        c.put(
                "PUT /api/v1/changes/{id}",
                new Case(
                        "change.revise",
                        () ->
                                HTTP.method(
                                        "PUT",
                                        "/api/v1/changes/" + ids.get("change"),
                                        "{\"content\":" + Changes.prompt("Revised") + "}",
                                        t.auth("author"))));
        c.put(
                "POST /api/v1/changes/{id}/submit",
                new Case(
                        "change.submit",
                        () -> Changes.act(t, "author", ids.get("change"), "submit")));
        c.put(
                "POST /api/v1/changes/{id}/request-changes",
                new Case(
                        "change.request_changes",
                        () -> Changes.act(t, "reviewer", ids.get("change"), "request-changes")));
        c.put(
                "POST /api/v1/changes/{id}/comments",
                new Case(
                        "change.comment",
                        () ->
                                HTTP.post(
                                        "/api/v1/changes/" + ids.get("change") + "/comments",
                                        Changes.comment("a remark"),
                                        t.auth("reviewer"))));
        c.put(
                "POST /api/v1/changes/{id}/withdraw",
                new Case(
                        "change.withdraw",
                        () ->
                                Changes.act(
                                        t,
                                        "author",
                                        Changes.create(t, "author", other, "Gone"),
                                        "withdraw")));
        c.put(
                "POST /api/v1/changes/{id}/reject",
                new Case(
                        "change.reject",
                        () -> {
                            String id = Changes.create(t, "author", other, "Rejected");
                            Changes.ok(t, "author", id, "submit");
                            return Changes.act(t, "reviewer", id, "reject");
                        }));
        c.put(
                "POST /api/v1/changes/{id}/approve",
                new Case(
                        "change.approve",
                        () -> {
                            ids.put("base", Changes.publishPrompt(t, name, "Base"));
                            ids.put("stale", Changes.create(t, "author", name, "On the base"));
                            ids.put("next", Changes.create(t, "author", name, "Next"));
                            Changes.ok(t, "author", ids.get("next"), "submit");
                        },
                        () -> Changes.act(t, "reviewer", ids.get("next"), "approve")));
        c.put(
                "POST /api/v1/changes/{id}/publish",
                new Case(
                        "change.publish",
                        () -> Changes.act(t, "admin", ids.get("next"), "publish")));
        c.put(
                "POST /api/v1/changes/{id}/rebase",
                new Case(
                        "change.rebase",
                        () -> Changes.act(t, "author", ids.get("stale"), "rebase")));
        c.put(
                "POST /api/v1/changes/{id}/rollback",
                new Case(
                        "change.rollback",
                        () -> Changes.act(t, "admin", ids.get("base"), "rollback")));
        // held MCP tool calls (docs/mcp.md, "Oversight"): a reviewer's decision
        c.put(
                "POST /api/v1/mcp/held-calls/{id}/approve",
                new Case(
                        "mcp.held_call.approved",
                        () -> {
                            try {
                                ids.put("payKey", McpOversightIT.payKey(t));
                                ids.put(
                                        "held",
                                        McpOversightIT.holdInBackground(t, ids.get("payKey")));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        () ->
                                HTTP.post(
                                        "/api/v1/mcp/held-calls/" + ids.get("held") + "/approve",
                                        "{}",
                                        t.auth("reviewer"))));
        c.put(
                "POST /api/v1/mcp/held-calls/{id}/refuse",
                new Case(
                        "mcp.held_call.refused",
                        () -> {
                            try {
                                ids.put(
                                        "held",
                                        McpOversightIT.holdInBackground(t, ids.get("payKey")));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        () ->
                                HTTP.post(
                                        "/api/v1/mcp/held-calls/" + ids.get("held") + "/refuse",
                                        "{\"comment\":\"not now\"}",
                                        t.auth("reviewer"))));
        c.put(
                "POST /api/v1/golden-sets/{name}/baseline",
                new Case(
                        "evaluation.baseline.record",
                        () -> {
                            try {
                                ids.put(
                                        "canarySet",
                                        io.gatehouse.governance.CanaryDriftIT.setWithFinishedRun(
                                                t));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        () ->
                                HTTP.post(
                                        "/api/v1/golden-sets/" + ids.get("canarySet") + "/baseline",
                                        "{}",
                                        t.auth("admin"))));
        return c;
    }

    private static Http.Response login(String user, String password) {
        return HTTP.post(
                "/api/v1/auth/login",
                Json.createObjectBuilder()
                        .add("username", user)
                        .add("password", password)
                        .build()
                        .toString());
    }

    private static long count(String action) throws Exception {
        try (Connection c = Db.asApp()) {
            return Db.count(c, "SELECT count(*) FROM audit_events WHERE action = ?", action);
        }
    }

    /** Whether an event of {@code action} beyond the {@code before} counted appears within 10 s. */
    private static boolean awaitMore(String action, long before) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            if (count(action) > before) {
                return true;
            }
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(50); // poll interval, not the time under test
        }
    }
}
