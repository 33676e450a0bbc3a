package io.gatehouse.governance.internal.web;

import io.gatehouse.governance.internal.AutomaticEvidence;
import io.gatehouse.governance.internal.ChangeComments;
import io.gatehouse.governance.internal.ChangeRequestService;
import io.gatehouse.governance.internal.ChangeView;
import io.gatehouse.governance.internal.ChangeViews;
import io.gatehouse.governance.internal.Evidence;
import io.gatehouse.governance.internal.EvidenceGate;
import io.gatehouse.governance.internal.EvidenceRule;
import io.gatehouse.governance.internal.EvidenceStatus;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ValidationException;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Change requests: create, list, read (with diff, reviews, comments) and the workflow actions.
 * Every action takes an optional {@code {"comment": "..."}}; illegal transitions answer 409 with a
 * reason.
 *
 * <p>Long on purpose: one resource method per workflow action, each with its OpenAPI annotations.
 */
@Path("/api/v1/changes")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "governance")
@SecurityRequirement(name = "jwt")
public class ChangesResource {
    @Inject ChangeRequestService changes;
    @Inject ChangeComments comments;
    @Inject ChangeViews views;
    @Inject Evidence evidence;
    @Inject AutomaticEvidence automaticEvidence;
    @Inject EvidenceStatus evidenceStatus;
    @Inject CurrentCaller caller;
    @Context HttpServletRequest request;

