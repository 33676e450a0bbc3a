package io.gatehouse.governance.internal;

import io.gatehouse.governance.internal.persistence.JpaWebhooks;
import io.gatehouse.governance.internal.persistence.WebhookDeliveryEntity;
import io.gatehouse.governance.internal.persistence.WebhookEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.UUID;

/**
 * Writes one delivery row per active webhook of the tenant, inside the transition's transaction:
 * the message exists if and only if the transition committed. {@link WebhookDispatcher} sends it.
 */
@ApplicationScoped
public class WebhookOutbox {
    @Inject JpaWebhooks webhooks;

    public void enqueue(ChangeTransition t, String actorName) {
        for (WebhookEntity w : webhooks.active(t.tenant().value())) {
            UUID id = UUID.randomUUID();
            WebhookDeliveryEntity d = new WebhookDeliveryEntity();
            d.id(id);
            d.webhookId(w.id());
            d.tenantId(w.tenantId());
            d.changeId(t.changeId());
            d.event("change." + t.action());
            d.payload(payload(id, t, actorName));
            d.status("pending");
            d.attempts(0);
            d.nextAttemptAt(Instant.now());
            d.createdAt(Instant.now());
            webhooks.add(d);
        }
    }

    /**
     * The message body: what happened to which change, by whom. Never content, so never secrets.
     */
    static String payload(UUID deliveryId, ChangeTransition t, String actorName) {
        JsonObjectBuilder change =
                Json.createObjectBuilder()
                        .add("id", t.changeId().toString())
                        .add("kind", t.kind())
                        .add("target", t.target())
                        .add("state", t.toState())
                        .add("revision", t.revision());
        if (t.fromState() == null) {
            change.addNull("previousState");
        } else {
            change.add("previousState", t.fromState());
        }
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("id", deliveryId.toString())
                        .add("event", "change." + t.action())
                        .add("tenantId", t.tenant().toString())
                        .add("occurredAt", t.at().toString())
                        .add("change", change)
                        .add(
                                "actor",
                                Json.createObjectBuilder()
                                        .add("id", t.actor())
                                        .add("name", actorName));
        if (t.requestId() != null) {
            b.add("requestId", t.requestId());
        }
        return b.build().toString();
    }
}
