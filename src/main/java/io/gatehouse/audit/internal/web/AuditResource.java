package io.gatehouse.audit.internal.web;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.chain.CanonicalJson;
import io.gatehouse.audit.internal.CheckpointService;
import io.gatehouse.audit.internal.ExportService;
import io.gatehouse.audit.internal.ExportTickets;
import io.gatehouse.audit.internal.RetentionService;
import io.gatehouse.audit.internal.persistence.ChainVerification;
import io.gatehouse.audit.internal.persistence.CheckpointRows.StoredCheckpoint;
import io.gatehouse.audit.internal.persistence.EventRows;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TicketCredentials;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.UnauthorizedException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The auditor's API over the caller's chain: search, an event in detail, export (by bearer token or
 * single-use ticket), verify, checkpoints.
 *
 * <p>Long on purpose: one resource per path prefix, each method parsing, checking access and
 * writing its JSON by hand in the canonical form the chain uses; the export's two ways in (bearer
 * token, ticket) share one body so that both stream and are audited the same way.
 */
@Path("/api/v1/audit")
@RequestScoped
@Tag(name = "Audit")
@SecurityRequirement(name = "jwt")
@SuppressWarnings("unchecked")
public class AuditResource {
    @Inject CurrentCaller callers;
    @Inject ExportService exports;
    @Inject CheckpointService checkpoints;
    @Inject AuditRecorder recorder;
    @Inject RetentionService retention;
    @Inject ExportTickets tickets;
    @Context HttpServletRequest request;