    @POST
    @RequiresRole({Role.AUTHOR, Role.ADMIN})
    @Operation(summary = "Create a change request (draft): {kind, target, content, comment}")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.NewChange.class)))
    @APIResponse(
            responseCode = "201",
            description = "Created (a draft); Location names it",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeView.class)))
    public Response create(String body) {
        JsonObject b = JsonBodies.object(body);
        ChangeView v =
                changes.create(
                        caller.require(),
                        requestId(),
                        JsonBodies.string(b, "kind"),
                        JsonBodies.string(b, "target"),
                        JsonBodies.objectField(b, "content"),
                        JsonBodies.string(b, "comment"));
        return Response.created(URI.create("/api/v1/changes/" + v.id()))
                .entity(ChangeJsonWriter.write(v, true))
                .build();
    }

    @GET
    @RequiresRole({Role.AUTHOR, Role.REVIEWER, Role.ADMIN, Role.AUDITOR})
    @Operation(
            summary =
                    "List change requests, newest first; filter by state, kind, target, postHocReview."
                            + " Each carries evidenceStatus, its current revision's evidence in one"
                            + " word, judged as publishing judges it")
    @APIResponse(
            responseCode = "200",
            description = "Change requests, newest first",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeList.class)))
    public JsonObject list(
            @QueryParam("state") String state,
            @QueryParam("kind") String kind,
            @QueryParam("target") String target,
            @QueryParam("postHocReview") String postHocReview,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        io.gatehouse.shared.Caller c = caller.require();
        java.util.List<ChangeView> page =
                views.list(
                        c, state, kind, target, postHocReview, Math.max(1, Math.min(limit, 500)));
        java.util.Map<UUID, String> statuses =
                evidenceStatus.of(
                        c.tenant(),
                        page.stream()
                                .map(
                                        v ->
                                                new EvidenceStatus.Listed(
                                                        v.id(),
                                                        v.revision(),
                                                        v.kind(),
                                                        v.target(),
                                                        v.authors().stream()
                                                                .map(ChangeView.Person::id)
                                                                .collect(
                                                                        java.util.stream.Collectors
                                                                                .toSet())))
                                .toList());
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (ChangeView v : page) {
            a.add(
                    Json.createObjectBuilder(ChangeJsonWriter.write(v, false))
                            .add(
                                    "evidenceStatus",
                                    statuses.getOrDefault(v.id(), EvidenceStatus.NONE)));
        }
        return Json.createObjectBuilder().add("data", a).build();
    }

    @GET
    @Path("{id}")
    @RequiresRole({Role.AUTHOR, Role.REVIEWER, Role.ADMIN, Role.AUDITOR})
    @Operation(
            summary =
                    "A change request with its content, diff against its base, revisions (each with its author"
                            + " and action: create, revise, rebase, rollback), authors, reviews and comments")
    @APIResponse(
            responseCode = "200",
            description = "The change request",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeView.class)))
    public JsonObject get(@PathParam("id") String id) {
        io.gatehouse.shared.Caller c = caller.require();
        ChangeView v = views.get(c, JsonBodies.uuid(id));
        JsonArrayBuilder e = Json.createArrayBuilder();
        java.util.Set<String> authors = new java.util.HashSet<>();
        v.authors().forEach(p -> authors.add(p.id()));
        evidence.forChange(c.tenant(), v.id(), null, authors).forEach(e::add);
        automaticEvidence.forChange(c.tenant(), v.id()).forEach(e::add);
        return Json.createObjectBuilder(ChangeJsonWriter.write(v, true)).add("evidence", e).build();
    }

    @PUT
    @Path("{id}")
    @RequiresRole({Role.AUTHOR, Role.ADMIN})
    @Operation(summary = "A new revision (only in draft or changes requested): {content, comment}")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.ChangeRevision.class)))
    @APIResponse(
            responseCode = "200",
            description = "The change with its new revision",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeView.class)))
    @APIResponse(
            responseCode = "409",
            description =
                    "The action is not allowed in the change's state (the answer names the reason)")
    public JsonObject revise(@PathParam("id") String id, String body) {
        JsonObject b = JsonBodies.object(body);
        return ChangeJsonWriter.write(
                changes.revise(
                        caller.require(),
                        requestId(),
                        JsonBodies.uuid(id),
                        JsonBodies.objectField(b, "content"),
                        JsonBodies.string(b, "comment")),
                true);
    }

    @POST
    @Path("{id}/submit")
    @RequiresRole({Role.AUTHOR, Role.ADMIN})
    @Operation(summary = "Submit for review")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.ActionComment.class)))
    @APIResponse(
            responseCode = "200",
            description = "The change, in review",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeView.class)))
    @APIResponse(
            responseCode = "409",
            description =
                    "The action is not allowed in the change's state (the answer names the reason)")
    public JsonObject submit(@PathParam("id") String id, String body) {
        return ChangeJsonWriter.write(
                changes.submit(caller.require(), requestId(), JsonBodies.uuid(id), comment(body)),
                true);
    }

    @POST
    @Path("{id}/approve")
    @RequiresRole({Role.REVIEWER, Role.ADMIN})
    @Operation(
            summary =
                    "Approve (never by anyone who authored a revision of the change, never twice); also the"
                            + " review after a rollback")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.ActionComment.class)))
    @APIResponse(
            responseCode = "200",
            description = "The change with the approval",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeView.class)))
    @APIResponse(
            responseCode = "403",
            description = "An author of the change, or a reviewer approving twice")
    @APIResponse(
            responseCode = "409",
            description =
                    "The action is not allowed in the change's state, or rebase_required: its base is"
                            + " no longer live (the answer names the reason)")
    public JsonObject approve(@PathParam("id") String id, String body) {
        return ChangeJsonWriter.write(
                changes.approve(caller.require(), requestId(), JsonBodies.uuid(id), comment(body)),
                true);
    }

    @POST
    @Path("{id}/reject")
    @RequiresRole({Role.REVIEWER, Role.ADMIN})
    @Operation(summary = "Reject (final; never by anyone who authored a revision of the change)")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.ActionComment.class)))
    @APIResponse(
            responseCode = "200",
            description = "The change, rejected",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeView.class)))
    @APIResponse(
            responseCode = "409",
            description =
                    "The action is not allowed in the change's state (the answer names the reason)")
    public JsonObject reject(@PathParam("id") String id, String body) {
        return ChangeJsonWriter.write(
                changes.reject(caller.require(), requestId(), JsonBodies.uuid(id), comment(body)),
                true);
    }

    @POST
    @Path("{id}/request-changes")
    @RequiresRole({Role.REVIEWER, Role.ADMIN})
    @Operation(
            summary =
                    "Send back to the author for a new revision (never by anyone who authored a revision)")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.ActionComment.class)))
    @APIResponse(
            responseCode = "200",
            description = "The change, sent back",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeView.class)))
    @APIResponse(
            responseCode = "409",
            description =
                    "The action is not allowed in the change's state (the answer names the reason)")
    public JsonObject requestChanges(@PathParam("id") String id, String body) {
        return ChangeJsonWriter.write(
                changes.requestChanges(
                        caller.require(), requestId(), JsonBodies.uuid(id), comment(body)),
                true);
    }

    @POST
    @Path("{id}/withdraw")
    @RequiresRole({Role.AUTHOR, Role.ADMIN})
    @Operation(summary = "Withdraw (author or admin)")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.ActionComment.class)))
    @APIResponse(
            responseCode = "200",
            description = "The change, withdrawn",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeView.class)))
    @APIResponse(
            responseCode = "409",
            description =
                    "The action is not allowed in the change's state (the answer names the reason)")
    public JsonObject withdraw(@PathParam("id") String id, String body) {
        return ChangeJsonWriter.write(
                changes.withdraw(caller.require(), requestId(), JsonBodies.uuid(id), comment(body)),
                true);
    }

    @POST
    @Path("{id}/rebase")
    @RequiresRole({Role.AUTHOR, Role.ADMIN})
    @Operation(summary = "Re-base on what is live now (a new revision: review restarts)")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.ActionComment.class)))
    @APIResponse(
            responseCode = "200",
            description = "The change with its re-based revision",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeView.class)))
    @APIResponse(
            responseCode = "409",
            description =
                    "The action is not allowed in the change's state (the answer names the reason)")
    public JsonObject rebase(@PathParam("id") String id, String body) {
        return ChangeJsonWriter.write(
                changes.rebase(caller.require(), requestId(), JsonBodies.uuid(id), comment(body)),
                true);
    }

    @POST
    @Path("{id}/publish")
    @RequiresRole({Role.ADMIN})
    @Operation(
            summary =
                    "Publish an approved change (needs its approvals and a live base; 409 rebase_required"
                            + " when another change of the target went live first)")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.PublishBody.class)))
    @APIResponse(
            responseCode = "200",
            description = "The change, published",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeView.class)))
    @APIResponse(
            responseCode = "400",
            description =
                    "evidenceOverride without a reason (1..2000 characters), or not an object")
    @APIResponse(
            responseCode = "403",
            description = "own_change: an author of the change asked for an evidence override")
    @APIResponse(
            responseCode = "409",
            description =
                    "Not approved; rebase_required: another change of the target went live first;"
                            + " evidence_missing / evidence_failed: an approval rule requires a"
                            + " passed run of every bound golden set for the current revision (the"
                            + " problem's goldenSets name them); override_needs_reviewer: an"
                            + " override needs one more distinct approval than the rule;"
                            + " override_not_needed: no failed run to override")
    public JsonObject publish(@PathParam("id") String id, String body) {
        JsonObject b = JsonBodies.object(body);
        return ChangeJsonWriter.write(
                changes.publish(
                        caller.require(),
                        requestId(),
                        JsonBodies.uuid(id),
                        JsonBodies.string(b, "comment"),
                        evidenceOverride(b)),
                true);
    }

    /** {@code evidenceOverride: {reason}} of a publish body, or null; 400 naming the field. */
    static EvidenceGate.EvidenceOverride evidenceOverride(JsonObject body) {
        JsonObject o = JsonBodies.objectField(body, "evidenceOverride");
        if (o == null) {
            return null;
        }
        for (String k : o.keySet()) {
            if (!k.equals("reason")) {
                throw new ValidationException(
                        "evidenceOverride." + k, "evidenceOverride takes only a reason");
            }
        }
        String reason = EvidenceRule.validReason(JsonBodies.string(o, "reason"));
        if (reason == null) {
            throw new ValidationException(
                    "evidenceOverride.reason",
                    "An evidence override needs a reason of 1 to "
                            + EvidenceRule.MAX_REASON
                            + " characters");
        }
        return new EvidenceGate.EvidenceOverride(reason);
    }

    @POST
    @Path("{id}/rollback")
    @RequiresRole({Role.ADMIN})
    @Operation(
            summary =
                    "Break-glass: re-apply this earlier published change at once; answers the new rollback"
                            + " change, which awaits a review after the fact")
    @RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.ActionComment.class)))
    @APIResponse(
            responseCode = "201",
            description = "The new rollback change, live and awaiting its review after the fact",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeView.class)))
    @APIResponse(
            responseCode = "409",
            description =
                    "The action is not allowed in the change's state (the answer names the reason)")
    public Response rollback(@PathParam("id") String id, String body) {
        ChangeView v =
                changes.rollback(caller.require(), requestId(), JsonBodies.uuid(id), comment(body));
        return Response.created(URI.create("/api/v1/changes/" + v.id()))
                .entity(ChangeJsonWriter.write(v, true))
                .build();
    }

    @POST
    @Path("{id}/comments")
    @RequiresRole({Role.AUTHOR, Role.REVIEWER, Role.ADMIN})
    @Operation(
            summary =
                    "Add a comment, or a reply to another comment of the same change: {comment, parentId}")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = GovernanceDtos.NewComment.class)))
    @APIResponse(
            responseCode = "200",
            description = "The change with the comment",
            content = @Content(schema = @Schema(implementation = GovernanceDtos.ChangeView.class)))
    @APIResponse(
            responseCode = "400",
            description =
                    "No comment, or parentId is not the id of a comment of this change request, or"
                            + " reply_too_deep: the reply would be more than 8 levels deep")
    @APIResponse(
            responseCode = "409",
            description = "too_many_comments: the change holds 1,000 comments already")
    public JsonObject addComment(@PathParam("id") String id, String body) {
        JsonObject b = JsonBodies.object(body);
        String parent = JsonBodies.string(b, "parentId");
        UUID parentId = null;
        if (parent != null) {
            try {
                parentId = UUID.fromString(parent);
            } catch (IllegalArgumentException e) {
                throw new ValidationException(
                        "parentId", "parentId must be a comment's id (a UUID)");
            }
        }
        return ChangeJsonWriter.write(
                comments.comment(
                        caller.require(),
                        requestId(),
                        JsonBodies.uuid(id),
                        JsonBodies.string(b, "comment"),
                        parentId),
                true);
    }

    private static String comment(String body) {
        return JsonBodies.string(JsonBodies.object(body), "comment");
    }

    private String requestId() {
        Object id = request.getAttribute(RequestIds.ATTRIBUTE);
        return id == null ? null : id.toString();
    }
}
