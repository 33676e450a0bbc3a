package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Test helpers for driving change requests through the HTTP API. */
public final class Changes {
    private Changes() {}

    public static final Http HTTP = Http.local();

    /** A prompt name no other test uses. */
    public static String uniquePrompt() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Prompt content whose system message is {@code text} and which uses {@code {{product}}}. */
    public static JsonObject prompt(String text) {
        return Json.createObjectBuilder()
                .add(
                        "messages",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("role", "system")
                                                .add("content", text + " {{product}}")))
                .add(
                        "variables",
                        Json.createObjectBuilder()
                                .add("type", "object")
                                .add(
                                        "properties",
                                        Json.createObjectBuilder()
                                                .add(
                                                        "product",
                                                        Json.createObjectBuilder()
                                                                .add("type", "string")
                                                                .add("maxLength", 40)))
                                .add("required", Json.createArrayBuilder().add("product")))
                .add("route", "sandbox")
                .add("label", "production")
                .build();
    }

    public static String body(String kind, String target, JsonObject content, String comment) {
        return Json.createObjectBuilder()
                .add("kind", kind)
                .add("target", target)
                .add("content", content)
                .add("comment", comment)
                .build()
                .toString();
    }

    public static String comment(String c) {
        return Json.createObjectBuilder().add("comment", c).build().toString();
    }

    /** Creates a prompt change as {@code role}; asserts 201 and returns its id. */
    public static String create(TestTenant t, String role, String name, String text) {
        Http.Response r =
                HTTP.post(
                        "/api/v1/changes",
                        body("prompt", name, prompt(text), "new text"),
                        t.auth(role));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().getString("state")).isEqualTo("draft");
        return r.json().getString("id");
    }

    public static Http.Response act(TestTenant t, String role, String id, String action) {
        return HTTP.post(
                "/api/v1/changes/" + id + "/" + action,
                comment(action + " by " + role),
                t.auth(role));
    }

    /** Asserts the action answers 200 and returns the change's new state. */
    public static String ok(TestTenant t, String role, String id, String action) {
        Http.Response r = act(t, role, id, action);
        assertThat(r.status()).as(action + ": " + r).isEqualTo(200);
        return r.json().getString("state");
    }

    /**
     * Takes a change live the way users do: creates it (author), submits it, approves it (reviewer)
     * and publishes it (admin), asserting each step's answer and state; returns its id.
     */
    public static String publishThroughReview(
            TestTenant t, String kind, String target, JsonObject content, String comment) {
        Http.Response created =
                HTTP.post(
                        "/api/v1/changes", body(kind, target, content, comment), t.auth("author"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().getString("state")).isEqualTo("draft");
        String id = created.json().getString("id");
        assertThat(ok(t, "author", id, "submit")).isEqualTo("in_review");
        assertThat(ok(t, "reviewer", id, "approve")).isEqualTo("approved");
        assertThat(ok(t, "admin", id, "publish")).isEqualTo("published");
        return id;
    }

    /** Publishes a prompt change of {@code text} through review; returns its id. */
    public static String publishPrompt(TestTenant t, String name, String text) {
        return publishThroughReview(t, "prompt", name, prompt(text), "new text");
    }

    /**
     * Publishes a policy through review, as every policy goes live, and checks that it is live;
     * returns the change's id.
     */
    public static String publishPolicy(TestTenant t, String name, JsonObject content) {
        String id = publishThroughReview(t, "policy", name, content, "policy " + name);
        Http.Response live = HTTP.get("/api/v1/policies/" + name, t.auth("auditor"));
        assertThat(live.status()).as(live.toString()).isEqualTo(200);
        return id;
    }

    /**
     * A policy with one input rule: deny any request naming an IP address ({@code ip_not_allowed}).
     */
    public static JsonObject noIpPolicy() {
        return Json.createObjectBuilder()
                .add(
                        "rules",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("id", "no-ip")
                                                .add("condition", "entities.ip.count > 0")
                                                .add("action", "deny")
                                                .add("code", "ip_not_allowed")
                                                .add("message", "No IP addresses")))
                .build();
    }

    /** Publishes {@code text} as a canary of {@code percent} on the prompt's production label. */
    public static String publishCanary(
            TestTenant t, String name, String text, int percent, String comment) {
        JsonObject canary =
                Json.createObjectBuilder(prompt(text))
                        .add("canary", Json.createObjectBuilder().add("percent", percent))
                        .build();
        return publishThroughReview(t, "prompt", name, canary, comment);
    }

    public static JsonObject get(TestTenant t, String id) {
        Http.Response r = HTTP.get("/api/v1/changes/" + id, t.auth("admin"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** The audit actions recorded for a target, in chain order. */
    public static List<String> auditActions(String targetType, String targetId) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT action FROM audit_events WHERE target_type = ? AND target_id = ? ORDER BY occurred_at, seq")) {
            ps.setString(1, targetType);
            ps.setString(2, targetId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    public static List<JsonObject> auditDetails(String action, String targetId) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        try (Connection c = Db.asApp();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT details::text FROM audit_events WHERE action = ? AND target_id = ? ORDER BY seq")) {
            ps.setString(1, action);
            ps.setString(2, targetId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            Json.createReader(new java.io.StringReader(rs.getString(1)))
                                    .readObject());
                }
            }
        }
        return out;
    }
}
