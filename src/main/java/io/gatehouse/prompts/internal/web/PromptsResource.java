package io.gatehouse.prompts.internal.web;

import io.gatehouse.governance.ContentDiff;
import io.gatehouse.prompts.internal.PromptRegistry;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The prompt registry, read-only: prompts, their labels and version history, one version, the diff
 * between two versions. New versions, label moves and rollbacks go through /api/v1/changes.
 */
@Path("/api/v1/prompts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "prompts")
@SecurityRequirement(name = "jwt")
@RequiresRole({Role.ADMIN, Role.AUTHOR, Role.REVIEWER, Role.AUDITOR})
public class PromptsResource {
    @Inject PromptRegistry registry;
    @Inject CurrentCaller caller;

    @GET
    @Operation(summary = "The tenant's prompts with their labels")
    @APIResponse(
            responseCode = "200",
            description = "The prompts",
            content = @Content(schema = @Schema(implementation = PromptDtos.PromptList.class)))
    public JsonObject list() {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (PromptRegistry.PromptView p : registry.list(tenant())) {
            a.add(json(p));
        }
        return Json.createObjectBuilder().add("data", a).build();
    }

    @GET
    @Path("{name}")
    @Operation(summary = "A prompt: labels (with canary splits) and version history")
    @APIResponse(
            responseCode = "200",
            description = "The prompt",
            content = @Content(schema = @Schema(implementation = PromptDtos.PromptView.class)))
    public JsonObject get(@PathParam("name") String name) {
        return json(registry.get(tenant(), name).orElseThrow(PromptsResource::notFound));
    }

    @GET
    @Path("{name}/versions/{version}")
    @Operation(summary = "One version's messages, variables schema, route and parameters")
    @APIResponse(
            responseCode = "200",
            description = "The version",
            content =
                    @Content(schema = @Schema(implementation = PromptDtos.PromptVersionView.class)))
    public JsonObject version(
            @PathParam("name") String name, @PathParam("version") String version) {
        PromptRegistry.VersionView v =
                registry.version(tenant(), name, number(version, "version"))
                        .orElseThrow(PromptsResource::notFound);
        return Json.createObjectBuilder(summary(v.summary())).add("content", v.content()).build();
    }

    @GET
    @Path("{name}/diff")
    @Operation(summary = "The diff from version `from` to version `to`")
    @APIResponse(
            responseCode = "200",
            description = "The diff",
            content = @Content(schema = @Schema(implementation = PromptDtos.PromptDiff.class)))
    public JsonObject diff(
            @PathParam("name") String name,
            @QueryParam("from") String from,
            @QueryParam("to") String to) {
        TenantId t = tenant();
        int f = number(from, "from");
        int tt = number(to, "to");
        PromptRegistry.VersionView a =
                registry.version(t, name, f).orElseThrow(PromptsResource::notFound);
        PromptRegistry.VersionView b =
                registry.version(t, name, tt).orElseThrow(PromptsResource::notFound);
        return Json.createObjectBuilder()
                .add("prompt", name)
                .add("from", f)
                .add("to", tt)
                .add("diff", ContentDiff.between(a.content(), b.content(), Set.of()))
                .build();
    }

    private TenantId tenant() {
        return caller.require().tenant();
    }

    private static int number(String s, String param) {
        try {
            int n = Integer.parseInt(s == null ? "" : s.startsWith("v") ? s.substring(1) : s);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ValidationException(param, param + " is a version number, e.g. 3 or v3");
        }
    }

    private static NotFoundException notFound() {
        return new NotFoundException("prompt_not_found", "No such prompt or version");
    }

    private static JsonObject json(PromptRegistry.PromptView p) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("name", p.name());
        if (p.liveVersion() == null) {
            b.addNull("liveVersion");
        } else {
            b.add("liveVersion", p.liveVersion());
        }
        JsonObjectBuilder labels = Json.createObjectBuilder();
        for (PromptRegistry.LabelView l : p.labels()) {
            JsonObjectBuilder lb = Json.createObjectBuilder().add("version", l.version());
            if (l.canaryVersion() == null) {
                lb.addNull("canaryVersion");
            } else {
                lb.add("canaryVersion", l.canaryVersion());
            }
            lb.add("canaryPercent", l.canaryPercent());
            put(lb, "changeId", l.changeId());
            lb.add("updatedBy", l.updatedBy());
            put(lb, "updatedAt", l.updatedAt());
            labels.add(l.label(), lb);
        }
        b.add("labels", labels);
        JsonArrayBuilder versions = Json.createArrayBuilder();
        for (PromptRegistry.VersionSummary v : p.versions()) {
            versions.add(summary(v));
        }
        b.add("versions", versions);
        put(b, "updatedAt", p.updatedAt());
        return b.build();
    }

    private static JsonObject summary(PromptRegistry.VersionSummary v) {
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("version", v.version())
                        .add("route", v.route())
                        .add("publishedLabel", v.publishedLabel())
                        .add("createdBy", v.createdBy());
        put(b, "changeId", v.changeId());
        put(b, "createdAt", v.createdAt());
        return b.build();
    }

    private static void put(JsonObjectBuilder b, String k, Object v) {
        if (v == null) {
            b.addNull(k);
        } else {
            b.add(k, v instanceof Instant || v instanceof UUID ? v.toString() : v.toString());
        }
    }
}
