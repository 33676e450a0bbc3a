package io.gatehouse.governance.internal;

import io.gatehouse.governance.internal.persistence.GoldenSetRows;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The read side of golden sets (issue 23): the tenant's live sets and one set's live content, for
 * its authors, reviewers, auditors and admins. Another tenant's set is 404, like one that does not
 * exist. Sets change only through change requests of kind {@code golden_set}.
 */
@ApplicationScoped
public class GoldenSets {
    @Inject GoldenSetRows rows;

    public List<JsonObject> list(Caller caller) {
        requireReader(caller);
        List<JsonObject> out = new ArrayList<>();
        for (GoldenSetRows.Row r : rows.allLive(caller.tenant().value())) {
            JsonObject content = JsonInput.readObject(r.content());
            out.add(
                    base(r).add("binds", content.getJsonArray("binds"))
                            .add("minPassRate", content.getJsonNumber("minPassRate"))
                            .add("cases", content.getJsonArray("cases").size())
                            .build());
        }
        return out;
    }

    public JsonObject get(Caller caller, String name) {
        requireReader(caller);
        GoldenSetRows.Row r =
                rows.live(caller.tenant().value(), name)
                        .orElseThrow(
                                () ->
                                        new NotFoundException(
                                                "golden_set_not_found", "No such golden set"));
        return base(r).add("content", JsonInput.readObject(r.content())).build();
    }

    private static JsonObjectBuilder base(GoldenSetRows.Row r) {
        return Json.createObjectBuilder()
                .add("name", r.name())
                .add("version", r.version())
                .add("changeId", r.changeId().toString())
                .add("publishedBy", r.publishedBy())
                .add("publishedAt", r.publishedAt().toString());
    }

    /** 403 for a caller without a tenant (a platform administrator): sets are a tenant's. */
    static void requireTenant(Caller caller) {
        if (caller.tenant() == null) {
            throw new ForbiddenException(
                    "tenant_required",
                    "Golden sets and evaluation runs belong to a tenant; sign in as one of its"
                            + " people");
        }
    }

    private static void requireReader(Caller caller) {
        ChangeRequestService.requireAny(
                caller, Role.AUTHOR, Role.REVIEWER, Role.AUDITOR, Role.ADMIN);
        requireTenant(caller);
    }
}
