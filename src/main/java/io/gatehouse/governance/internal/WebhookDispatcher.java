package io.gatehouse.governance.internal;

import io.gatehouse.governance.internal.persistence.JpaWebhooks;
import io.gatehouse.shared.SchemaReady;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.crypto.SecretBox;
import io.gatehouse.shared.net.EgressPolicy;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * Sends webhook deliveries from the outbox: at once after a transition commits, and every few
 * seconds for retries (exponential backoff, {@link #MAX_ATTEMPTS} attempts) and for rows another
 * instance left behind. Runs on the server's managed executors, never on a request thread.
 */
@ApplicationScoped
public class WebhookDispatcher {
    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class.getName());
    static final int MAX_ATTEMPTS = 8;
    private static final long LEASE_SECONDS = 60;

    /**
     * Rows claimed per round: they are sent one by one, each attempt bounded by {@link
     * WebhookSender}'s 15 s timeout, so all of them must fit in the lease with room to spare (60 /
     * 15 - 1 = 3), or a later row's lease would expire and another instance would send it too.
     */
    static final int CLAIM = (int) (LEASE_SECONDS / WebhookSender.TIMEOUT.toSeconds()) - 1;

    @Inject JpaWebhooks webhooks;
    @Inject SecretBox secrets;
    @Inject EgressPolicy egress;
    @Inject GovernanceMetrics metrics;
    @Inject WebhookSender sender;

    @Resource ManagedExecutorService executor;
    @Resource ManagedScheduledExecutorService scheduler;

    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private ScheduledFuture<?> poller;

    void onSchemaReady(@Observes SchemaReady ready) {
        poller =
                scheduler.scheduleWithFixedDelay(
                        this::drainQuietly, 5, 3, java.util.concurrent.TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.cancel(false);
        }
    }

    /** After a transition commits, send its messages without waiting for the poller. */
    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) ChangeTransition t) {
        try {
            executor.execute(this::drainQuietly);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Webhook kick refused; the poller will send it", e);
        }
    }

    void drainQuietly() {
        // One drain at a time per instance; a kick during a drain makes it go round once more.
        again.set(true);
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        try {
            while (again.getAndSet(false)) {
                List<JpaWebhooks.Due> due;
                do {
                    due = webhooks.claimDue(CLAIM, LEASE_SECONDS);
                    for (JpaWebhooks.Due d : due) {
                        send(d);
                    }
                } while (due.size() == CLAIM);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Webhook delivery round failed", e);
        } finally {
            draining.set(false);
        }
    }

    private void send(JpaWebhooks.Due d) {
        WebhookOutcome outcome;
        String detail; // for the server log only
        try {
            URI url = URI.create(d.url());
            // the host may resolve elsewhere, or the allow-list may have changed, since the
            // endpoint was
            // added: check before each send
            Optional<String> why = egress.refused(new TenantId(d.tenantId()), url);
            if (why.isPresent()) {
                outcome = WebhookOutcome.REFUSED;
                detail = "refused: " + why.get();
            } else {
                byte[] secret =
                        secrets.open(d.secretSealed(), WebhookSecrets.context(d.webhookId()));
                long now = Instant.now().getEpochSecond();
                int status =
                        sender.post(
                                url,
                                Map.of(
                                        "Content-Type",
                                        "application/json",
                                        "User-Agent",
                                        "Gatehouse-Webhook/1",
                                        "X-Gatehouse-Event",
                                        d.event(),
                                        "X-Gatehouse-Delivery",
                                        d.id().toString(),
                                        WebhookSignature.HEADER,
                                        WebhookSignature.header(secret, now, d.payload())),
                                d.payload());
                outcome = WebhookOutcome.ofStatus(status);
                detail = "HTTP " + status;
            }
        } catch (TimeoutException e) {
            // the sender's Fault Tolerance timeout: the exchange outlived it (its interrupt is
            // cleared, so the outcome below is still written)
            Thread.interrupted();
            outcome = WebhookOutcome.TIMEOUT;
            detail = "no complete answer within the delivery timeout";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = WebhookOutcome.CONNECTION_FAILED;
            detail = "interrupted";
        } catch (Exception e) {
            outcome = WebhookOutcome.ofFailure(e);
            detail = e.getClass().getSimpleName();
        }
        boolean ok = outcome == WebhookOutcome.DELIVERED;
        metrics.delivery(new TenantId(d.tenantId()), outcome.wireName());
        int attempt = d.attempts() + 1;
        // a refused destination is a configuration problem: retrying cannot help
        boolean giveUp = !ok && (outcome == WebhookOutcome.REFUSED || attempt >= MAX_ATTEMPTS);
        if (!webhooks.attempted(
                d.id(),
                d.lease(),
                ok,
                outcome.wireName(),
                Instant.now().plus(backoff(attempt)),
                giveUp)) {
            LOG.warning(
                    "Webhook delivery "
                            + d.id()
                            + " attempt "
                            + attempt
                            + " not recorded: its lease expired and another claim holds it");
        }
        if (!ok) {
            LOG.info(
                    "Webhook delivery "
                            + d.id()
                            + " attempt "
                            + attempt
                            + " failed: "
                            + detail
                            + (giveUp ? " (giving up)" : ""));
        }
    }

    /** 2, 4, 8, ... seconds, at most ten minutes. */
    static Duration backoff(int attempt) {
        return Duration.ofSeconds(Math.min(600, 1L << Math.min(attempt, 20)));
    }
}
