package io.gatehouse.edge.internal;

import io.gatehouse.edge.internal.persistence.JpaIdentity;
import io.gatehouse.edge.internal.persistence.UserEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.TicketCredentials;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.RateLimitedException;
import io.gatehouse.shared.error.UnauthorizedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The edge's side of ticket credentials ({@link TicketCredentials}): failed redemptions are counted
 * per client address (IPv6 per /64, as login lock-outs are) in one-minute windows, and an address
 * with more than {@code gatehouse.tickets.max-failures-per-minute} (default 10) failures is refused
 * (429) without the ticket being looked up, for the rest of the window. Counted in memory, per
 * instance: a guess at a 256-bit ticket never succeeds, the limit is about the load of the attempts
 * and their audit events, and costs no write per attempt. A ticket that redeems is re-checked
 * against now: its person must still exist and be active (with the roles they hold now) and the
 * tenant must not be suspended.
 */
@ApplicationScoped
public class TicketRedemptions {
    static final long WINDOW_MS = 60_000;

    /** Beyond this many tracked addresses, windows that have ended are dropped. */
    static final int TRACKED = 10_000;

    @Inject
    @ConfigProperty(name = "gatehouse.tickets.max-failures-per-minute", defaultValue = "10")
    int maxFailures;

    @Inject JpaIdentity identity;
    @Inject TenantCache tenants;

    /** One address's failures in its current window. */
    static final class Window {
        final long start;
        int failures;
        int refusals;

        Window(long start) {
            this.start = start;
        }
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** Why a redemption was refused before or by the lookup. */
    public enum Refusal {
        /** Too many failures from the address: 429, not looked up. */
        RATE_LIMITED,
        /** As {@link #RATE_LIMITED}, and the first such refusal of the window (audited). */
        RATE_LIMITED_FIRST
    }

    /**
     * Empty when the client may try a ticket now; otherwise why not. The first refusal of a window
     * is told apart so that it alone is audited.
     */
    public Optional<Refusal> refusal(String client) {
        Window w = current(ClientAddresses.lockoutKey(client));
        synchronized (w) {
            if (w.failures < maxFailures) {
                return Optional.empty();
            }
            w.refusals++;
            return Optional.of(w.refusals == 1 ? Refusal.RATE_LIMITED_FIRST : Refusal.RATE_LIMITED);
        }
    }

    /** Counts a failed redemption of the client. */
    public void failed(String client) {
        Window w = current(ClientAddresses.lockoutKey(client));
        synchronized (w) {
            w.failures++;
        }
    }

    /** The 429 for a client over the limit, with when it may try again. */
    public RateLimitedException rateLimited(String client) {
        Window w = current(ClientAddresses.lockoutKey(client));
        long retry = Math.max(1, (w.start + WINDOW_MS - System.currentTimeMillis() + 999) / 1000);
        return new RateLimitedException(
                "rate_limited",
                "Too many failed ticket redemptions from this address; try again later",
                Map.of("Retry-After", Long.toString(retry)));
    }

    /**
     * The ticket's caller as of now: a built-in user must still exist in the tenant and be active,
     * and gets the roles they hold now; a person of an external issuer ({@code oidc:} subject) is
     * the identity provider's to disable, and keeps the roles of the ticket. The tenant must not be
     * suspended (403 {@code tenant_suspended}); a person no longer active is 401 {@code
     * invalid_ticket}.
     */
    public Caller recheck(Caller ticketHolder) {
        if (ticketHolder.tenant() != null && tenants.isSuspended(ticketHolder.tenant())) {
            throw new ForbiddenException("tenant_suspended", "This tenant is suspended");
        }
        if (ticketHolder.kind() != Caller.Kind.USER || ticketHolder.subject().startsWith("oidc:")) {
            return ticketHolder;
        }
        UUID id;
        try {
            id = UUID.fromString(ticketHolder.subject());
        } catch (IllegalArgumentException e) {
            throw inactive();
        }
        if (ticketHolder.tenant() == null) {
            throw inactive();
        }
        UserEntity user =
                identity.user(ticketHolder.tenant().value(), id).orElseThrow(this::inactive);
        if (!user.status().equals("active")) {
            throw inactive();
        }
        return new Caller(
                Caller.Kind.USER,
                ticketHolder.subject(),
                user.username(),
                ticketHolder.tenant(),
                IdentityService.roles(user));
    }

    private UnauthorizedException inactive() {
        return new UnauthorizedException(
                "invalid_ticket", "The ticket's user no longer exists or is disabled");
    }

    private Window current(String key) {
        long now = System.currentTimeMillis();
        if (windows.size() > TRACKED) {
            windows.values().removeIf(w -> now - w.start >= WINDOW_MS);
        }
        return windows.compute(
                key, (k, w) -> w == null || now - w.start >= WINDOW_MS ? new Window(now) : w);
    }
}
