package io.gatehouse.routing.internal.dialect.responses;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.audit.ContentRetentionRules;
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
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Stored responses under the tenant's content-retention setting: only a tenant that keeps content
 * in full stores any (there {@code store} defaults to true, as at OpenAI); for any other an omitted
 * {@code store} means false and {@code store: true} or a {@code previous_response_id} is refused
 * (400, {@code param: "store"}). A stored response is served only while the tenant's CURRENT
 * setting keeps content and its current retention period (and the one at storing) has not ended,
 * only to the key that stored it (any other key's or tenant's id is 404, like an unknown one); a
 * GET is audited ({@code responses.stored.read}); audit's retention purge deletes what the current
 * setting no longer keeps ({@code StoredResponsePurge}).
 */
@ApplicationScoped
public class StoredResponses {
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(StoredResponses.class.getName());
    // ids are ours: anything else is simply not there
    private static final String ID = "resp_[0-9a-f]{32}";

    @Inject ContentRetentionRules rules;
    @Inject StoredResponseRows rows;
    @Inject AuditRecorder audit;

    // the one home of the request body limit is edge's EdgeHeadersFilter (issue 16): same key
    @Inject
    @ConfigProperty(name = "gatehouse.request.max.bytes", defaultValue = "4194304")
    long maxBytes;

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

    /**
     * The stored conversation of {@code id} (chat messages), or 404 naming the parameter; 400 when
     * it is larger than the request body limit (checked in SQL, before it is fetched).
     */
    public List<JsonObject> conversation(ClientKey key, String id) {
        StoredResponseRows.Row row = find(key, id, "previous_response_id");
        if (row.oversized()) {
            throw tooLarge();
        }
        return read(row.conversation()).asJsonArray().getValuesAs(JsonObject.class);
    }

    /**
     * Refuses a conversation built from a stored one that is larger than the request body limit: a
     * chain of previous_response_id must not grow past what one request may carry.
     */
    public void checkSize(List<JsonObject> conversation) {
        checkSize(conversation, maxBytes);
    }

    static void checkSize(List<JsonObject> conversation, long maxBytes) {
        long size = 2;
        for (JsonObject m : conversation) {
            size += m.toString().getBytes(StandardCharsets.UTF_8).length + 1;
            if (size > maxBytes) {
                throw tooLarge(maxBytes);
            }
        }
    }

    /** The stored response object of {@code id}, or 404; reading it is audited. */
    public JsonObject response(ClientKey key, String id, String requestId) {
        JsonObject response = read(find(key, id, null).response()).asJsonObject();
        audit.record(
                AuditEvent.by(key.caller(), "responses.stored.read")
                        .target("stored_response", id)
                        .requestId(requestId)
                        .build());
        return response;
    }

    /**
     * Deletes the response this key stored ({@code DELETE /v1/responses/{id}}); any other id is 404
     * like {@link #response}; 403 while the tenant is under a legal hold. Audit decides the hold
     * under the tenant's hold lock and runs the deletion on its connection with the {@code
     * responses.stored.delete} event in the same transaction ({@link
     * ContentRetentionRules#deleteUnlessHeld}): a hold placed meanwhile wins or waits, and no event
     * exists for a deletion that did not commit.
     */
    public JsonObject delete(ClientKey key, String id, String requestId) {
        ContentRetentionRules.Keeping k = rules.keeping(key.tenant());
        ContentRetentionRules.Deleted d = ContentRetentionRules.Deleted.NOTHING;
        if (k.keepsContent() && id != null && id.matches(ID)) {
            try {
                d =
                        rules.deleteUnlessHeld(
                                key.tenant(),
                                c -> {
                                    try {
                                        return rows.delete(
                                                c, key.tenant(), key.id(), id, k.retentionDays());
                                    } catch (SQLException e) {
                                        throw new RowsFailed(e);
                                    }
                                },
                                AuditEvent.by(key.caller(), "responses.stored.delete")
                                        .target("stored_response", id)
                                        .requestId(requestId)
                                        .build());
            } catch (RowsFailed e) {
                // routing's own table failed, not the audit trail: the store's 503
                LOG.log(Level.SEVERE, "Could not delete stored response", e.getCause());
                throw unavailable();
            }
        }
        return switch (d) {
            case DELETED ->
                    JSON.createObjectBuilder()
                            .add("id", id)
                            .add("object", "response.deleted")
                            .add("deleted", true)
                            .build();
            case HELD -> {
                // an id this key has no response under is 404 whether or not a hold is on
                find(key, id, null);
                // the refused attempt is evidence too, as a refused retention change is
                audit.record(
                        AuditEvent.by(key.caller(), "responses.stored.delete")
                                .target("stored_response", id)
                                .requestId(requestId)
                                .outcome(AuditEvent.Outcome.DENIED)
                                .detail("refused", "legal_hold")
                                .build());
                throw new GatehouseException(
                        403,
                        "legal_hold",
                        "This tenant is under a legal hold: its stored responses cannot be"
                                + " deleted until the hold is released");
            }
            case NOTHING -> throw notFound(id, null);
        };
    }

    /** Stores the response; false (logged) when it could not be stored. */
    public boolean save(
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
            return true;
        } catch (SQLException e) {
            // the call was made, recorded and charged: answer it, unstored
            LOG.log(Level.SEVERE, "Could not store response; answered with store: false", e);
            return false;
        }
    }

    private StoredResponseRows.Row find(ClientKey key, String id, String param) {
        try {
            // ids are ours: anything else is simply not there; so is another key's response, and
            // one the tenant's current retention setting no longer keeps
            ContentRetentionRules.Keeping k = rules.keeping(key.tenant());
            if (k.keepsContent() && id != null && id.matches(ID)) {
                var row = rows.find(key.tenant(), key.id(), id, k.retentionDays(), maxBytes);
                if (row.isPresent()) {
                    return row.get();
                }
            }
        } catch (SQLException e) {
            LOG.log(Level.SEVERE, "Could not read stored response", e);
            throw unavailable();
        }
        throw notFound(id, param);
    }

    private static GatehouseException unavailable() {
        return new GatehouseException(
                503, "store_unavailable", "Stored responses are unavailable; try again");
    }

    /** A failure of routing's own rows inside audit's deletion transaction. */
    private static final class RowsFailed extends RuntimeException {
        RowsFailed(SQLException cause) {
            super(cause);
        }
    }

    private static GatehouseException notFound(String id, String param) {
        return new GatehouseException(
                404,
                "response_not_found",
                "No stored response with id '" + id + "' found",
                param,
                java.util.Map.of());
    }

    private GatehouseException tooLarge() {
        return tooLarge(maxBytes);
    }

    private static GatehouseException tooLarge(long maxBytes) {
        return new ValidationException(
                "previous_response_id",
                "The conversation continued from previous_response_id is larger than the request"
                        + " body limit of "
                        + maxBytes
                        + " bytes: start a new conversation");
    }

    private static jakarta.json.JsonStructure read(String text) {
        try (JsonReader r = JSON.createReader(new StringReader(text))) {
            return r.read();
        }
    }
}
