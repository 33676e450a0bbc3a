package io.gatehouse.routing.internal.dialect.responses;

import io.gatehouse.audit.ContentRetentionRules;
import io.gatehouse.audit.RetainedContent;
import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.persistence.StoredResponseRows;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stored responses under the tenant's content-retention setting: only a tenant that keeps content
 * in full stores any (there {@code store} defaults to true, as at OpenAI); for any other an omitted
 * {@code store} means false and {@code store: true} or a {@code previous_response_id} is refused
 * (400, {@code param: "store"}). A stored response lives for the tenant's retention period as it
 * was when stored, is read only by its own tenant (another tenant's id is 404), and audit's
 * retention purge deletes it when it expires ({@link RetainedContent}).
 */
@ApplicationScoped
public class StoredResponses implements RetainedContent {
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(StoredResponses.class.getName());

    @Inject ContentRetentionRules rules;
    @Inject StoredResponseRows rows;

    /** Whether this request's response is stored, and for how many days. */
    public record Decision(boolean store, int days) {}

    public Decision decide(TenantId tenant, Boolean store, String previousResponseId) {
        ContentRetentionRules.Keeping k = rules.keeping(tenant);
        if (!k.keepsContent()) {
            if (Boolean.TRUE.equals(store)) {
                throw new ValidationException(
                        "store",
                        "This tenant's content-retention setting keeps no content: responses"
                                + " cannot be stored (send store: false or leave it out)");
            }
            if (previousResponseId != null) {
                throw new ValidationException(
                        "store",
                        "This tenant's content-retention setting keeps no content: there are no"
                                + " stored responses to continue from (previous_response_id)");
            }
            return new Decision(false, 0);
        }
        return new Decision(store == null || store, k.retentionDays());
    }

    /** The stored conversation of {@code id} (chat messages), or 404 naming the parameter. */
    public List<JsonObject> conversation(TenantId tenant, String id) {
        StoredResponseRows.Row row = find(tenant, id, "previous_response_id");
        return read(row.conversation()).asJsonArray().getValuesAs(JsonObject.class);
    }

    /** The stored response object of {@code id}, or 404. */
    public JsonObject response(TenantId tenant, String id) {
        return read(find(tenant, id, null).response()).asJsonObject();
    }

    public void save(
            ClientKey key,
            Decision d,
            List<JsonObject> conversation,
            ResponseObjects.Rendered rendered) {
        JsonArrayBuilder all = JSON.createArrayBuilder();
        conversation.forEach(all::add);
        all.add(rendered.assistant());
        try {
            rows.insert(
                    rendered.response().getString("id"),
                    key.tenant(),
                    key.id(),
                    Instant.now().plus(Duration.ofDays(d.days())),
                    all.build().toString(),
                    rendered.response().toString());
        } catch (SQLException e) {
            LOG.log(Level.SEVERE, "Could not store response", e);
            throw new GatehouseException(
                    503, "store_unavailable", "The response could not be stored; try again");
        }
    }

    @Override
    public long purgeExpired(Instant now, Predicate<TenantId> held) {
        try {
            return rows.purgeExpired(now, held);
        } catch (SQLException e) {
            throw new IllegalStateException("Stored responses not purged", e);
        }
    }

    private StoredResponseRows.Row find(TenantId tenant, String id, String param) {
        try {
            // ids are ours: anything else is simply not there
            if (id != null && id.matches("resp_[0-9a-f]{32}")) {
                var row = rows.find(tenant, id);
                if (row.isPresent()) {
                    return row.get();
                }
            }
        } catch (SQLException e) {
            LOG.log(Level.SEVERE, "Could not read stored response", e);
            throw new GatehouseException(
                    503, "store_unavailable", "Stored responses cannot be read; try again");
        }
        throw new GatehouseException(
                404,
                "response_not_found",
                "No stored response with id '" + id + "' found",
                param,
                java.util.Map.of());
    }

    private static jakarta.json.JsonStructure read(String text) {
        try (JsonReader r = JSON.createReader(new StringReader(text))) {
            return r.read();
        }
    }
}
