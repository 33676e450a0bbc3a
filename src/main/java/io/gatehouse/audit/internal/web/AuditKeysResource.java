package io.gatehouse.audit.internal.web;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.chain.CanonicalJson;
import io.gatehouse.audit.chain.CheckpointStatement;
import io.gatehouse.audit.chain.KeyTrust;
import io.gatehouse.audit.internal.CheckpointService;
import io.gatehouse.audit.internal.persistence.SigningKeyRows.StoredKey;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The public halves of the checkpoint signing keys, current and retired, with their key ids: what
 * the offline verifier takes as {@code --keys}. Public information; also served without
 * authentication by {@link WellKnownAuditKeysResource}.
 */
@Path("/api/v1/audit/keys")
@RequestScoped
@Tag(name = "Audit")
@SecurityRequirement(name = "jwt")
public class AuditKeysResource {
    @Context HttpServletRequest request;
    @Inject CheckpointService checkpoints;
    @Inject CurrentCaller callers;
    @Inject AuditRecorder recorder;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Checkpoint signing keys (public halves)",
            description =
                    "{keys: [{keyId, algorithm, publicKey (base64 X.509), fingerprint (hex SHA-256 of"
                            + " publicKey: what verifiers pin), createdAt, retiredAt, introducedBy, introduction"
                            + " (introducedBy's Ed25519 signature of this key, base64)}]}. The list alone vouches"
                            + " for nothing: verifiers trust pinned fingerprints and the keys they introduced.")
    @APIResponse(
            responseCode = "200",
            description = "The keys",
            content = @Content(schema = @Schema(implementation = AuditDtos.AuditKeyList.class)))
    public String keys() {
        return keysJson(checkpoints.keys());
    }

    @POST
    @Path("/rotate")
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresRole({Role.PLATFORM_ADMIN})
    @Operation(
            summary = "Rotate the checkpoint signing key",
            description =
                    "Creates a new key that signs from now on, introduced by the old key's signature; the old"
                            + " one is retired but still served.")
    @APIResponse(
            responseCode = "200",
            description = "The new signing key",
            content = @Content(schema = @Schema(implementation = AuditDtos.AuditKeyView.class)))
    public String rotate() {
        Caller caller = callers.require();
        if (!caller.roles().contains(Role.PLATFORM_ADMIN)) {
            throw new io.gatehouse.shared.error.ForbiddenException(
                    "Only a platform admin rotates keys");
        }
        StoredKey k = checkpoints.rotate();
        recorder.record(
                AuditEvent.by(caller, "audit.key.rotate")
                        .requestId((String) request.getAttribute(RequestIds.ATTRIBUTE))
                        .tenant(null)
                        .target("audit_signing_key", k.keyId())
                        // in the platform chain's hashed form: which key came, and which key
                        // vouched for it
                        .detail("key.fingerprint", fingerprint(k))
                        .detail("key.introduced_by", k.introducedBy())
                        .build());
        return CanonicalJson.write(keyJson(k));
    }

    static String keysJson(List<StoredKey> keys) {
        List<Object> list = new ArrayList<>();
        for (StoredKey k : keys) {
            list.add(keyJson(k));
        }
        return CanonicalJson.write(Map.of("keys", list));
    }

    /** The key's fingerprint, or null when its stored public half is no Ed25519 key. */
    static String fingerprint(StoredKey k) {
        try {
            return KeyTrust.fingerprint(CheckpointStatement.publicKey(k.publicKey()).getEncoded());
        } catch (IllegalArgumentException notAKey) {
            return null;
        }
    }

    static Map<String, Object> keyJson(StoredKey k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keyId", k.keyId());
        m.put("algorithm", k.algorithm());
        m.put("publicKey", k.publicKey());
        m.put("fingerprint", fingerprint(k));
        m.put("introducedBy", k.introducedBy());
        m.put("introduction", k.introduction());
        m.put("createdAt", DateTimeFormatter.ISO_INSTANT.format(k.createdAt()));
        m.put(
                "retiredAt",
                k.retiredAt() == null ? null : DateTimeFormatter.ISO_INSTANT.format(k.retiredAt()));
        return m;
    }
}
