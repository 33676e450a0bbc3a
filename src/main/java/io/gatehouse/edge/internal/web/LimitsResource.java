package io.gatehouse.edge.internal.web;

import io.gatehouse.edge.internal.IdentityService;
import io.gatehouse.edge.internal.persistence.TenantLimitsEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ValidationException;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tenant's rate limits and cost budgets (null: the platform default / unlimited budget), and
 * its switch and per-person rate for test calls through drafts, and the share of the limits and
 * budgets its evaluation runs may use (null: the default, a tenth). A PUT replaces the four limits
 * and budgets (absent or null: none); the fields added later ({@code testCallsEnabled}, {@code
 * testCallsPerPersonPerMinute}, {@code evaluationSharePercent}) keep their current value when a PUT
 * leaves them out, so that an older script's PUT never wipes an admin's setting; given as null, the
 * two numbers go back to the platform default, and the switch refuses null (400).
 */
@Path("api/v1/limits")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.ADMIN)
@SecurityRequirement(name = "jwt")
@Tag(name = "Limits and budgets")
public class LimitsResource {
    @Inject IdentityService identity;
    @Inject CurrentCaller current;
    @Context HttpServletRequest http;

    @GET
    @Operation(summary = "The tenant's rate limits and budgets (null: none)")
    public Dtos.Limits get() {
        return view(identity.limits(current.require().tenant()));
    }

    @PUT
    @Operation(
            summary = "Set the tenant's rate limits and budgets",
            description =
                    "rpmLimit, tpmLimit, dailyBudgetMicros and monthlyBudgetMicros are replaced"
                            + " (absent or null: none). The later fields testCallsEnabled,"
                            + " testCallsPerPersonPerMinute and evaluationSharePercent keep their"
                            + " current value when absent (an older client's PUT leaves them as"
                            + " they are); null sets the two numbers back to the platform default"
                            + " and is refused for testCallsEnabled (400)")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = Dtos.Limits.class)))
    public Dtos.Limits set(String text) {
        if (text == null || text.isBlank()) {
            throw new ValidationException("rpmLimit", "A body is required");
        }
        JsonObject body = JsonInput.readObject(text);
        Caller c = current.require();
        return view(
                identity.setLimits(
                        c,
                        c.tenant(),
                        intOrNull(body, "rpmLimit"),
                        intOrNull(body, "tpmLimit"),
                        longOrNull(body, "dailyBudgetMicros"),
                        longOrNull(body, "monthlyBudgetMicros"),
                        testCallsEnabled(body),
                        later(body, "testCallsPerPersonPerMinute"),
                        later(body, "evaluationSharePercent"),
                        (String) http.getAttribute(RequestIds.ATTRIBUTE)));
    }

    /** Absent: null (keep the current switch); true or false; null or anything else: 400. */
    static Boolean testCallsEnabled(JsonObject body) {
        JsonValue v = body.get("testCallsEnabled");
        if (v == null) {
            return null;
        }
        if (v == JsonValue.TRUE || v == JsonValue.FALSE) {
            return v == JsonValue.TRUE;
        }
        throw new ValidationException(
                "testCallsEnabled",
                "testCallsEnabled is true or false (leave it out to keep the current switch)");
    }

    /**
     * A field added after the first limits: absent, null (keep the current value); given, the
     * value, empty for null (the platform default).
     */
    static Optional<Integer> later(JsonObject body, String name) {
        if (!body.containsKey(name)) {
            return null;
        }
        return Optional.ofNullable(intOrNull(body, name));
    }

    static Integer intOrNull(JsonObject body, String name) {
        Long v = longOrNull(body, name);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ValidationException(name, name + " is too large");
        }
        return v.intValue();
    }

    static Long longOrNull(JsonObject body, String name) {
        JsonValue v = body.get(name);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw new ValidationException(name, name + " must be a whole number or null");
        }
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw new ValidationException(name, name + " is too large");
        }
    }

    static Dtos.Limits view(TenantLimitsEntity l) {
        return new Dtos.Limits(
                l.rpmLimit(),
                l.tpmLimit(),
                l.dailyBudgetMicros(),
                l.monthlyBudgetMicros(),
                l.testCallsEnabled(),
                l.testCallsPerPersonPerMinute(),
                l.evaluationSharePercent());
    }
}
