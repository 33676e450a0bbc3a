package io.gatehouse.routing.internal.mcp;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.LineageKeys;
import io.gatehouse.edge.ClientKey;
import io.gatehouse.edge.KeyOwners;
import io.gatehouse.routing.internal.persistence.McpHeldCallRows;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.SchemaReady;
import io.gatehouse.shared.StorableText;
import io.gatehouse.shared.error.ConflictException;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Human oversight of MCP tool calls (issue 18): a call to a tool with {@code approval: required} is
 * held (a row, an audit event, the client's event stream kept open in this instance's memory by the
 * call's id) until a reviewer who did not create the calling key approves or refuses it, or its
 * deadline ({@code gatehouse.mcp.approval-timeout}, default PT5M) passes. One scheduled task writes
 * {@code notifications/progress} to every open stream (every {@code
 * gatehouse.mcp.progress-interval-ms}, default 5000) and expires due calls; a decision taken on any
 * instance reaches the holding one through the change feed, which finishes the call on a managed
 * executor and writes its answer as the stream's last event. No thread waits for a decision.
 *
 * <p>Long on purpose: holding, the reviewers' reads and decisions, the timer and the finishing of a
 * call are one life cycle around one in-memory map; split up, each part would reach into the
 * others.
 */
@ApplicationScoped
public class McpHeldCalls {
    /** The change feed's topic of decisions; the key is the held call's id. */
    public static final String TOPIC = "mcp-held-call";

    /** The audit detail naming the held call on every event of its life. */
    static final String HELD_CALL_DETAIL = "mcp.held_call_id";

    public static final Set<String> STATUSES =
            Set.of("held", "approved", "refused", "expired", "completed", "abandoned");
    public static final int MAX_COMMENT = 2000;
    private static final int MAX_LIST = 200;
    private static final int EXPIRE_BATCH = 100;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    private static final Logger LOG = Logger.getLogger(McpHeldCalls.class.getName());

    @Inject McpHeldCallRows rows;
    @Inject McpHeldCallDecisions decisions;
    @Inject McpGateway gateway;
    @Inject KeyOwners owners;
    @Inject McpServerCache servers;
    @Inject AuditRecorder audit;

    @Resource ManagedScheduledExecutorService scheduler;
    @Resource ManagedExecutorService executor;

    @Inject
    @ConfigProperty(name = "gatehouse.mcp.approval-timeout", defaultValue = "PT5M")
    String timeoutSetting;

    @Inject
    @ConfigProperty(name = "gatehouse.mcp.progress-interval-ms", defaultValue = "5000")
    long progressIntervalMs;

    @Inject
    @ConfigProperty(name = "gatehouse.mcp.max-held-calls-per-key", defaultValue = "10")
    int maxPerKey;

    @Inject
    @ConfigProperty(name = "gatehouse.instance.name", defaultValue = " ")
    String instanceSetting;

    /** A call this instance holds the stream of. */
    private record Pending(
            UUID id,
            McpGateway.Accepted call,
            JsonValue progressToken,
            HeldCallStream stream,
            Instant deadline,
            AtomicLong progress,
            AtomicBoolean ending) {}

    private final Map<UUID, Pending> pending = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> ticker;
    private volatile Duration timeout;
    private volatile String instance;

    void start(@Observes SchemaReady ready) {
        long every = Math.max(100, progressIntervalMs);
        ticker = scheduler.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        ScheduledFuture<?> t = ticker;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** How long a call waits for a decision: ISO-8601 ({@code PT5M}) or seconds ({@code 300}). */
    Duration timeout() {
        Duration d = timeout;
        if (d == null) {
            d = parseTimeout(timeoutSetting);
            timeout = d;
        }
        return d;
    }

    static Duration parseTimeout(String setting) {
        String s = setting == null ? "" : setting.trim();
        Duration d;
        try {
            d = s.matches("\\d{1,9}") ? Duration.ofSeconds(Long.parseLong(s)) : Duration.parse(s);
        } catch (DateTimeParseException e) {
            LOG.warning(
                    "gatehouse.mcp.approval-timeout '"
                            + s
                            + "' is neither ISO-8601 (PT5M) nor seconds; using PT5M");
            return DEFAULT_TIMEOUT;
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofDays(1)) > 0) {
            LOG.warning("gatehouse.mcp.approval-timeout must be 1 s to 1 day; using PT5M");
            return DEFAULT_TIMEOUT;
        }
        return d;
    }

    // ---- holding (the /mcp request) ----

    /**
     * Holds an accepted call: its row and event {@code mcp.tool_call.held} first (a refusal here,
     * such as too many held calls of the key, is the call's answer as JSON), then the client's
     * event stream is opened and kept by the call's id.
     */
    void hold(McpGateway.Accepted a, JsonValue progressToken, HeldCallStream.Opener streams) {
        // the arguments are stored for the reviewers: text PostgreSQL cannot store is refused here
        JsonInput.requireStorable(a.sent());
        UUID id = UUID.randomUUID();
        String owner =
                owners.creator(a.key().tenant(), a.key().id())
                        .orElseThrow(() -> new IllegalStateException("The calling key has no row"));
        List<String> scope = a.key().allowedRoutes().stream().sorted().toList();
        McpHeldCallRows.Row row =
                new McpHeldCallRows.Row(
                        id,
                        a.key().tenant(),
                        a.key().id(),
                        a.key().name(),
                        owner,
                        scope,
                        a.server().name(),
                        a.server().version(),
                        a.tool().name(),
                        a.sent(),
                        a.requestId(),
                        progressToken == null ? null : progressToken.toString(),
                        "held",
                        null,
                        null, // the database sets it: every instance expires by its one clock
                        null,
                        null,
                        null,
                        instance());
        JsonArrayBuilder scopeJson = Json.createArrayBuilder();
        scope.forEach(scopeJson::add);
        // no content here: the call's final event keeps it under the tenant's retention (reading
        // the retention setting inside this JTA transaction is not possible)
        Instant deadline =
                decisions.hold(
                        row,
                        scopeJson.build(),
                        maxPerKey,
                        timeout(),
                        d ->
                                event(AuditEvent.by(a.key().caller(), "mcp.tool_call.held"), row)
                                        .detail("mcp.deadline", d.toString())
                                        .detail("argumentsRedacted", !a.sent().equals(a.args()))
                                        .build());
        HeldCallStream stream;
        try {
            stream = streams.open();
        } catch (RuntimeException e) {
            // the row is committed: it must not wait for a client that cannot hear (the call's
            // event, internal_error, is recorded by the caller)
            abandonQuietly(id);
            throw e;
        }
        Pending p =
                new Pending(
                        id,
                        a,
                        progressToken,
                        stream,
                        deadline,
                        new AtomicLong(),
                        new AtomicBoolean());
        pending.put(id, p);
        stream.send(
                progress(p, "Held for a person's approval: call " + id + ", until " + deadline));
        // a decision committed between the row and the map would have found no stream
        settleLater(p);
    }

    /** The fields every event of a held call carries (target: the call; its request id). */
    static AuditEvent.Builder event(AuditEvent.Builder b, McpHeldCallRows.Row r) {
        return b.tenant(r.tenant())
                .target("mcp_held_call", r.id())
                .detail(HELD_CALL_DETAIL, r.id().toString())
                .detail("server", r.server())
                .detail(LineageKeys.MCP_SERVER_VERSION, r.serverVersion())
                .detail("tool", r.tool())
                .detail("keyId", r.keyId().toString())
                .requestId(r.requestId());
    }

    // ---- reviewers ----

    /**
     * The tenant's calls in {@code status} (default {@code held}; {@code all}: any), newest first.
     */
    public List<McpHeldCallRows.Row> list(Caller reviewer, String status) {
        String s = status == null || status.isBlank() ? "held" : status;
        if (!s.equals("all") && !STATUSES.contains(s)) {
            throw new ValidationException(
                    "status",
                    "status is one of held, approved, refused, expired, completed, abandoned"
                            + " or all");
        }
        if (reviewer.tenant() == null) {
            return List.of();
        }
        return rows.list(reviewer.tenant(), s.equals("all") ? null : s, MAX_LIST);
    }

    /** One of the tenant's calls; 404 for another tenant's, an unknown or a garbled id. */
    public McpHeldCallRows.Row get(Caller reviewer, String id) {
        UUID uuid;
        if (reviewer.tenant() == null) {
            throw notFound();
        }
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw notFound();
        }
        return rows.find(reviewer.tenant(), uuid).orElseThrow(McpHeldCalls::notFound);
    }

    private static NotFoundException notFound() {
        return new NotFoundException("Held tool call not found");
    }

    /**
     * Approves or refuses a held call: never by the person who created the calling key (four eyes,
     * whichever of their tokens they use: 403, audited), only while it is held (409), a refusal
     * with a comment.
     */
    public McpHeldCallRows.Row decide(
            Caller reviewer, String id, boolean approve, String comment, String requestId) {
        McpHeldCallRows.Row call = get(reviewer, id);
        String action = approve ? "mcp.held_call.approved" : "mcp.held_call.refused";
        if (reviewer.subject().equals(call.keyOwner())
                || owners.creators(call.tenant(), call.keyId()).contains(reviewer.subject())) {
            audit.record(
                    event(AuditEvent.by(reviewer, action), call)
                            .outcome(AuditEvent.Outcome.DENIED)
                            .detail("reason", "four_eyes")
                            .detail("review.request_id", requestId)
                            .build());
            throw new ForbiddenException(
                    "four_eyes", "The person who created the calling key may not decide its calls");
        }
        String text = comment == null ? null : comment.strip();
        if (text != null && text.isEmpty()) {
            text = null;
        }
        if (!approve && text == null) {
            throw new ValidationException("comment", "A refusal needs a comment (the reason)");
        }
        if (text != null
                && (text.length() > MAX_COMMENT || StorableText.firstUnstorable(text) >= 0)) {
            throw new ValidationException(
                    "comment",
                    "comment is at most "
                            + MAX_COMMENT
                            + " characters, without U+0000 or unpaired surrogates");
        }
        if (!"held".equals(call.status())) {
            throw new ConflictException(
                    "already_decided", "This call is no longer held: it is " + call.status());
        }
        Optional<McpHeldCallRows.Row> decided =
                decisions.decide(reviewer, call, approve, text, requestId);
        if (decided.isEmpty()) {
            String now =
                    rows.find(call.tenant(), call.id())
                            .map(McpHeldCallRows.Row::status)
                            .orElse("expired");
            throw new ConflictException(
                    "already_decided",
                    "held".equals(now)
                            ? "This call's deadline has passed: it is being refused"
                            : "This call is no longer held: it is " + now);
        }
        return decided.get();
    }

    // ---- the timer and the decisions reaching this instance ----

    void tick() {
        try {
            Instant now = Instant.now();
            for (Pending p : pending.values()) {
                if (p.stream().closed()) {
                    // the client left: the call is abandoned (or finished as decided meanwhile)
                    settleLater(p);
                    continue;
                }
                if (!p.ending().get()) {
                    p.stream().send(progress(p, "Waiting for a person's approval: call " + p.id()));
                }
                if (now.isAfter(p.deadline().plusSeconds(2))) {
                    // its expiry (here or on another instance) should have reached us by now
                    settleLater(p);
                }
            }
            decisions.expireDue(EXPIRE_BATCH);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The held MCP calls' timer failed; retrying", e);
        }
    }

    void onChange(@Observes ChangeFeed.Invalidated change) {
        if (!TOPIC.equals(change.topic()) || change.key() == null) {
            return;
        }
        UUID id;
        try {
            id = UUID.fromString(change.key());
        } catch (IllegalArgumentException e) {
            return;
        }
        Pending p = pending.get(id);
        if (p != null) {
            settleLater(p);
        }
    }

    private void settleLater(Pending p) {
        try {
            executor.execute(() -> settle(p));
        } catch (RejectedExecutionException e) {
            LOG.log(Level.WARNING, "Could not finish held MCP call " + p.id() + " now", e);
        }
    }

    /** Finishes a call once its row says how (nothing while it is held): runs or refuses it. */
    private void settle(Pending p) {
        McpHeldCallRows.Row row;
        try {
            row = rows.find(p.call().key().tenant(), p.id()).orElse(null);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not read held MCP call " + p.id(), e);
            return; // the timer tries again
        }
        String status = row == null ? "expired" : row.status();
        // a client that left is not run for: held or approved, its call is abandoned
        boolean gone = p.stream().closed() && ("held".equals(status) || "approved".equals(status));
        if ((!gone && "held".equals(status)) || !p.ending().compareAndSet(false, true)) {
            return;
        }
        if (gone) {
            boolean abandoned;
            try {
                abandoned = rows.abandon(p.id());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not abandon held MCP call " + p.id(), e);
                abandoned = false;
            }
            if (!abandoned) {
                p.ending().set(false); // decided meanwhile (or no database): the timer tries again
                return;
            }
            status = "abandoned";
        }
        JsonObject answer;
        try {
            answer =
                    switch (status) {
                        case "approved" -> {
                            Optional<String[]> stale = staleGrant(p.call());
                            JsonObject a =
                                    stale.isEmpty()
                                            ? gateway.execute(p.call(), p.id().toString())
                                            : gateway.refuseHeld(
                                                    p.call(),
                                                    p.id().toString(),
                                                    stale.get()[0],
                                                    stale.get()[1]);
                            rows.completed(p.id());
                            yield a;
                        }
                        case "refused" ->
                                gateway.refuseHeld(
                                        p.call(),
                                        p.id().toString(),
                                        "approval_refused",
                                        row.comment() == null ? "refused" : row.comment());
                        case "abandoned" ->
                                gateway.refuseHeld(
                                        p.call(),
                                        p.id().toString(),
                                        "client_gone",
                                        "the client left before the call ran");
                        case "expired" ->
                                gateway.refuseHeld(
                                        p.call(),
                                        p.id().toString(),
                                        "approval_timeout",
                                        "nobody approved the call within " + timeout());
                        default -> throw new IllegalStateException("held call is " + status);
                    };
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Finishing held MCP call " + p.id() + " failed", e);
            answer =
                    McpProtocol.error(
                            p.call().id(),
                            McpProtocol.INTERNAL_ERROR,
                            "Internal error: the held call failed (request "
                                    + p.call().requestId()
                                    + ")");
        } finally {
            pending.remove(p.id(), p);
        }
        p.stream().finish(data(answer));
    }

    private void abandonQuietly(UUID id) {
        try {
            rows.abandon(id);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not abandon held MCP call " + id, e);
        }
    }

    /**
     * Why an approved call may no longer run, as {code, message}: the grant it was held under is
     * read again now, since minutes may have passed (the key revoked, expired or its scope
     * narrowed, the tenant suspended, the server republished or withdrawn).
     */
    private Optional<String[]> staleGrant(McpGateway.Accepted a) {
        if (!owners.tenantActive(a.key().tenant())) {
            return Optional.of(
                    new String[] {
                        "tenant_suspended", "the tenant was suspended while it was held"
                    });
        }
        Optional<ClientKey> key = owners.active(a.key().tenant(), a.key().id());
        if (key.isEmpty()) {
            return Optional.of(
                    new String[] {
                        "key_revoked", "the calling key was revoked or expired while it was held"
                    });
        }
        if (!McpGateway.mayCall(key.get(), a.server().name(), a.tool().name())) {
            return Optional.of(
                    new String[] {
                        "key_scope_changed", "the calling key's scope no longer names this tool"
                    });
        }
        McpServer now = servers.servers(a.key().tenant()).get(a.server().name());
        if (!a.server().equals(now)) {
            return Optional.of(
                    new String[] {
                        "server_changed",
                        "the server was republished or withdrawn while the call was held"
                    });
        }
        return Optional.empty();
    }

    /**
     * {@code notifications/progress} with the request's token; without one (MCP allows progress
     * only for a token the client gave) an SSE comment keeps the stream alive instead.
     */
    private static String progress(Pending p, String message) {
        if (p.progressToken() == null) {
            return ": " + message + "\n\n";
        }
        // MCP wants the value to grow with each notification
        JsonObjectBuilder params =
                Json.createObjectBuilder()
                        .add("progressToken", p.progressToken())
                        .add("progress", p.progress().getAndIncrement())
                        .add("message", message);
        return data(
                Json.createObjectBuilder()
                        .add("jsonrpc", "2.0")
                        .add("method", "notifications/progress")
                        .add("params", params)
                        .build());
    }

    private static String data(JsonObject message) {
        return "data: " + message + "\n\n";
    }

    /** This instance's name in the rows: the setting, else host name and process id. */
    private String instance() {
        String n = instance;
        if (n == null) {
            n =
                    instanceSetting == null || instanceSetting.isBlank()
                            ? hostAndPid()
                            : instanceSetting;
            instance = n;
        }
        return n;
    }

    private static String hostAndPid() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }
}
