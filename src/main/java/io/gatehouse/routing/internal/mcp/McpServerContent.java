package io.gatehouse.routing.internal.mcp;

import io.gatehouse.routing.internal.persistence.McpServerRows;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The content of an {@code mcp_server} change, checked field by field (each refusal names its
 * field): {@code url}, {@code transport}, {@code credential} (secret), {@code tools}: the
 * allow-list, each with {@code name}, {@code description}, {@code risk} ({@code low|medium|high}),
 * {@code approval} ({@code required|none}) and an optional {@code inputSchema}.
 */
public final class McpServerContent {
    /** Server names: no underscore, so that {@code <server>__<tool>} splits one way only. */
    static final Pattern SERVER_NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{0,39}$");

    static final Pattern TOOL_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$");
    static final Set<String> FIELDS = Set.of("url", "transport", "credential", "tools");
    static final Set<String> TOOL_FIELDS =
            Set.of("name", "description", "risk", "approval", "inputSchema");
    static final Set<String> RISKS = Set.of("low", "medium", "high");
    static final int MAX_TOOLS = 100;

    /** The URL of the built-in sandbox server (transport {@code sandbox}). */
    public static final String SANDBOX_URL = "sandbox:builtin";

    private McpServerContent() {}

    public static void checkServerName(String name) {
        if (name == null || !SERVER_NAME.matcher(name).matches()) {
            throw new ValidationException(
                    "target", "an MCP server name must match " + SERVER_NAME.pattern());
        }
    }

    /** Parses content (credential already sealed or absent) into a server without a version. */
    public static McpServer parse(String name, JsonObject content, String sealedCredential) {
        checkServerName(name);
        for (String k : content.keySet()) {
            if (!FIELDS.contains(k) && !k.equals("credentialSet")) {
                throw new ValidationException("content." + k, "unknown field " + k);
            }
        }
        String transport = text(content, "transport", McpServer.STREAMABLE_HTTP, 40);
        if (!transport.equals(McpServer.STREAMABLE_HTTP) && !transport.equals(McpServer.SANDBOX)) {
            throw new ValidationException(
                    "content.transport", "transport must be streamable-http or sandbox");
        }
        String url;
        if (transport.equals(McpServer.SANDBOX)) {
            url = text(content, "url", SANDBOX_URL, 2048);
            if (!url.equals(SANDBOX_URL)) {
                throw new ValidationException(
                        "content.url", "the sandbox transport's url is " + SANDBOX_URL);
            }
        } else {
            url = text(content, "url", null, 2048);
            if (url == null) {
                throw new ValidationException("content.url", "url is required");
            }
            URI u;
            try {
                u = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new ValidationException("content.url", "url is not a URI");
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http"))
                    || u.getHost() == null
                    || u.getUserInfo() != null
                    || u.getFragment() != null) {
                throw new ValidationException(
                        "content.url",
                        "url must be an http(s) URL with a host, no user or fragment");
            }
        }
        if (!(content.get("tools") instanceof JsonArray arr) || arr.isEmpty()) {
            throw new ValidationException("content.tools", "tools must be a non-empty array");
        }
        if (arr.size() > MAX_TOOLS) {
            throw new ValidationException("content.tools", "at most " + MAX_TOOLS + " tools");
        }
        List<McpServer.Tool> tools = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < arr.size(); i++) {
            String at = "content.tools[" + i + "]";
            if (!(arr.get(i) instanceof JsonObject t)) {
                throw new ValidationException(at, "a tool is an object");
            }
            for (String k : t.keySet()) {
                if (!TOOL_FIELDS.contains(k)) {
                    throw new ValidationException(at + "." + k, "unknown field " + k);
                }
            }
            String tn = text(t, at, "name", null, 64);
            if (tn == null || !TOOL_NAME.matcher(tn).matches()) {
                throw new ValidationException(
                        at + ".name", "a tool name must match " + TOOL_NAME.pattern());
            }
            // Refund and refund would be two tools to a reader and to a case-blind upstream
            if (!seen.add(tn.toLowerCase(Locale.ROOT))) {
                throw new ValidationException(at + ".name", "tool " + tn + " is listed twice");
            }
            String risk = text(t, at, "risk", null, 10);
            if (risk == null || !RISKS.contains(risk)) {
                throw new ValidationException(at + ".risk", "risk must be low, medium or high");
            }
            String approval = text(t, at, "approval", null, 10);
            if (!"required".equals(approval) && !"none".equals(approval)) {
                throw new ValidationException(
                        at + ".approval", "approval must be required or none");
            }
            JsonObject schema = Json.createObjectBuilder().add("type", "object").build();
            if (t.containsKey("inputSchema")) {
                if (!(t.get("inputSchema") instanceof JsonObject s)
                        || !"object".equals(s.getString("type", null))) {
                    throw new ValidationException(
                            at + ".inputSchema", "inputSchema must be an object schema");
                }
                if (s.toString().length() > 16_384) {
                    throw new ValidationException(at + ".inputSchema", "inputSchema is too large");
                }
                schema = s;
            }
            tools.add(
                    new McpServer.Tool(
                            tn,
                            text(t, at, "description", "", 1024),
                            risk,
                            approval.equals("required"),
                            schema));
        }
        return new McpServer(name, null, url, transport, sealedCredential, tools);
    }

    private static String text(JsonObject o, String field, String dflt, int max) {
        return text(o, "content", field, dflt, max);
    }

    /** A string field of {@code o}, which sits at {@code at} (errors name the field's path). */
    private static String text(JsonObject o, String at, String field, String dflt, int max) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return dflt;
        }
        if (!(v instanceof JsonString s) || s.getString().length() > max) {
            throw new ValidationException(
                    at + "." + field, field + " must be a string of at most " + max);
        }
        return s.getString();
    }

    /** The stored form of the allow-list. */
    public static JsonArray toolsJson(List<McpServer.Tool> tools) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (McpServer.Tool t : tools) {
            a.add(
                    Json.createObjectBuilder()
                            .add("name", t.name())
                            .add("description", t.description())
                            .add("risk", t.risk())
                            .add("approval", t.approvalRequired() ? "required" : "none")
                            .add("inputSchema", t.inputSchema()));
        }
        return a.build();
    }

    /** A stored row as a server (the stored allow-list was checked when it was published). */
    public static McpServer fromRow(McpServerRows.Row row) {
        McpServer s =
                parse(
                        row.name(),
                        Json.createObjectBuilder()
                                .add("url", row.url())
                                .add("transport", row.transport())
                                .add("tools", row.tools())
                                .build(),
                        row.sealedCredential());
        return new McpServer(
                s.name(), row.version(), s.url(), s.transport(), s.sealedCredential(), s.tools());
    }

    /** The server as change content, the credential masked as {@code credentialSet}. */
    public static JsonObject content(McpServer s) {
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("url", s.url())
                        .add("transport", s.transport())
                        .add("tools", toolsJson(s.tools()))
                        .add("credentialSet", s.sealedCredential() != null);
        return b.build();
    }
}