    @GET
    @Path("/events")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.AUDITOR})
    @Operation(
            summary = "Search the audit trail",
            description =
                    "Newest first. Filters: from/to (ISO-8601 instants, to exclusive), action, actor, outcome,"
                            + " targetType, target (target id), requestId. Keyset paging: pass nextCursor as"
                            + " cursor. limit 1..500 (default 100). chain=platform for platform admins.")
    @APIResponse(
            responseCode = "200",
            description = "A page of events",
            content = @Content(schema = @Schema(implementation = AuditDtos.AuditEventPage.class)))
    public String events(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("action") String action,
            @QueryParam("actor") String actor,
            @QueryParam("outcome") String outcome,
            @QueryParam("targetType") String targetType,
            @QueryParam("target") String target,
            @QueryParam("requestId") String requestId,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit,
            @QueryParam("chain") String chainParam) {
        Caller caller = callers.require();
        String chain = ChainAccess.chainFor(caller, chainParam, Role.AUDITOR);
        int n = ChainAccess.limit(limit, 100);
        EventRows.Filter f =
                new EventRows.Filter(
                        ChainAccess.instant("from", from),
                        ChainAccess.instant("to", to),
                        action,
                        actor,
                        outcome,
                        targetType,
                        target,
                        requestId,
                        ChainAccess.parseCursor(cursor),
                        n);
        List<Map<String, Object>> rows = exports.search(chain, f);
        return page(rows, n);
    }

    @GET
    @Path("/events/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.AUDITOR})
    @Operation(
            summary = "One event in detail",
            description =
                    "The event (hashed form, hash, display data) and, taken apart for reading: the actor"
                            + " with the name and roles recorded beside the hash (not evidence), the usage"
                            + " of a gateway request, the policy decisions (details.policy), and the content"
                            + " its contentHash names: whether it is still retained (form, storedAt), and with"
                            + " include=content its body (the read is audited, as for /contents/{hash}).")
    @APIResponse(
            responseCode = "200",
            description = "The event in detail",
            content = @Content(schema = @Schema(implementation = AuditDtos.AuditEventDetail.class)))
    @APIResponse(responseCode = "404", description = "No such event in the caller's chain")
    public String event(
            @PathParam("id") String id,
            @QueryParam("include") String include,
            @QueryParam("chain") String chainParam) {
        Caller caller = callers.require();
        String chain = ChainAccess.chainFor(caller, chainParam, Role.AUDITOR);
        java.util.UUID eventId;
        try {
            eventId = java.util.UUID.fromString(id.trim());
        } catch (IllegalArgumentException e) {
            throw new ValidationException("id", "id must be an event id (a UUID)");
        }
        boolean withBody = false;
        if (include != null && !include.isBlank()) {
            if (!include.trim().equals("content")) {
                throw new ValidationException("include", "include must be content");
            }
            withBody = true;
        }
        Map<String, Object> e =
                exports.event(chain, eventId)
                        .orElseThrow(() -> new NotFoundException("No such event"));
        Map<String, Object> display =
                e.get("display") instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of();
        Map<String, Object> actor = new LinkedHashMap<>();
        actor.put("kind", e.get("actorKind"));
        actor.put("id", e.get("actor"));
        actor.put("name", display.get(AuditEvent.ACTOR_NAME));
        actor.put("roles", display.getOrDefault(AuditEvent.ACTOR_ROLES, List.of()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("event", e);
        out.put("actor", actor);
        out.put("usage", e.get("usage"));
        Object policy =
                e.get("details") instanceof Map<?, ?> details ? details.get("policy") : null;
        out.put("policy", policy);
        String hash = (String) e.get("contentHash");
        out.put("contentHash", hash);
        Map<String, Object> content = null;
        if (hash != null) {
            content = new LinkedHashMap<>();
            var stored = retention.content(chain, hash);
            content.put("retained", stored.isPresent());
            content.put("form", stored.map(c -> c.form()).orElse(null));
            content.put(
                    "storedAt",
                    stored.map(c -> DateTimeFormatter.ISO_INSTANT.format(c.storedAt()))
                            .orElse(null));
            if (withBody && stored.isPresent()) {
                recorder.record(
                        forChain(AuditEvent.by(caller, "audit.content.read"), chain)
                                .target("audit_content", hash)
                                .requestId(requestId())
                                .build());
                content.put("body", io.gatehouse.audit.chain.JsonReader.parse(stored.get().body()));
            }
        }
        out.put("content", content);
        return CanonicalJson.write(out);
    }

    /** A page of events as JSON: {@code {"events": [...], "nextCursor": ...}}. */
    static String page(List<Map<String, Object>> rows, int limit) {
        boolean more = rows.size() > limit;
        List<Map<String, Object>> events = more ? new ArrayList<>(rows.subList(0, limit)) : rows;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", events);
        out.put(
                "nextCursor",
                more
                        ? ChainAccess.cursor(
                                ((Number) events.get(events.size() - 1).get("seq")).longValue())
                        : null);
        return CanonicalJson.write(out);
    }

    @GET
    @Path("/export")
    @Produces({"application/x-ndjson", "text/csv"})
    @Operation(
            summary = "Export a period",
            description =
                    "format=jsonl (default) or csv; from/to ISO-8601 instants. Streamed. JSON Lines: a header"
                            + " with the anchor (seq and hash before the first event), the events, the signed"
                            + " checkpoints where they fall, a trailer with the count. Verify it offline with"
                            + " gatehouse-audit-verifier.jar. Every export is itself audited. Authorized by a"
                            + " bearer token (role auditor) or, without one, by ticket: a single-use ticket from"
                            + " POST /api/v1/audit/export/tickets (valid 60 s), which fixes chain, format and"
                            + " period; parameters given beside it must match them (403 ticket_mismatch), and"
                            + " an unknown, used or expired ticket is 401 invalid_ticket (failures are"
                            + " audited and rate limited per client address: 429). At redemption the"
                            + " ticket's user must still be active (401 invalid_ticket) and the tenant not"
                            + " suspended (403 tenant_suspended).")
    @APIResponse(
            responseCode = "200",
            description =
                    "The export: JSON Lines (format=jsonl), one AuditExportLine per line, or CSV (format=csv)",
            content = {
                @Content(
                        mediaType = "application/x-ndjson",
                        schema = @Schema(implementation = AuditDtos.AuditExportLine.class)),
                @Content(
                        mediaType = "text/csv",
                        schema =
                                @Schema(
                                        type = SchemaType.STRING,
                                        description = "CSV with a header row, one event per row"))
            })
    @APIResponse(
            responseCode = "401",
            description = "No credentials, or the ticket is unknown, used or expired")
    @APIResponse(
            responseCode = "403",
            description =
                    "Not an auditor, the ticket belongs to another caller or other parameters, or"
                            + " the tenant is suspended")
    @APIResponse(
            responseCode = "429",
            description =
                    "Too many failed ticket redemptions from this client address (Retry-After)")
    @Parameter(
            name = "ticket",
            in = ParameterIn.QUERY,
            description =
                    "A single-use export ticket instead of a bearer token; the edge authenticates"
                            + " with it and takes it out of the URL before traces or logs see it",
            schema = @Schema(type = SchemaType.STRING))
    public Response export(
            @QueryParam("format") String format,
            @QueryParam("from") String fromParam,
            @QueryParam("to") String toParam,
            @QueryParam("chain") String chainParam) {
        // Set by the edge when it authenticated this request by an export ticket: what the ticket
        // was bound to (the ticket itself never reaches here, nor any trace or log).
        @SuppressWarnings("unchecked")
        Map<String, String> ticket =
                (Map<String, String>) request.getAttribute(TicketCredentials.BOUND_ATTRIBUTE);
        Caller caller = callers.require();
        String chain;
        String fmt;
        if (ticket != null) {
            if (differs(format, ticket.get(ExportTickets.FORMAT))
                    || differs(fromParam, ticket.get(ExportTickets.FROM))
                    || differs(toParam, ticket.get(ExportTickets.TO))
                    || differs(chainParam, ticket.get(ExportTickets.CHAIN))) {
                throw new ForbiddenException(
                        "ticket_mismatch",
                        "The export ticket was issued for other parameters (it is now spent)");
            }
            // the edge re-checked the person: their roles as they are now
            chain = ChainAccess.chainFor(caller, ticket.get(ExportTickets.CHAIN), Role.AUDITOR);
            fmt = ticket.get(ExportTickets.FORMAT);
            fromParam = ticket.get(ExportTickets.FROM);
            toParam = ticket.get(ExportTickets.TO);
        } else {
            if (!caller.has(Role.AUDITOR)) {
                forbidden(caller);
            }
            chain = ChainAccess.chainFor(caller, chainParam, Role.AUDITOR);
            fmt = format(format);
        }
        Instant from = ChainAccess.instant("from", fromParam);
        Instant to = ChainAccess.instant("to", toParam);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new ValidationException("to", "to must be after from");
        }
        // The export is audited (durably) before a byte of it leaves.
        recorder.record(
                forChain(AuditEvent.by(caller, "audit.export"), chain)
                        .target("audit_chain", chain)
                        .detail("format", fmt)
                        .detail("from", fromParam)
                        .detail("to", toParam)
                        .detail("via", ticket != null ? "ticket" : "bearer")
                        .requestId(requestId())
                        .build());
        String exportedAt =
                DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        String fromText = fromParam;
        String toText = toParam;
        String exportFormat = fmt;
        StreamingOutput body =
                out -> {
                    Writer w =
                            new BufferedWriter(
                                    new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
                    exports.export(
                            chain,
                            from,
                            to,
                            w,
                            exportFormat.equals("csv")
                                    ? CsvExportSink::new
                                    : wr -> EventRows.jsonLines(wr, fromText, toText, exportedAt));
                    w.flush();
                };
        String file = "audit-" + chain + "." + fmt;
        return Response.ok(
                        body,
                        fmt.equals("csv") ? "text/csv; charset=utf-8" : "application/x-ndjson")
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"")
                .header("Cache-Control", "no-store")
                .build();
    }

    @POST
    @Path("/export/tickets")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.AUDITOR})
    @Operation(
            summary = "Get a single-use export ticket",
            description =
                    "Body (optional): {\"format\": \"jsonl|csv\", \"from\", \"to\" (ISO-8601), \"chain\"}."
                            + " The ticket is valid for 60 seconds, for one GET of the url it comes with,"
                            + " bound to the caller and these parameters: a browser can then download the"
                            + " export by a plain link, streamed to disk, with no bearer token in any URL.")
    @RequestBody(
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = AuditDtos.ExportTicketRequest.class)))
    @APIResponse(
            responseCode = "201",
            description = "The ticket",
            content = @Content(schema = @Schema(implementation = AuditDtos.ExportTicket.class)))
    public Response exportTicket(String body) {
        Caller caller = callers.require();
        Map<String, Object> b = ticketBody(body);
        String chain = ChainAccess.chainFor(caller, text(b, "chain"), Role.AUDITOR);
        String fmt = format(text(b, "format"));
        String from = text(b, "from");
        String to = text(b, "to");
        Instant f = ChainAccess.instant("from", from);
        Instant t = ChainAccess.instant("to", to);
        if (f != null && t != null && !f.isBefore(t)) {
            throw new ValidationException("to", "to must be after from");
        }
        String fromText = f == null ? null : from.trim();
        String toText = t == null ? null : to.trim();
        // the token this request came with: revoking it revokes the ticket
        TicketCredentials.IssuingToken token =
                (TicketCredentials.IssuingToken)
                        request.getAttribute(TicketCredentials.ISSUING_TOKEN_ATTRIBUTE);
        if (token == null) {
            throw new UnauthorizedException(
                    "Export tickets are issued to a person's access token only");
        }
        ExportTickets.Issued issued = tickets.issue(caller, token, chain, fmt, fromText, toText);
        // Audited before the ticket leaves (never the ticket itself: only its expiry); a failed
        // record answers 503 and the stored hash alone cannot be redeemed.
        recorder.record(
                forChain(AuditEvent.by(caller, "audit.export.ticket"), chain)
                        .target("audit_chain", chain)
                        .detail("format", fmt)
                        .detail("from", fromText)
                        .detail("to", toText)
                        .detail(
                                "expires_at",
                                DateTimeFormatter.ISO_INSTANT.format(
                                        issued.expiresAt().truncatedTo(ChronoUnit.MILLIS)))
                        .requestId(requestId())
                        .build());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ticket", issued.ticket());
        m.put(
                "expiresAt",
                DateTimeFormatter.ISO_INSTANT.format(
                        issued.expiresAt().truncatedTo(ChronoUnit.MILLIS)));
        m.put("url", "/api/v1/audit/export?ticket=" + issued.ticket());
        m.put("chain", chain);
        m.put("format", fmt);
        m.put("from", fromText);
        m.put("to", toText);
        return Response.status(201)
                .entity(CanonicalJson.write(m))
                .type(MediaType.APPLICATION_JSON)
                .header("Cache-Control", "no-store")
                .build();
    }

    /** The ticket request's body: empty, or a JSON object of strings. */
    private static Map<String, Object> ticketBody(String body) {
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        Object parsed;
        try {
            parsed = io.gatehouse.audit.chain.JsonReader.parse(body);
        } catch (RuntimeException e) {
            throw new ValidationException("body", "The body must be a JSON object");
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new ValidationException("body", "The body must be a JSON object");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (!List.of("format", "from", "to", "chain").contains(k)) {
                throw new ValidationException(k, "Unknown field " + k);
            }
            if (e.getValue() != null && !(e.getValue() instanceof String)) {
                throw new ValidationException(k, k + " must be a string");
            }
            out.put(k, e.getValue());
        }
        return out;
    }

    private static String text(Map<String, Object> b, String key) {
        Object v = b.get(key);
        return v == null || ((String) v).isBlank() ? null : (String) v;
    }

    private static String format(String format) {
        String fmt = format == null || format.isBlank() ? "jsonl" : format.trim().toLowerCase();
        if (!fmt.equals("jsonl") && !fmt.equals("csv")) {
            throw new ValidationException("format", "format must be jsonl or csv");
        }
        return fmt;
    }

    /** A parameter given beside a ticket must say what the ticket says. */
    private static boolean differs(String given, String bound) {
        if (given == null || given.isBlank()) {
            return false;
        }
        return !given.trim().equalsIgnoreCase(bound == null ? "" : bound);
    }

    /** 403, recorded as the role filter records it (this method checks roles itself). */
    private void forbidden(Caller caller) {
        recorder.record(
                AuditEvent.by(caller, "auth.forbidden")
                        .outcome(AuditEvent.Outcome.DENIED)
                        .detail("reason", "missing_role")
                        .detail("path", "api/v1/audit/export")
                        .requestId(requestId())
                        .build());
        throw new ForbiddenException("This needs one of the roles [auditor]");
    }

    @GET
    @Path("/verify")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.AUDITOR})
    @Operation(
            summary = "Verify the chain",
            description =
                    "Recomputes every event's hash (hashed form v1 or v2, per event) and link in seq order"
                            + " and checks the signed checkpoints. Answers valid, eventsChecked, hashVersions"
                            + " ({v1, v2}: events per hashed form), checkpointsChecked, checkpointKeys (runs of"
                            + " consecutive checkpoints signed by one key: keyId, pinned, pinnedBy = configuration,"
                            + " master-key or introduction, fromSeq, toSeq, checkpoints), firstBroken (seq, eventId,"
                            + " reason: hash_mismatch, prev_link_mismatch, gap, checkpoint_mismatch,"
                            + " bad_checkpoint_signature, unpinned_checkpoint_key, truncated) or null, and"
                            + " truncation (the latest checkpoint against the last stored event).")
    @APIResponse(
            responseCode = "200",
            description = "The verification result",
            content =
                    @Content(
                            schema =
                                    @Schema(
                                            implementation =
                                                    AuditDtos.ChainVerificationView.class)))
    public String verify(@QueryParam("chain") String chainParam) {
        Caller caller = callers.require();
        String chain = ChainAccess.chainFor(caller, chainParam, Role.AUDITOR);
        return verificationJson(checkpoints.verify(chain));
    }

    static String verificationJson(ChainVerification v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("chain", v.chain());
        out.put("valid", v.valid());
        out.put("eventsChecked", v.eventsChecked());
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("v1", v.v1Events());
        versions.put("v2", v.v2Events());
        out.put("hashVersions", versions);
        out.put("checkpointsChecked", v.checkpointsChecked());
        List<Object> runs = new ArrayList<>();
        for (var run : v.checkpointKeys()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("keyId", run.keyId());
            r.put("pinned", run.pinned());
            r.put("pinnedBy", run.pinnedBy());
            r.put("fromSeq", run.fromSeq());
            r.put("toSeq", run.toSeq());
            r.put("checkpoints", run.checkpoints());
            runs.add(r);
        }
        out.put("checkpointKeys", runs);
        if (v.firstBroken() == null) {
            out.put("firstBroken", null);
        } else {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("seq", v.firstBroken().seq());
            b.put("eventId", v.firstBroken().eventId());
            b.put("reason", v.firstBroken().reason());
            b.put("detail", v.firstBroken().detail());
            out.put("firstBroken", b);
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("detected", v.truncation().detected());
        t.put("lastSeq", v.truncation().lastSeq());
        t.put("checkpointSeq", v.truncation().checkpointSeq());
        t.put("checkpointTime", v.truncation().checkpointTime());
        out.put("truncation", t);
        return CanonicalJson.write(out);
    }

    @POST
    @Path("/checkpoints")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.AUDITOR})
    @Operation(
            summary = "Sign a checkpoint now",
            description =
                    "Signs the chain's current head (unless its latest checkpoint names it) and returns it.")
    @APIResponse(
            responseCode = "200",
            description = "The checkpoint",
            content = @Content(schema = @Schema(implementation = AuditDtos.AuditCheckpoint.class)))
    @APIResponse(responseCode = "404", description = "The chain has no events yet")
    public String checkpointNow(@QueryParam("chain") String chainParam) {
        Caller caller = callers.require();
        String chain = ChainAccess.chainFor(caller, chainParam, Role.AUDITOR);
        return checkpoints
                .checkpoint(chain)
                .map(AuditResource::checkpointJson)
                .orElseThrow(() -> new NotFoundException("The chain has no events yet"));
    }

    static String checkpointJson(StoredCheckpoint cp) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chain", cp.chain());
        m.put("headSeq", cp.headSeq());
        m.put("headHash", cp.headHash());
        m.put("count", cp.count());
        m.put("time", cp.statement().time());
        m.put("keyId", cp.keyId());
        m.put("algorithm", io.gatehouse.audit.chain.CheckpointStatement.ALGORITHM);
        m.put("signature", cp.signature());
        return CanonicalJson.write(m);
    }

    @GET
    @Path("/contents/{hash}")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.AUDITOR})
    @Operation(
            summary = "A stored request/response body",
            description =
                    "By the content hash its event carries; 404 when never kept or purged. Audited.")
    @APIResponse(
            responseCode = "200",
            description = "The stored body",
            content =
                    @Content(schema = @Schema(implementation = AuditDtos.StoredContentView.class)))
    public String content(@PathParam("hash") String hash) {
        Caller caller = callers.require();
        String chain = ChainAccess.chainFor(caller, null, Role.AUDITOR);
        var c =
                retention
                        .content(chain, hash)
                        .orElseThrow(
                                () ->
                                        new NotFoundException(
                                                "No stored content with that hash (never kept, or purged)"));
        recorder.record(
                forChain(AuditEvent.by(caller, "audit.content.read"), chain)
                        .target("audit_content", hash)
                        .requestId(requestId())
                        .build());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("contentHash", c.contentHash());
        m.put("form", c.form());
        m.put("storedAt", DateTimeFormatter.ISO_INSTANT.format(c.storedAt()));
        m.put("body", io.gatehouse.audit.chain.JsonReader.parse(c.body()));
        return CanonicalJson.write(m);
    }

    private String requestId() {
        return (String) request.getAttribute(RequestIds.ATTRIBUTE);
    }

    static AuditEvent.Builder forChain(AuditEvent.Builder b, String chain) {
        return b.tenant(chain.equals(ChainAccess.PLATFORM) ? null : TenantId.of(chain));
    }
}
