package io.gatehouse.governance.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.governance.internal.persistence.JpaWebhooks;
import io.gatehouse.governance.internal.persistence.WebhookDeliveryEntity;
import io.gatehouse.governance.internal.persistence.WebhookEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.crypto.SecretBox;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.ValidationException;
import io.gatehouse.shared.net.EgressPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** Admin management of a tenant's webhook endpoints. The secret is shown once, at creation. */
@ApplicationScoped
public class WebhookService {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject JpaWebhooks webhooks;
    @Inject SecretBox secrets;
    @Inject AuditRecorder audit;
    @Inject EgressPolicy egress;

    /** An endpoint as listed (never its secret). */
    public record WebhookView(
            UUID id,
            String url,
            String description,
            boolean active,
            String createdBy,
            Instant createdAt) {}

    /** A new endpoint with its secret, shown this once. */
    public record CreatedWebhook(WebhookView webhook, String secret) {}

    /** One delivery and how it went ({@code lastOutcome}: a {@link WebhookOutcome} wire name). */
    public record DeliveryView(
            UUID id,
            UUID changeId,
            String event,
            String status,
            int attempts,
            String lastOutcome,
            Instant createdAt,
            Instant deliveredAt) {}

    @Transactional
    public CreatedWebhook create(
            Caller caller, String requestId, String url, String description, String secret) {
        requireAdmin(caller);
        if (url == null || url.length() > 2000) {
            throw new ValidationException("url", "url is required");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ValidationException("url", "url is not a valid URL");
        }
        // http(s) with a host and no credentials; private, loopback and link-local addresses only
        // where
        // the tenant's egress allow-list covers them; checked again before each send
        egress.refused(caller.tenant(), uri)
                .ifPresent(
                        why -> {
                            throw new ValidationException("url", "url refused: " + why);
                        });
        if (secret != null && (secret.length() < 16 || secret.length() > 200)) {
            throw new ValidationException("secret", "secret is 16 to 200 characters");
        }
        if (description != null && description.length() > 500) {
            throw new ValidationException("description", "description is at most 500 characters");
        }
        String plain = secret != null ? secret : generateSecret();
        WebhookEntity w = new WebhookEntity();
        w.id(UUID.randomUUID());
        w.tenantId(caller.tenant().value());
        w.url(url);
        w.description(description);
        w.secretSealed(
                secrets.seal(
                        plain.getBytes(StandardCharsets.UTF_8), WebhookSecrets.context(w.id())));
        w.active(true);
        w.createdBy(caller.subject());
        w.createdAt(Instant.now());
        webhooks.add(w);
        audit.recordInTransaction(
                AuditEvent.by(caller, "webhook.create")
                        .target("webhook", w.id())
                        .detail("url", url)
                        .requestId(requestId)
                        .build());
        return new CreatedWebhook(view(w), plain);
    }

    @Transactional
    public List<WebhookView> list(Caller caller) {
        requireAdmin(caller);
        return webhooks.all(caller.tenant().value()).stream().map(WebhookService::view).toList();
    }

    @Transactional
    public WebhookView deactivate(Caller caller, String requestId, UUID id) {
        requireAdmin(caller);
        WebhookEntity w = find(caller, id);
        if (w.active()) {
            w.active(false);
            audit.recordInTransaction(
                    AuditEvent.by(caller, "webhook.deactivate")
                            .target("webhook", w.id())
                            .requestId(requestId)
                            .build());
        }
        return view(w);
    }

    @Transactional
    public List<DeliveryView> deliveries(Caller caller, UUID id) {
        requireAdmin(caller);
        WebhookEntity w = find(caller, id);
        return webhooks.deliveries(w.tenantId(), w.id(), 200).stream()
                .map(WebhookService::view)
                .toList();
    }

    private WebhookEntity find(Caller caller, UUID id) {
        return webhooks.find(caller.tenant().value(), id)
                .orElseThrow(() -> new NotFoundException("webhook_not_found", "No such webhook"));
    }

    private static void requireAdmin(Caller caller) {
        if (!caller.has(Role.ADMIN)) {
            throw new ForbiddenException("Managing webhooks needs the role admin");
        }
    }

    private static String generateSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static WebhookView view(WebhookEntity w) {
        return new WebhookView(
                w.id(), w.url(), w.description(), w.active(), w.createdBy(), w.createdAt());
    }

    private static DeliveryView view(WebhookDeliveryEntity d) {
        return new DeliveryView(
                d.id(),
                d.changeId(),
                d.event(),
                d.status(),
                d.attempts(),
                d.lastOutcome(),
                d.createdAt(),
                d.deliveredAt());
    }
}
