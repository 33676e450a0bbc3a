package io.gatehouse.audit.internal.web;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.chain.CanonicalJson;
import io.gatehouse.audit.internal.CheckpointService;
import io.gatehouse.audit.internal.ExportService;
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
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The auditor's API over the caller's chain: search, export, verify, checkpoints. */
@Path("/api/v1/audit")
@RequestScoped
@Tag(name = "Audit")
@SecurityRequirement(name = "jwt")
public class AuditResource {
    @Inject CurrentCaller callers;
    @Inject ExportService exports;
    @Inject CheckpointService checkpoints;
    @Inject AuditRecorder recorder;
    @Inject RetentionService retention;
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
    @RequiresRole({Role.AUDITOR})
    @Produces({"application/x-ndjson", "text/csv"})
    @Operation(
            summary = "Export a period",
            description =
                    "format=jsonl (default) or csv; from/to ISO-8601 instants. Streamed. JSON Lines: a header"
                            + " with the anchor (seq and hash before the first event), the events, the signed"
                            + " checkpoints where they fall, a trailer with the count. Verify it offline with"
                            + " gatehouse-audit-verifier.jar. Every export is itself audited.")
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
    public Response export(
            @QueryParam("format") String format,
            @QueryParam("from") String fromParam,
            @QueryParam("to") String toParam,
            @QueryParam("chain") String chainParam) {
        Caller caller = callers.require();
        String chain = ChainAccess.chainFor(caller, chainParam, Role.AUDITOR);
        String fmt = format == null || format.isBlank() ? "jsonl" : format.trim().toLowerCase();
        if (!fmt.equals("jsonl") && !fmt.equals("csv")) {
            throw new ValidationException("format", "format must be jsonl or csv");
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
                        .requestId(requestId())
                        .build());
        String exportedAt =
                DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS));
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
                            fmt.equals("csv")
                                    ? CsvExportSink::new
                                    : wr ->
                                            EventRows.jsonLines(
                                                    wr, fromParam, toParam, exportedAt));
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
