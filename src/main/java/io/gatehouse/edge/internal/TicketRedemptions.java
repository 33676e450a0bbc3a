package io.gatehouse.edge.internal;

import io.gatehouse.edge.internal.persistence.JpaIdentity;
import io.gatehouse.edge.internal.persistence.TokenRevocationRows;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The edge's side of ticket credentials ({@link TicketCredentials}): failed redemptions are counted
 * per client address (IPv6 per /64, as login lock-outs are) in one-minute windows, and an address
 * whose failures plus redemptions in flight reach {@code gatehouse.tickets.max-failures-per-minute}
 * (default 10) is refused (429) without the ticket being looked up, for the rest of the window. The
 * attempt is counted under the same lock as the check ({@link #begin}) and released when it ends
 * ({@link #end}), so concurrent guesses cannot pass the limit. Counted in memory, per instance: a
 * guess at a 256-bit ticket never succeeds, the limit is about the load of the attempts and their
 * audit events, and costs no write per attempt.
 *
 * <p>Memory is bounded: only failures (and attempts in flight) keep an entry (a redemption that
 * succeeds leaves none); ended windows are pruned at most once a second; and at most {@link
 * #MAX_TRACKED} addresses are tracked: beyond that an address without an entry is refused (429, not
 * audited one by one) until pruning makes room, rather than letting a flood of addresses grow the
 * map. Fail closed: the export stays available with a bearer token.
 *
 * <p>A ticket that redeems is re-checked against now: its person must still exist and be active
 * (with the roles they hold now), the token it was issued with must not be revoked, and the tenant
 * must not be suspended.
 */
@ApplicationScoped
public class TicketRedemptions {
    static final long WINDOW_MS = 60_000;

    /** At most this many addresses are tracked (a window is a few dozen bytes). */
    static final int MAX_TRACKED = 50_000;

    /** Ended windows are pruned at most this often. */
    static final long PRUNE_EVERY_MS = 1_000;

    @Inject
    @ConfigProperty(name = "gatehouse.tickets.max-failures-per-minute", defaultValue = "10")
    int maxFailures;

    @Inject JpaIdentity identity;
    @Inject TenantCache tenants;
    @Inject TokenRevocationRows revocations;

    /** The time in milliseconds (a test sets its own). */
    LongSupplier clock = System::currentTimeMillis;

    /** One address's failures and attempts in flight in its current window. */
    static final class Window {
        final long start;
        int failures;
        int inFlight;
        int refusals;

        Window(long start) {
            this.start = start;
        }
    }

    /** Every change of a window happens inside the map's per-key compute (the lock). */
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private final AtomicLong lastPrune = new AtomicLong();

    /** Why a redemption was refused before the lookup. */
    public enum Refusal {
        /** Too many failures from the address: 429, not looked up. */
        RATE_LIMITED,
        /** As {@link #RATE_LIMITED}, and the first such refusal of the window (audited). */
        RATE_LIMITED_FIRST,
        /** Too many addresses tracked: 429 for an address without an entry, not audited. */
        TOO_MANY_ADDRESSES
    }

    /**
     * Empty when the client may try a ticket now, and the attempt is then counted as in flight
     * until {@link #end}; otherwise why not (nothing to end). The first refusal of a window is told
     * apart so that it alone is audited.
     */
    public Optional<Refusal> begin(String client) {
        long now = clock.getAsLong();
        prune(now);
        Refusal[] refused = {null};
        windows.compute(
                ClientAddresses.lockoutKey(client),
                (k, w) -> {
                    if (w == null) {
                        if (windows.size() >= MAX_TRACKED) {
                            refused[0] = Refusal.TOO_MANY_ADDRESSES;
                            return null;
                        }
                        w = new Window(now);
                    } else if (now - w.start >= WINDOW_MS) {
                        Window next = new Window(now);
                        next.inFlight = w.inFlight;
                        w = next;
                    }
                    if (w.failures + w.inFlight >= maxFailures) {
                        w.refusals++;
                        refused[0] =
                                w.refusals == 1 ? Refusal.RATE_LIMITED_FIRST : Refusal.RATE_LIMITED;
                        return w;
                    }
                    w.inFlight++;
                    return w;
                });
        return Optional.ofNullable(refused[0]);
    }

    /**
     * Ends an attempt {@link #begin} let through: a failure (unknown, used or expired ticket) is
     * counted; a success leaves no entry behind unless the address has failures.
     */
    public void end(String client, boolean failed) {
        long now = clock.getAsLong();
        windows.compute(
                ClientAddresses.lockoutKey(client),
                (k, w) -> {
                    if (w == null) {
                        if (!failed) {
                            return null;
                        }
                        w = new Window(now);
                    } else if (now - w.start >= WINDOW_MS) {
                        Window next = new Window(now);
                        next.inFlight = w.inFlight;
                        w = next;
                    }
                    w.inFlight = Math.max(0, w.inFlight - 1);
                    if (failed) {
                        w.failures++;
                    }
                    return w.failures == 0 && w.inFlight == 0 && w.refusals == 0 ? null : w;
                });
    }

    /** The 429 for a refused client, with when it may try again. */
    public RateLimitedException rateLimited(String client) {
        Window w = windows.get(ClientAddresses.lockoutKey(client));
        long retry =
                w == null
                        ? PRUNE_EVERY_MS / 1000
                        : Math.max(1, (w.start + WINDOW_MS - clock.getAsLong() + 999) / 1000);
        return new RateLimitedException(
                "rate_limited",
                "Too many failed ticket redemptions from this address; try again later",
                Map.of("Retry-After", Long.toString(retry)));
    }

    /** How many addresses are tracked (tests). */
    int tracked() {
        return windows.size();
    }

    /**
     * The ticket's caller as of now: a built-in user must still exist in the tenant and be active,
     * the token the ticket was issued with must not be revoked ({@link TokenRevocationRows}), and
     * the user gets the roles they hold now; a person of an external issuer ({@code oidc:} subject)
     * is the identity provider's to disable, and keeps the roles of the ticket. The tenant must not
     * be suspended (403 {@code tenant_suspended}); a person no longer active is 401 {@code
     * invalid_ticket}.
     */
    public Caller recheck(TicketCredentials.Redeemed redeemed) {
        Caller ticketHolder = redeemed.caller();
        TicketCredentials.IssuingToken token = redeemed.token();
        if (ticketHolder.tenant() != null && tenants.isSuspended(ticketHolder.tenant())) {
            throw new ForbiddenException("tenant_suspended", "This tenant is suspended");
        }
        if (token == null || token.issuedAt() == null) {
            throw revoked(); // issued before tickets recorded their token
        }
        if (ticketHolder.kind() != Caller.Kind.USER || ticketHolder.subject().startsWith("oidc:")) {
            if (token.jti() != null && revocations.isRevoked(token.jti())) {
                throw revoked();
            }
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
        // the token the ticket was issued with: logged out, or issued before a password reset,
        // role change or disablement (tokens_valid_after), and its tickets go with it
        if (!revocations.isValid(id, token.jti(), token.issuedAt())) {
            throw revoked();
        }
        return new Caller(
                Caller.Kind.USER,
                ticketHolder.subject(),
                user.username(),
                ticketHolder.tenant(),
                IdentityService.roles(user));
    }

    private UnauthorizedException revoked() {
        return new UnauthorizedException(
                "invalid_ticket", "The access token the ticket was issued with was revoked");
    }

    private UnauthorizedException inactive() {
        return new UnauthorizedException(
                "invalid_ticket", "The ticket's user no longer exists or is disabled");
    }

    /** Drops ended windows without attempts in flight, at most once per {@link #PRUNE_EVERY_MS}. */
    private void prune(long now) {
        long last = lastPrune.get();
        if (now - last < PRUNE_EVERY_MS || !lastPrune.compareAndSet(last, now)) {
            return;
        }
        for (String key : windows.keySet()) {
            windows.computeIfPresent(
                    key, (k, w) -> now - w.start >= WINDOW_MS && w.inFlight == 0 ? null : w);
        }
    }
}
