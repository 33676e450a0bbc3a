package io.gatehouse.audit.internal.web;

import io.gatehouse.audit.internal.CheckpointService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The checkpoint keys at a public well-known address (the edge lets {@code /.well-known/*} through
 * without authentication), so auditors and their tools fetch them like a JWKS.
 */
@Path("/.well-known/gatehouse-audit-keys.json")
@RequestScoped
@Tag(name = "Audit")
public class WellKnownAuditKeysResource {
    @Inject CheckpointService checkpoints;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Checkpoint signing keys (public halves), without authentication")
    @APIResponse(
            responseCode = "200",
            description = "The keys",
            content = @Content(schema = @Schema(implementation = AuditDtos.AuditKeyList.class)))
    public String keys() {
        return AuditKeysResource.keysJson(checkpoints.keys());
    }
}
