package io.gatehouse.governance.internal.web;

import io.gatehouse.audit.RetainedRequests;
import io.gatehouse.governance.internal.CapturedCases;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Golden-set cases captured from audited traffic (issue 23): case skeletons built from the content
 * the tenant retains of its own gateway requests, read through {@code audit.RetainedRequests} (an
 * audited read: {@code audit.content.read}, purpose {@code golden_set.capture}). Nothing is stored:
 * the author puts the cases into a {@code golden_set} change.
 */
@Path("/api/v1/golden-sets/capture")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "governance")
@SecurityRequirement(name = "jwt")
public class GoldenSetCaptureResource {
    static final int MAX_ID_LENGTH = 200;
    static final int MAX_BINDS = 20;
    static final Set<String> BINDABLE = Set.of("prompt", "route", "policy");

    @Inject CurrentCaller caller;
    @Inject RetainedRequests retained;
    @Context HttpServletRequest request;

    @POST
    @RequiresRole({Role.AUTHOR, Role.ADMIN})
    @Operation(
            summary = "Case skeletons from the tenant's retained requests",
            description =
                    "At most 50 request ids (the X-Request-Id of gateway answers). A request of"
                            + " another tenant, or none, is missing as not_found; one whose content the"
                            + " tenant does not keep (retention none or hashed, purged) as not_retained;"
                            + " for a caller who is not an admin, one kept in full form (retention"
                            + " full) as full_content: authors take only redacted content into sets."
                            + " Reading the content is audited (audit.content.read). Given the binds"
                            + " of the set the cases are for, each case is shaped for them: for a"
                            + " prompt no model, the variables of a call to a bound managed prompt"
                            + " and the caller's own messages; for a route the messages alone; for"
                            + " a policy the messages and the model (the route alias, or the"
                            + " managed prompt with its variables). A request that gives no such"
                            + " case is missing as unfit.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = CaptureRequest.class)))
    @APIResponse(
            responseCode = "200",
            description = "The captured cases, their answers, and the ids that gave none",
            content = @Content(schema = @Schema(implementation = CaptureResult.class)))
    public JsonObject capture(String body) {
        Caller c = caller.require();
        if (c.tenant() == null) {
            throw new ForbiddenException(
                    "tenant_required", "Golden sets belong to a tenant: sign in to one");
        }
        JsonObject b = JsonBodies.object(body);
        for (String k : b.keySet()) {
            if (!k.equals("requestIds") && !k.equals("binds")) {
                throw new ValidationException(k, "Unknown field " + k);
            }
        }
        if (!(b.get("requestIds") instanceof JsonArray ids)) {
            throw new ValidationException("requestIds", "requestIds must be an array of ids");
        }
        if (ids.isEmpty() || ids.size() > CapturedCases.MAX_IDS) {
            throw new ValidationException(
                    "requestIds", "requestIds holds 1 to " + CapturedCases.MAX_IDS + " ids");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            JsonValue v = ids.get(i);
            if (!(v instanceof JsonString s)
                    || s.getString().isBlank()
                    || s.getString().length() > MAX_ID_LENGTH) {
                throw new ValidationException(
                        "requestIds[" + i + "]",
                        "Each request id is a non-empty string of at most "
                                + MAX_ID_LENGTH
                                + " characters");
            }
            wanted.add(s.getString());
        }
        CapturedCases.For set = binds(b.get("binds"));
        Map<String, RetainedRequests.Retained> found =
                retained.byRequestIds(
                        c,
                        wanted,
                        new RetainedRequests.Read(
                                        "golden_set.capture",
                                        (String) request.getAttribute(RequestIds.ATTRIBUTE))
                                .redactedOnly(!seesFullContent(c)));
        return CapturedCases.of(wanted, found, set);
    }

    /**
     * Whether the caller may take retained content in its full form into a case. Reading full
     * bodies is the auditor's (GET /api/v1/audit/contents/{hash}) and the admin's, who sets what
     * the tenant keeps; an author gets what a redaction produced (a tenant under {@code redacted})
     * and a request kept in full is {@code missing} as {@code full_content}: a case made of it
     * would put the unredacted conversation into a set every reviewer and auditor reads.
     */
    static boolean seesFullContent(Caller c) {
        return c.has(Role.ADMIN); // auditors read content, but capture is not theirs (403)
    }

    /**
     * The optional {@code binds} of the set the cases are for, as a golden set's content gives
     * them: 1 to 20 {@code {kind, target}}, prompts or policies but not both.
     */
    static CapturedCases.For binds(JsonValue v) {
        if (v == null || v == JsonValue.NULL) {
            return CapturedCases.For.ANY;
        }
        if (!(v instanceof JsonArray a) || a.isEmpty() || a.size() > MAX_BINDS) {
            throw new ValidationException(
                    "binds", "binds must be an array of 1 to " + MAX_BINDS + " {kind, target}");
        }
        Set<String> kinds = new LinkedHashSet<>();
        Set<String> targets = new LinkedHashSet<>();
        for (int i = 0; i < a.size(); i++) {
            String p = "binds[" + i + "]";
            if (!(a.get(i) instanceof JsonObject o)) {
                throw new ValidationException(p, p + " must be an object {kind, target}");
            }
            for (String k : o.keySet()) {
                if (!k.equals("kind") && !k.equals("target")) {
                    throw new ValidationException(p + "." + k, "Unknown field " + k);
                }
            }
            if (!(o.get("kind") instanceof JsonString kind)
                    || !BINDABLE.contains(kind.getString())) {
                throw new ValidationException(p + ".kind", p + ".kind is prompt, route or policy");
            }
            if (!(o.get("target") instanceof JsonString target)
                    || target.getString().isBlank()
                    || target.getString().length() > MAX_ID_LENGTH) {
                throw new ValidationException(
                        p + ".target", p + ".target must be a name (a non-empty string)");
            }
            kinds.add(kind.getString());
            targets.add(target.getString());
        }
        if (kinds.contains("prompt") && kinds.contains("policy")) {
            throw new ValidationException(
                    "binds",
                    "A set binds prompts or policies, not both: a policy case names its model, a"
                            + " prompt case may not");
        }
        return new CapturedCases.For(Set.copyOf(kinds), Set.copyOf(targets));
    }

    @Schema(description = "The gateway requests to build golden-set cases from")
    public record CaptureRequest(
            @Schema(
                            required = true,
                            description = "1 to 50 request ids (X-Request-Id of gateway answers)")
                    List<String> requestIds,
            @Schema(
                            description =
                                    "The binds of the golden set the cases are for (as in its"
                                            + " content; prompts or policies, not both): the cases"
                                            + " are shaped to its rules. Absent: each case is the"
                                            + " request as it was (messages, variables, route"
                                            + " alias)")
                    List<CaptureBinding> binds) {}

    @Schema(description = "A binding of the set the captured cases are for")
    public record CaptureBinding(
            @Schema(
                            required = true,
                            enumeration = {"prompt", "route", "policy"})
                    String kind,
            @Schema(required = true, description = "The prompt's, route's or policy's name")
                    String target) {}

    @Schema(description = "A captured case's input")
    public record CapturedInput(
            @Schema(
                            description =
                                    "The request's messages; left out when it had none (a managed"
                                            + " prompt's chat given by its variables)")
                    List<Map<String, String>> messages,
            @Schema(description = "The request's prompt_variables, when it had some")
                    Map<String, Object> variables,
            @Schema(
                            description =
                                    "The route alias the request used (for a policy's set, the"
                                            + " managed prompt it named); none for a prompt's or"
                                            + " a route's set")
                    String model) {}

    @Schema(description = "Where a captured case came from (kept, never interpreted)")
    public record CaseSource(
            @Schema(required = true) String requestId,
            @Schema(required = true, description = "The contentHash of the request's event")
                    String contentHash) {}

    @Schema(description = "A golden-set case skeleton: expectations are the author's to write")
    public record CapturedCase(
            @Schema(required = true, description = "captured-<short request id>") String id,
            @Schema(required = true) CapturedInput input,
            @Schema(required = true, description = "Always empty") List<Object> expect,
            @Schema(required = true) CaseSource source) {}

    @Schema(description = "A request id that gave no case")
    public record MissingRequest(
            @Schema(required = true) String requestId,
            @Schema(
                            required = true,
                            enumeration = {"not_found", "not_retained", "unfit"},
                            description =
                                    "not_found: no request of this tenant has the id;"
                                            + " not_retained: its content is not kept; unfit: it"
                                            + " gives no case the named binds can run (a route's"
                                            + " or policy's case needs messages)")
                    String reason) {}

    @Schema(description = "Captured cases")
    public record CaptureResult(
            @Schema(required = true) List<CapturedCase> cases,
            @Schema(required = true, description = "By case id: the answer text kept")
                    Map<String, String> answers,
            @Schema(
                            required = true,
                            description =
                                    "By case id: the form it was built from (full, or redacted"
                                            + " when that is what the tenant keeps)")
                    Map<String, String> forms,
            @Schema(required = true) List<MissingRequest> missing) {}
}
