package io.gatehouse.shared;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A kind of single-use ticket: a credential in a URL's {@code ticket} query parameter, for a GET a
 * browser makes by plain link (a download streamed to disk), where no bearer token can go. The
 * module that issues the tickets implements this as a CDI bean; the edge finds the implementations
 * and authenticates with them like with any other credential (rate limits on failures, audit,
 * re-checking the user and the tenant), without naming the issuing module. The edge also takes the
 * value out of the URL before anything records it (traces, logs): resources read what the ticket
 * was bound to from {@link #BOUND_ATTRIBUTE}, never the parameter.
 */
public interface TicketCredentials {
    /** The query parameter that carries a ticket. */
    String PARAMETER = "ticket";

    /** What the URL carries in its place once the edge took the ticket out. */
    String REDACTED = "REDACTED";

    /** Request attribute: the ticket as the client sent it (set by the edge's servlet filter). */
    String TICKET_ATTRIBUTE = "io.gatehouse.ticket";

    /**
     * Request attribute: {@link Redeemed#bound()} of the ticket the edge authenticated this request
     * with; absent when the request was not authenticated by ticket.
     */
    String BOUND_ATTRIBUTE = "io.gatehouse.ticket.bound";

    /**
     * Request attribute: the {@link IssuingToken} of the person's bearer token the edge
     * authenticated this request with; absent for API keys and ticket-only requests.
     */
    String ISSUING_TOKEN_ATTRIBUTE = "io.gatehouse.ticket.issuing-token";

    /**
     * The access token a ticket was issued with: when it was issued (to the millisecond) and its
     * jti (null when it has none). Stored with the ticket, so that what revokes the token (logout,
     * password reset, role change, disablement) also revokes the tickets it minted.
     */
    record IssuingToken(Instant issuedAt, String jti) {}

    /** Whether tickets of this kind authorize a GET of {@code path} (no leading slash). */
    boolean covers(String path);

    /**
     * Spends the ticket; empty when it is unknown, used or expired. A ticket that is not live must
     * cost no database write.
     */
    Optional<Redeemed> redeem(String ticket);

    /**
     * A spent ticket: the caller it was issued to (roles as at issue; the edge re-checks the
     * person), what it was bound to, by parameter name (a parameter not given is absent), and the
     * token it was issued with (null when not known: the edge refuses such a ticket).
     */
    record Redeemed(Caller caller, Map<String, String> bound, IssuingToken token) {
        public Redeemed {
            bound = Map.copyOf(bound);
        }
    }
}
