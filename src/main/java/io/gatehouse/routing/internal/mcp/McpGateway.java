package io.gatehouse.routing.internal.mcp;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.edge.Admission;
import io.gatehouse.edge.ClientKey;
import io.gatehouse.edge.UsageLimits;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.GatewayStage;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JSON-RPC methods of {@code /mcp} for one client key: {@code initialize}, {@code ping}, {@code
 * tools/list} (the tools of the tenant's published servers the key's scope allows, named {@code
 * <server>__<tool>}) and {@code tools/call}. A tool call runs: arguments checked against the tool's
 * schema (-32602), the request-path stages' input phase on each string argument (policy: deny or
 * redact), the approval rule, the key's rate limits, the upstream call, the stages' answer phase on
 * each text result, and one audit event {@code mcp.tool_call}. A denial or failure after the
 * arguments were accepted is a tool result with {@code isError: true} and the reason. A call to a
 * tool with {@code approval: required} is held ({@link McpHeldCalls}) and finished by {@link
 * #execute} or {@link #refuseHeld} once a person decided; nothing else is kept between requests.
 *
 * <p>Long on purpose: the one path every tool call takes, from its arguments to its one audit
 * event, held or not, stays readable in one place.
 */
@ApplicationScoped
public class McpGateway {
    static final String OPERATION = "mcp_tool_call";
    static final String SCOPE_PREFIX = "mcp:";
    private static final Logger LOG = Logger.getLogger(McpGateway.class.getName());

    @Inject McpServerCache servers;
    @Inject McpUpstream upstream;
    @Inject UsageLimits limits;
    @Inject AuditRecorder audit;
    @Inject @Any Instance<GatewayStage> stageBeans;
    @Inject McpHeldCalls held;

    private volatile List<GatewayStage> stages;

    /**
     * What {@code /mcp} answers to one message: a JSON-RPC object ({@code json}), nothing (a
     * notification: 202, both fields empty), or {@code held}: the call waits for a person and its
     * event stream is open already; it is answered on that stream.
     */
    public record Reply(JsonObject json, boolean held) {
        static final Reply NONE = new Reply(null, false);
        static final Reply HELD = new Reply(null, true);

        static Reply of(JsonObject json) {
            return new Reply(json, false);
        }
    }

    /**
     * The answer to one JSON-RPC message. {@code streams} opens an event stream for a call that is
     * held for approval; null when the client does not accept {@code text/event-stream}, and such a
     * call is then refused ({@code approval_required}).
     */
    public Reply handle(
            ClientKey key, String requestId, JsonValue message, HeldCallStream.Opener streams) {
        if (!(message instanceof JsonObject m)) {
            return Reply.of(
                    McpProtocol.error(
                            null,
                            McpProtocol.INVALID_REQUEST,
                            "A message is one JSON-RPC 2.0 object (batches are not supported)"));
        }
        JsonValue id = m.get("id");
        if (!"2.0".equals(m.getString("jsonrpc", null))) {
            return Reply.of(
                    McpProtocol.error(id, McpProtocol.INVALID_REQUEST, "jsonrpc must be \"2.0\""));
        }
        if (!(m.get("method") instanceof JsonString ms)) {
            // a client's response (to a request this server never sends) or garbage
            return id == null || m.containsKey("result") || m.containsKey("error")
                    ? Reply.NONE
                    : Reply.of(
                            McpProtocol.error(
                                    id, McpProtocol.INVALID_REQUEST, "method is required"));
        }
        if (id == null) {
            return Reply.NONE; // notifications: initialized, cancelled, ...
        }
        if (id.getValueType() != JsonValue.ValueType.STRING
                && id.getValueType() != JsonValue.ValueType.NUMBER) {
            return Reply.of(
                    McpProtocol.error(
                            null, McpProtocol.INVALID_REQUEST, "id must be a string or number"));
        }
        JsonObject params =
                m.get("params") instanceof JsonObject p ? p : JsonValue.EMPTY_JSON_OBJECT;
        if (m.containsKey("params") && !(m.get("params") instanceof JsonObject)) {
            return Reply.of(
                    McpProtocol.error(id, McpProtocol.INVALID_PARAMS, "params must be an object"));
        }
        return switch (ms.getString()) {
            case "initialize" -> Reply.of(McpProtocol.result(id, initialize(params)));
            case "ping" -> Reply.of(McpProtocol.result(id, JsonValue.EMPTY_JSON_OBJECT));
            case "tools/list" -> Reply.of(McpProtocol.result(id, list(key)));
            case "tools/call" -> call(key, requestId, id, params, streams);
            default ->
                    Reply.of(
                            McpProtocol.error(
                                    id,
                                    McpProtocol.METHOD_NOT_FOUND,
                                    "Method not found: " + shorten(ms.getString())));
        };
    }

    static JsonObject initialize(JsonObject params) {
        String asked = params.getString("protocolVersion", "");
        String version = McpProtocol.SUPPORTED.contains(asked) ? asked : McpProtocol.LATEST;
        return Json.createObjectBuilder()
                .add("protocolVersion", version)
                .add(
                        "capabilities",
                        Json.createObjectBuilder()
                                .add("tools", Json.createObjectBuilder().add("listChanged", false)))
                .add(
                        "serverInfo",
                        Json.createObjectBuilder()
                                .add("name", "gatehouse")
                                .add("version", McpProtocol.SERVER_VERSION))
                .add(
                        "instructions",
                        "Tools of the upstream MCP servers your key may call, named"
                                + " <server>__<tool>; every call is checked by policy, rate"
                                + " limited and audited.")
                .build();
    }

    JsonObject list(ClientKey key) {
        JsonArrayBuilder tools = Json.createArrayBuilder();
        for (McpServer s : servers.servers(key.tenant()).values()) {
            for (McpServer.Tool t : s.tools()) {
                if (mayCall(key, s.name(), t.name())) {
                    JsonObjectBuilder tool =
                            Json.createObjectBuilder()
                                    .add("name", s.exposedName(t))
                                    .add("description", t.description())
                                    .add("inputSchema", t.inputSchema());
                    tool.add(
                            "annotations",
                            Json.createObjectBuilder()
                                    .add("title", s.exposedName(t))
                                    .add("readOnlyHint", false));
                    tool.add(
                            "_meta",
                            Json.createObjectBuilder()
                                    .add("io.gatehouse/risk", t.risk())
                                    .add(
                                            "io.gatehouse/approval",
                                            t.approvalRequired() ? "required" : "none"));
                    tools.add(tool);
                }
            }
        }
        return Json.createObjectBuilder().add("tools", tools).build();
    }

    /**
     * A key's scope must name the tool: {@code mcp:*}, {@code mcp:<server>} or {@code
     * mcp:<server>__<tool>}. An empty scope (every route) reaches no tool: tools act on the world,
     * so a key reaches them only when someone chose so.
     */
    static boolean mayCall(ClientKey key, String server, String tool) {
        var scope = key.allowedRoutes();
        return scope.contains(SCOPE_PREFIX + "*")
                || scope.contains(SCOPE_PREFIX + server)
                || scope.contains(SCOPE_PREFIX + server + McpServer.SEPARATOR + tool);
    }

    /** The result of what was decided about one call, for its answer and its audit event. */
    private record Outcome(JsonObject result, AuditEvent.Outcome audit, String reason) {}

    Reply call(
            ClientKey key,
            String requestId,
            JsonValue id,
            JsonObject params,
            HeldCallStream.Opener streams) {
        if (!(params.get("name") instanceof JsonString ns)) {
            return Reply.of(McpProtocol.error(id, McpProtocol.INVALID_PARAMS, "name is required"));
        }
        String name = ns.getString();
        int sep = name.indexOf(McpServer.SEPARATOR);
        McpServer server =
                sep <= 0 ? null : servers.servers(key.tenant()).get(name.substring(0, sep));
        Optional<McpServer.Tool> tool =
                server == null
                        ? Optional.empty()
                        : server.tool(name.substring(sep + McpServer.SEPARATOR.length()));
        // another tenant's server, one outside the key's scope and one that does not exist answer
        // alike
        if (tool.isEmpty() || !mayCall(key, server.name(), tool.get().name())) {
            refused(key, requestId, name, "unknown_tool");
            return Reply.of(
                    McpProtocol.error(
                            id, McpProtocol.INVALID_PARAMS, "Unknown tool: " + shorten(name)));
        }
        JsonValue args = params.getOrDefault("arguments", JsonValue.EMPTY_JSON_OBJECT);
        if (args == JsonValue.NULL) {
            args = JsonValue.EMPTY_JSON_OBJECT;
        }
        if (!(args instanceof JsonObject arguments)) {
            refused(key, requestId, name, "invalid_arguments");
            return Reply.of(
                    McpProtocol.error(
                            id, McpProtocol.INVALID_PARAMS, "arguments must be an object"));
        }
        Optional<String> bad = McpArguments.check(tool.get().inputSchema(), arguments);
        if (bad.isPresent()) {
            refused(key, requestId, name, "invalid_arguments");
            return Reply.of(
                    McpProtocol.error(
                            id,
                            McpProtocol.INVALID_PARAMS,
                            "Invalid arguments for " + name + ": " + bad.get()));
        }
        JsonValue progressToken =
                params.get("_meta") instanceof JsonObject meta ? meta.get("progressToken") : null;
        if (progressToken != null
                && progressToken.getValueType() != JsonValue.ValueType.STRING
                && progressToken.getValueType() != JsonValue.ValueType.NUMBER) {
            progressToken = null; // not a token MCP allows: progress goes out as comments
        }
        return run(key, requestId, id, server, tool.get(), arguments, streams, progressToken);
    }

    /**
     * Audits a call refused before it ran (unknown or out-of-scope tool, bad arguments): probing is
     * visible in the trail; the name is the caller's text, cut to 200 characters.
     */
    private void refused(ClientKey key, String requestId, String name, String reason) {
        audit.record(
                AuditEvent.by(key.caller(), "mcp.tool_call")
                        .tenant(key.tenant())
                        .target("mcp_tool", shorten(name))
                        .outcome(AuditEvent.Outcome.DENIED)
                        .detail("keyId", key.id().toString())
                        .detail("reason", reason)
                        .requestId(requestId)
                        .build());
    }

    /**
     * A call whose arguments passed input policy: what the rest of it needs, also while it is held.
     *
     * @param sent the arguments as the stages left them (what the upstream receives)
     * @param startNanos when the call arrived, for its latency
     */
    record Accepted(
            ClientKey key,
            String requestId,
            JsonValue id,
            McpServer server,
            McpServer.Tool tool,
            JsonObject args,
            JsonObject sent,
            GatewayExchange ex,
            long startNanos) {}

    /**
     * Runs a call through input policy, then holds it when its tool needs approval, or runs the
     * rest at once; audited exactly once whatever fails (a held call when it ends).
     */
    private Reply run(
            ClientKey key,
            String requestId,
            JsonValue id,
            McpServer server,
            McpServer.Tool tool,
            JsonObject args,
            HeldCallStream.Opener streams,
            JsonValue progressToken) {
        long start = System.nanoTime();
        String exposed = server.exposedName(tool);
        List<String> paths = new ArrayList<>();
        List<ChatMessage> texts = new ArrayList<>();
        McpArguments.strings(args, "", paths, texts);
        GatewayExchange ex =
                new GatewayExchange(
                        key.tenant(),
                        key.id().toString(),
                        requestId,
                        OPERATION,
                        ChatRequest.of(exposed, texts, null),
                        Map.of());
        JsonObject sent = null; // the arguments as the stages left them; none while unchecked
        Outcome outcome;
        try {
            for (GatewayStage s : stages()) {
                s.beforeRouting(ex);
            }
            sent = McpArguments.replaceStrings(args, paths, ex.messages());
            Accepted accepted =
                    new Accepted(key, requestId, id, server, tool, args, sent, ex, start);
            if (!tool.approvalRequired()) {
                return Reply.of(execute(accepted, null));
            }
            if (streams == null) {
                // the client cannot wait on a stream: such a tool never runs unseen
                throw new GatehouseException(
                        403,
                        "approval_required",
                        "This tool needs a person's approval for each call; a client that accepts"
                                + " text/event-stream waits for it, this one does not, so the call"
                                + " was refused");
            }
            held.hold(accepted, progressToken, streams);
            return Reply.HELD;
        } catch (GatehouseException e) {
            outcome = denied(e);
        } catch (RuntimeException e) {
            // a gateway fault (a stage, holding the call): still one audit event and a JSON-RPC
            // answer, never a bare 500
            LOG.log(Level.WARNING, "MCP tool call " + exposed + " failed", e);
            outcome = new Outcome(null, AuditEvent.Outcome.ERROR, "internal_error");
        }
        return Reply.of(
                close(
                        new Accepted(key, requestId, id, server, tool, args, sent, ex, start),
                        outcome,
                        null,
                        null));
    }

    private static Outcome denied(GatehouseException e) {
        return new Outcome(
                McpProtocol.toolResult(e.code() + ": " + e.getMessage(), true),
                AuditEvent.Outcome.DENIED,
                e.code());
    }

    /**
     * The rest of an accepted call: rate limits, the upstream call, output policy and the audit
     * event; {@code heldCallId} names the held call it finishes, if any. The JSON-RPC answer.
     */
    JsonObject execute(Accepted a, String heldCallId) {
        JsonObject upstreamResult = null;
        Outcome outcome;
        Admission admission = null;
        String exposed = a.server().exposedName(a.tool());
        try {
            admission = limits.admit(a.key(), McpArguments.tokenEstimate(a.sent()), 0);
            upstreamResult =
                    upstream.callTool(a.key().tenant(), a.server(), a.tool().name(), a.sent());
            JsonObject answer = afterAnswer(a.ex(), upstreamResult);
            boolean upstreamError = answer.get("isError") == JsonValue.TRUE;
            outcome =
                    new Outcome(
                            answer,
                            upstreamError ? AuditEvent.Outcome.FAILURE : AuditEvent.Outcome.SUCCESS,
                            upstreamError ? "tool_error" : null);
        } catch (GatehouseException e) {
            outcome = denied(e);
        } catch (McpUpstream.UpstreamException e) {
            outcome =
                    new Outcome(
                            McpProtocol.toolResult("upstream_error: " + e.getMessage(), true),
                            AuditEvent.Outcome.ERROR,
                            "upstream_error");
        } catch (RuntimeException e) {
            // a gateway fault (a stage, the credential, an upstream's unusable header): still one
            // audit event and a JSON-RPC answer, never a bare 500
            LOG.log(Level.WARNING, "MCP tool call " + exposed + " failed", e);
            outcome = new Outcome(null, AuditEvent.Outcome.ERROR, "internal_error");
        } finally {
            if (admission != null) {
                try {
                    limits.settle(admission, admission.reservedTokens(), 0);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "settling an MCP call's rate limits failed", e);
                }
            }
        }
        return close(a, outcome, upstreamResult, heldCallId);
    }

    /**
     * Ends a held call that will not run ({@code approval_refused: <comment>} or {@code
     * approval_timeout}): its audit event and the tool result with {@code isError: true}.
     */
    JsonObject refuseHeld(Accepted a, String heldCallId, String code, String message) {
        return close(
                a,
                new Outcome(
                        McpProtocol.toolResult(code + ": " + message, true),
                        AuditEvent.Outcome.DENIED,
                        code),
                null,
                heldCallId);
    }

    /** The call's one audit event {@code mcp.tool_call}, then its JSON-RPC answer. */
    private JsonObject close(
            Accepted a, Outcome outcome, JsonObject upstreamResult, String heldCallId) {
        long latencyMs = (System.nanoTime() - a.startNanos()) / 1_000_000;
        JsonObject sent = a.sent();
        Map<String, Object> full = new LinkedHashMap<>();
        full.put("arguments", a.args().toString());
        full.put("result", upstreamResult == null ? null : upstreamResult.toString());
        Map<String, Object> redacted = new LinkedHashMap<>();
        // a call refused by input policy keeps no arguments: only what policy let pass is kept
        redacted.put("arguments", sent == null ? null : sent.toString());
        redacted.put("result", outcome.result() == null ? null : outcome.result().toString());
        GatewayExchange ex = a.ex();
        AuditEvent.Builder e =
                AuditEvent.by(a.key().caller(), "mcp.tool_call")
                        .tenant(a.key().tenant())
                        .target("mcp_tool", a.server().exposedName(a.tool()))
                        .outcome(outcome.audit())
                        .detail("server", a.server().name())
                        .detail(LineageKeys.MCP_SERVER_VERSION, a.server().version())
                        .detail("tool", a.tool().name())
                        .detail("keyId", a.key().id().toString())
                        .detail("latencyMs", latencyMs)
                        .detail("reason", outcome.reason())
                        .detail("argumentsRedacted", sent != null && !sent.equals(a.args()))
                        .requestId(a.requestId())
                        .content(full, redacted);
        if (heldCallId != null) {
            e.detail(McpHeldCalls.HELD_CALL_DETAIL, heldCallId);
        }
        if (!ex.stageVersions().isEmpty()) {
            e.detail("stageVersions", new LinkedHashMap<>(ex.stageVersions()));
        }
        e.details(ex.auditDetails());
        audit.record(e.build());
        return outcome.result() == null
                ? McpProtocol.error(
                        a.id(),
                        McpProtocol.INTERNAL_ERROR,
                        "Internal error: the call failed and was recorded (request "
                                + a.requestId()
                                + ")")
                : McpProtocol.result(a.id(), outcome.result());
    }

    /**
     * The answer phase on every string, key and number anywhere in the result, one at a time: a
     * denial of any denies it, a redaction replaces that string; each distinct decision is kept
     * ({@code outputChecks}, with how many texts it was made for), not only the last one.
     */
    private JsonObject afterAnswer(GatewayExchange ex, JsonObject result) {
        List<String> paths = new ArrayList<>();
        List<ChatMessage> texts = new ArrayList<>();
        McpArguments.strings(result, "", paths, texts);
        Map<String, Object> base = McpAuditDetails.snapshot(ex.auditDetails());
        Map<Map<String, Object>, Integer> decisions = new LinkedHashMap<>();
        List<ChatMessage> checked = new ArrayList<>(texts.size());
        try {
            for (ChatMessage t : texts) {
                ex.answerText(t.text());
                try {
                    for (GatewayStage s : stages()) {
                        s.afterAnswer(ex);
                    }
                } finally {
                    Map<String, Object> d = McpAuditDetails.changes(base, ex.auditDetails());
                    if (!d.isEmpty()
                            && (decisions.size() < McpAuditDetails.MAX_DECISIONS
                                    || decisions.containsKey(d))) {
                        decisions.merge(d, 1, Integer::sum);
                    }
                }
                checked.add(t.withText(ex.answerText() == null ? "" : ex.answerText()));
            }
        } finally {
            if (!decisions.isEmpty()) {
                List<Map<String, Object>> list = new ArrayList<>();
                decisions.forEach(
                        (d, n) -> {
                            Map<String, Object> one = new LinkedHashMap<>(d);
                            one.put("texts", n);
                            list.add(one);
                        });
                ex.auditDetails().put("outputChecks", list);
            }
        }
        return McpArguments.replaceStrings(result, paths, checked);
    }

    private List<GatewayStage> stages() {
        List<GatewayStage> s = stages;
        if (s == null) {
            List<GatewayStage> found = new ArrayList<>();
            stageBeans.forEach(found::add);
            found.sort(Comparator.comparingInt(GatewayStage::order));
            stages = s = List.copyOf(found);
        }
        return s;
    }

    static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
