package io.gatehouse.routing.internal.web;

import io.gatehouse.edge.ClientAccess;
import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.catalog.Prices;
import io.gatehouse.routing.internal.persistence.UsageStore;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.RequiresRole;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Usage totals (requests, errors, tokens, cost, cache hits) over a period, grouped by key, route,
 * model or provider: for a tenant's admins at {@code /api/v1/usage}, and for an API key's own
 * requests at {@code /v1/usage}. Read from the gateway's audit events.
 */
@Path("/")
@RequestScoped
@Tag(name = "Usage")
public class UsageResource {
  @Inject UsageStore usage;
  @Inject CurrentCaller caller;
  @Inject ClientAccess access;

  @GET
  @Path("api/v1/usage")
  @Produces(MediaType.APPLICATION_JSON)
  @RequiresRole({Role.ADMIN})
  @Operation(summary = "The tenant's gateway usage over [from, to), grouped by key|route|model|provider")
  public JsonObject tenantUsage(
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("groupBy") String groupBy) {
    TenantId tenant = caller.require().tenant();
    return report(tenant, from, to, groupBy, null);
  }

  @GET
  @Path("v1/usage")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "This API key's own usage over [from, to), grouped by route|model|provider")
  public JsonObject keyUsage(
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("groupBy") String groupBy) {
    ClientKey key = access.require();
    if ("key".equals(groupBy)) {
      throw new ValidationException("groupBy", "groupBy must be route, model or provider");
    }
    return report(key.tenant(), from, to, groupBy, key.id().toString());
  }

  private JsonObject report(TenantId tenant, String from, String to, String groupBy, String keyId) {
    Instant t = to == null || to.isBlank() ? Instant.now() : instant("to", to);
    Instant f = from == null || from.isBlank() ? t.minus(Duration.ofDays(30)) : instant("from", from);
    if (!f.isBefore(t)) {
      throw new ValidationException("from", "from must be before to");
    }
    String g = groupBy == null || groupBy.isBlank() ? "route" : groupBy;
    if (!UsageStore.GROUPS.containsKey(g)) {
      throw new ValidationException("groupBy", "groupBy must be one of key, route, model, provider");
    }
    List<UsageStore.UsageRow> rows = usage.usage(tenant, f, t, g, keyId);
    JsonArrayBuilder groups = Json.createArrayBuilder();
    long req = 0, err = 0, in = 0, out = 0, cost = 0, hits = 0;
    for (UsageStore.UsageRow r : rows) {
      groups.add(row(r));
      req += r.requests();
      err += r.errors();
      in += r.inputTokens();
      out += r.outputTokens();
      cost += r.costMicros();
      hits += r.cacheHits();
    }
    return Json.createObjectBuilder()
        .add("from", f.toString())
        .add("to", t.toString())
        .add("groupBy", g)
        .add("groups", groups)
        .add("totals", row(new UsageStore.UsageRow("total", req, err, in, out, cost, hits)))
        .build();
  }

  private static JsonObject row(UsageStore.UsageRow r) {
    return Json.createObjectBuilder()
        .add("group", r.group())
        .add("requests", r.requests())
        .add("errors", r.errors())
        .add("inputTokens", r.inputTokens())
        .add("outputTokens", r.outputTokens())
        .add("costMicros", r.costMicros())
        .add("cost", Prices.format(r.costMicros()))
        .add("cacheHits", r.cacheHits())
        .build();
  }

  private static Instant instant(String param, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new ValidationException(param, param + " must be an ISO-8601 instant");
    }
  }
}
