package io.gatehouse.audit.internal.web;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.chain.CanonicalJson;
import io.gatehouse.audit.internal.RetentionService;
import io.gatehouse.audit.internal.persistence.ContentRetention;
import io.gatehouse.audit.internal.persistence.RetentionRows;
import io.gatehouse.audit.internal.persistence.RetentionRows.Hold;
import io.gatehouse.audit.internal.persistence.RetentionRows.Setting;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.BadRequestException;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A tenant's content retention setting and legal holds, and the purge (paths under /retention). */
@Path("/api/v1/audit/retention")
@RequestScoped
@Tag(name = "Audit")
@SecurityRequirement(name = "jwt")
public class RetentionResource {
    private static final int MAX_DAYS = 36500;

    @Context HttpServletRequest request;
    @Inject CurrentCaller callers;
    @Inject RetentionService retention;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN, Role.AUDITOR})
    @Operation(summary = "The tenant's content retention setting")
    @APIResponse(
            responseCode = "200",
            description = "The setting",
            content = @Content(schema = @Schema(implementation = AuditDtos.RetentionSetting.class)))
    public String get() {
        TenantId t = tenant(callers.require(), Role.ADMIN, Role.AUDITOR);
        return settingJson(retention.setting(t));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN})
    @Operation(
            summary = "Set the tenant's content retention",
            description =
                    "Body: {\"mode\": \"none|hashed|redacted|full\", \"retentionDays\": 1..36500}. While a legal"
                            + " hold is active the retention period cannot be shortened (409 legal_hold_active).")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = AuditDtos.RetentionUpdate.class)))
    @APIResponse(
            responseCode = "200",
            description = "The setting as now in force",
            content = @Content(schema = @Schema(implementation = AuditDtos.RetentionSetting.class)))
    @APIResponse(
            responseCode = "409",
            description = "legal_hold_active: a hold is in force and the period would shorten")
    public String put(JsonObject body) {
        Caller caller = callers.require();
        TenantId t = tenant(caller, Role.ADMIN);
        if (body == null) {
            throw new BadRequestException("A JSON body is required");
        }
        ContentRetention mode =
                ContentRetention.fromWireName(body.getString("mode", null))
                        .orElseThrow(
                                () ->
                                        new ValidationException(
                                                "mode",
                                                "mode must be none, hashed, redacted or full"));
        int days;
        try {
            days = body.getInt("retentionDays");
        } catch (RuntimeException e) {
            throw new ValidationException("retentionDays", "retentionDays must be an integer");
        }
        if (days < 1 || days > MAX_DAYS) {
            throw new ValidationException(
                    "retentionDays", "retentionDays must be between 1 and " + MAX_DAYS);
        }
        Setting s =
                retention.update(
                        t,
                        mode,
                        days,
                        AuditEvent.by(caller, "audit.retention.update")
                                .requestId((String) request.getAttribute(RequestIds.ATTRIBUTE))
                                .target("tenant", t));
        return settingJson(s);
    }

    @GET
    @Path("/holds")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN, Role.AUDITOR})
    @Operation(summary = "The tenant's legal holds")
    @APIResponse(
            responseCode = "200",
            description = "The holds",
            content = @Content(schema = @Schema(implementation = AuditDtos.LegalHoldList.class)))
    public String holds() {
        TenantId t = tenant(callers.require(), Role.ADMIN, Role.AUDITOR);
        List<Object> out = new ArrayList<>();
        for (Hold h : retention.holds(t)) {
            out.add(holdJson(h));
        }
        return CanonicalJson.write(Map.of("holds", out));
    }

    @POST
    @Path("/holds")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.ADMIN, Role.AUDITOR})
    @Operation(
            summary = "Place a legal hold",
            description =
                    "Body: {\"reason\": \"...\"}. While a hold is in force no content is purged.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = AuditDtos.NewLegalHold.class)))
    @APIResponse(
            responseCode = "201",
            description = "The hold",
            content = @Content(schema = @Schema(implementation = AuditDtos.LegalHold.class)))
    public Response placeHold(JsonObject body) {
        Caller caller = callers.require();
        TenantId t = tenant(caller, Role.ADMIN, Role.AUDITOR);
        String reason = body == null ? null : body.getString("reason", null);
        if (reason == null || reason.isBlank() || reason.length() > 2000) {
            throw new ValidationException("reason", "reason is required (at most 2000 characters)");
        }
        Hold h =
                retention.placeHold(
                        t,
                        reason.trim(),
                        caller.subject(),
                        AuditEvent.by(caller, "audit.hold.place")
                                .requestId((String) request.getAttribute(RequestIds.ATTRIBUTE)));
        return Response.status(201)
                .entity(CanonicalJson.write(holdJson(h)))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    /**
     * Only an auditor releases a hold: an admin, who sets the retention, could otherwise release an
     * auditor's hold and have the content purged.
     */
    @POST
    @Path("/holds/{id}/release")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.AUDITOR})
    @Operation(
            summary = "Release a legal hold",
            description = "Auditors only (an admin may place a hold but not release one).")
    @APIResponse(
            responseCode = "200",
            description = "Released",
            content = @Content(schema = @Schema(implementation = AuditDtos.HoldRelease.class)))
    public String releaseHold(@PathParam("id") String id) {
        Caller caller = callers.require();
        if (!caller.has(Role.AUDITOR)) {
            throw new ForbiddenException(
                    "auditor_required", "Only an auditor releases a legal hold");
        }
        TenantId t = tenant(caller, Role.AUDITOR);
        UUID holdId;
        try {
            holdId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No such legal hold");
        }
        if (!retention.releaseHold(
                t,
                holdId,
                caller.subject(),
                AuditEvent.by(caller, "audit.hold.release")
                        .requestId((String) request.getAttribute(RequestIds.ATTRIBUTE)))) {
            throw new NotFoundException("No such active legal hold");
        }
        return CanonicalJson.write(Map.of("id", holdId.toString(), "released", true));
    }

    @POST
    @Path("/purge")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.PLATFORM_ADMIN})
    @Operation(
            summary = "Run the content purge now (it also runs hourly)",
            description =
                    "Each tenant is purged in its own transaction under its legal-hold lock, and"
                            + " one with deleted bodies gets an audit.content.purge event in it; the"
                            + " run itself is then recorded as audit.content.purge.run in the"
                            + " platform chain.")
    @APIResponse(
            responseCode = "200",
            description = "What the purge deleted",
            content = @Content(schema = @Schema(implementation = AuditDtos.PurgeResult.class)))
    public String purge() {
        Caller caller = callers.require();
        if (!caller.roles().contains(Role.PLATFORM_ADMIN)) {
            throw new ForbiddenException("Only a platform admin runs the purge");
        }
        return CanonicalJson.write(
                Map.of(
                        "deleted",
                        retention.purgeOnDemand(
                                AuditEvent.by(caller, RetentionRows.PURGE_ACTION + ".run")
                                        .requestId(
                                                (String)
                                                        request.getAttribute(
                                                                RequestIds.ATTRIBUTE)))));
    }

    private static TenantId tenant(Caller caller, Role... roles) {
        boolean ok = false;
        for (Role r : roles) {
            ok |= caller.has(r);
        }
        if (!ok) {
            throw new ForbiddenException("Missing role");
        }
        if (caller.tenant() == null) {
            throw new NotFoundException("No tenant for this caller");
        }
        return caller.tenant();
    }

    static String settingJson(Setting s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", s.mode().wireName());
        m.put("retentionDays", (long) s.retentionDays());
        m.put(
                "updatedAt",
                s.updatedAt().equals(Instant.EPOCH)
                        ? null
                        : DateTimeFormatter.ISO_INSTANT.format(s.updatedAt()));
        m.put("updatedBy", s.updatedBy());
        return CanonicalJson.write(m);
    }

    static Map<String, Object> holdJson(Hold h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", h.id().toString());
        m.put("reason", h.reason());
        m.put("createdAt", DateTimeFormatter.ISO_INSTANT.format(h.createdAt()));
        m.put("createdBy", h.createdBy());
        m.put(
                "releasedAt",
                h.releasedAt() == null
                        ? null
                        : DateTimeFormatter.ISO_INSTANT.format(h.releasedAt()));
        m.put("releasedBy", h.releasedBy());
        m.put("active", h.releasedAt() == null);
        return m;
    }
}
