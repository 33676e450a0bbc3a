package io.gatehouse.edge.internal.web;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.edge.ApiKeyHeader;
import io.gatehouse.edge.internal.ApiKeyRegistry;
import io.gatehouse.edge.internal.ClientAddresses;
import io.gatehouse.edge.internal.TenantCache;
import io.gatehouse.edge.internal.TicketRedemptions;
import io.gatehouse.edge.internal.TokenService;
import io.gatehouse.edge.internal.persistence.TokenRevocationRows;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import io.gatehouse.shared.LogFields;
import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.RequestPaths;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TenantLabels;
import io.gatehouse.shared.TicketCredentials;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.UnauthorizedException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Authenticates every request before it is even matched to a resource (so an unauthenticated client
 * cannot probe which paths exist): API keys on {@code /v1} and {@code /mcp}, bearer JWTs (built-in
 * or external issuer) on {@code /api}, and single-use tickets ({@link TicketCredentials}) on the
 * GETs other modules issue them for. {@link RoleFilter} then enforces roles. Failures are audited;
 * the client learns only that it is not authenticated (401), or that its tenant is suspended (403
 * {@code tenant_suspended}).
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class AuthenticationFilter implements ContainerRequestFilter {
    /** Paths anyone may call. */
    static final Set<String> PUBLIC =
            Set.of(
                    "api/v1/auth/login",
                    // console sessions (SessionResource): each checks what it is given itself
                    "api/v1/auth/providers",
                    "api/v1/auth/oidc/start",
                    "api/v1/auth/oidc/callback",
                    "api/v1/auth/oidc/redeem",
                    "api/v1/auth/refresh",
                    ".well-known/jwks.json",
                    ".well-known/openid-configuration");

    static final String VERIFIED_TOKEN = "io.gatehouse.edge.verifiedToken";

    @Context HttpServletRequest http;
    @Inject CurrentCaller current;
    @Inject TokenService tokens;
    @Inject ApiKeyRegistry keys;
    @Inject TokenRevocationRows revocations;
    @Inject TenantCache tenants;
    private static final Metadata AUTH_FAILURES =
            Metadata.builder()
                    .withName("gatehouse_auth_failures")
                    .withDescription(
                            "Refused credentials by kind (api_key, token) and reason (missing, invalid, revoked, tenant_suspended, ...)")
                    .build();

    @Inject AuditRecorder audit;
    @Inject Tracer tracer;
    @Inject MetricRegistry metrics;
    @Inject TenantLabels tenantLabels;
    @Inject ClientAddresses clients;
    @Inject TicketRedemptions redemptions;

    /** The kinds of ticket other modules issue (the edge names none of them). */
    @Inject @Any Instance<TicketCredentials> ticketKinds;

    /** The client dialects that take the key in a header of their own (the edge names none). */
    @Inject @Any Instance<ApiKeyHeader> keyHeaders;

    @Override
    public void filter(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        // request properties are the servlet request's attributes, without the reflective @Context
        // proxy
        String requestId = (String) ctx.getProperty(RequestIds.ATTRIBUTE);
        // A path written another way than its canonical form (//, ., .., ;matrix, a backslash or
        // an encoded separator) would be authenticated by one path's rules and could be served as
        // another's: it is refused on every path, before any credential is looked at (by its form
        // alone, so it tells nothing of what exists). From here on path is canonical, and the
        // authentication is chosen from it.
        if (!RequestPaths.isCanonicalRequest(path, ctx.getUriInfo().getPath(false))) {
            throw new NotFoundException(
                    "not_found",
                    "No such path: send it in canonical form (" + canonicalHint(path) + ")");
        }
        if (PUBLIC.contains(path) || path.startsWith(".well-known/")) {
            return;
        }
        // A ticket credential (taken out of the URL by TicketQueryFilter) on a GET of a path a
        // kind of ticket covers is authenticated like any credential, here.
        String ticket = (String) ctx.getProperty(TicketCredentials.TICKET_ATTRIBUTE);
        TicketCredentials ticketKind =
                ticket != null && "GET".equals(ctx.getMethod()) ? ticketKindFor(path) : null;
        // The edge's span (a child of the server span when tracing is on); its trace id goes on
        // every log line of this request.
        Span span = tracer.spanBuilder("gatehouse.edge.authenticate").startSpan();
        SpanContext sc = span.getSpanContext();
        if (sc.isValid()) {
            LogFields.put(LogFields.TRACE_ID, sc.getTraceId());
        }
        try (Scope ignored = span.makeCurrent()) {
            if (path.equals("v1") || path.startsWith("v1/")) {
                authenticateKey(ctx, requestId, keyHeaderFor(path));
            } else if (path.equals("mcp") || path.startsWith("mcp/")) {
                // the MCP gateway takes the same client keys as /v1 (Authorization: Bearer)
                authenticateKey(ctx, requestId, null);
            } else if (ticketKind != null) {
                authenticateTicket(ctx, ticketKind, ticket, requestId, path);
            } else {
                authenticatePerson(ctx, requestId, path);
            }
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute("error.type", e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    /** The header of the dialect serving {@code path}, or null (the key only as Bearer). */
    private String keyHeaderFor(String path) {
        for (ApiKeyHeader h : keyHeaders) {
            if (h.serves(path)) {
                return h.name();
            }
        }
        return null;
    }

    private static String canonicalHint(String path) {
        String c = "/" + RequestPaths.canonical(path);
        return c.length() > 100 ? c.substring(0, 100) : c;
    }

    /**
     * An API key: as {@code Authorization: Bearer}, or, on a dialect that names one ({@code
     * keyHeader}), in that header too.
     */
    private void authenticateKey(ContainerRequestContext ctx, String requestId, String keyHeader) {
        String secret = keyHeader != null ? keyFromEither(ctx, keyHeader) : bearer(ctx);
        if (secret == null) {
            denied(null, "auth.api_key", "missing", requestId, ctx.getUriInfo().getPath());
            throw new UnauthorizedException(
                    "invalid_api_key",
                    keyHeader != null
                            ? "You didn't provide an API key: send "
                                    + keyHeader
                                    + ": <key> or Authorization: Bearer <key> (the same key when"
                                    + " both)"
                            : "You didn't provide an API key: send Authorization: Bearer <key>");
        }
        Caller caller = null;
        try {
            // the client behind a trusted proxy is what a key's CIDR allowlist is about
            String client =
                    clients.of(
                            http.getRemoteAddr(),
                            ctx.getHeaders().get(ClientAddresses.FORWARDED_FOR));
            ApiKeyRegistry.ActiveKey k = keys.verify(secret, client);
            caller = k.key().caller(); // no roles: a key never passes a role check
            refuseIfSuspended(k.key().tenant());
            current.set(caller);
        } catch (GatehouseException e) {
            denied(caller, "auth.api_key", e.code(), requestId, ctx.getUriInfo().getPath());
            throw e;
        }
    }

    private void authenticatePerson(ContainerRequestContext ctx, String requestId, String path) {
        String token = bearer(ctx);
        if (token == null) {
            denied(null, "auth.token", "missing", requestId, path);
            throw new UnauthorizedException(
                    "Authentication required: send Authorization: Bearer <token>");
        }
        TokenService.Verified v = tokens.verify(token).orElse(null);
        if (v == null) {
            denied(null, "auth.token", "invalid", requestId, path);
            throw new UnauthorizedException(
                    "invalid_token", "The access token is invalid or expired");
        }
        boolean revoked =
                v.userId() != null
                        ? !revocations.isValid(v.userId(), v.jti(), v.issuedAt())
                        : v.jti() != null && revocations.isRevoked(v.jti());
        if (revoked) {
            denied(v.caller(), "auth.token", "revoked", requestId, path);
            throw new UnauthorizedException("invalid_token", "The access token is no longer valid");
        }
        try {
            refuseIfSuspended(v.caller().tenant());
        } catch (GatehouseException e) {
            denied(v.caller(), "auth.token", e.code(), requestId, path);
            throw e;
        }
        current.set(v.caller());
        ctx.setProperty(VERIFIED_TOKEN, v);
        // what a ticket issued on this request records, so that revoking the token revokes it
        ctx.setProperty(
                TicketCredentials.ISSUING_TOKEN_ATTRIBUTE,
                new TicketCredentials.IssuingToken(v.issuedAt(), v.jti()));
    }

    private TicketCredentials ticketKindFor(String path) {
        for (TicketCredentials kind : ticketKinds) {
            if (kind.covers(path)) {
                return kind;
            }
        }
        return null;
    }

    /**
     * A single-use ticket: refused (429) without a lookup while the client address has too many
     * failures and attempts in flight; an unknown, used or expired one is counted, audited (never
     * its value) and 401 {@code invalid_ticket}; a redeemed one is re-checked (the person still
     * active, the token it was issued with not revoked, the tenant not suspended). A bearer token
     * beside it must be the same person's (403 {@code ticket_not_yours}). The resource reads what
     * the ticket was bound to from {@link TicketCredentials#BOUND_ATTRIBUTE}.
     */
    private void authenticateTicket(
            ContainerRequestContext ctx,
            TicketCredentials kind,
            String ticket,
            String requestId,
            String path) {
        Caller bearerCaller = null;
        if (ctx.getHeaderString(HttpHeaders.AUTHORIZATION) != null) {
            authenticatePerson(ctx, requestId, path);
            bearerCaller = current.get().orElseThrow();
        }
        String client =
                clients.of(
                        http.getRemoteAddr(), ctx.getHeaders().get(ClientAddresses.FORWARDED_FOR));
        // the attempt is counted (in flight) with the check, so concurrent guesses cannot pass it
        Optional<TicketRedemptions.Refusal> refusal = redemptions.begin(client);
        if (refusal.isPresent()) {
            if (refusal.get() == TicketRedemptions.Refusal.RATE_LIMITED_FIRST) {
                denied(bearerCaller, "auth.ticket", "rate_limited", requestId, path, client);
            } else {
                countFailure(bearerCaller, "auth.ticket", "rate_limited");
            }
            throw redemptions.rateLimited(client);
        }
        TicketCredentials.Redeemed redeemed = null;
        boolean lookedUp = false;
        try {
            redeemed = kind.redeem(ticket).orElse(null);
            lookedUp = true;
        } finally {
            // a failure is counted; a lookup that threw (database unavailable) is no guess
            redemptions.end(client, lookedUp && redeemed == null);
        }
        if (redeemed == null) {
            denied(bearerCaller, "auth.ticket", "invalid", requestId, path, client);
            throw new UnauthorizedException(
                    "invalid_ticket", "The ticket is unknown, used or expired");
        }
        Caller caller;
        try {
            caller = redemptions.recheck(redeemed);
        } catch (GatehouseException e) {
            denied(redeemed.caller(), "auth.ticket", e.code(), requestId, path, client);
            throw e;
        }
        if (bearerCaller != null && !bearerCaller.subject().equals(caller.subject())) {
            denied(bearerCaller, "auth.ticket", "ticket_not_yours", requestId, path, client);
            throw new ForbiddenException(
                    "ticket_not_yours", "This ticket was issued to someone else");
        }
        current.set(caller);
        ctx.setProperty(TicketCredentials.BOUND_ATTRIBUTE, redeemed.bound());
    }

    /**
     * Every credential of a suspended tenant (API keys, built-in and external tokens) is refused.
     */
    private void refuseIfSuspended(TenantId tenant) {
        if (tenant != null && tenants.isSuspended(tenant)) {
            throw new ForbiddenException("tenant_suspended", "This tenant is suspended");
        }
    }

    void denied(Caller caller, String action, String reason, String requestId, String path) {
        denied(caller, action, reason, requestId, path, null);
    }

    /** Counted and audited; {@code client}, when known, is the address behind trusted proxies. */
    private void denied(
            Caller caller,
            String action,
            String reason,
            String requestId,
            String path,
            String client) {
        countFailure(caller, action, reason);
        AuditEvent.Builder b =
                caller == null
                        ? AuditEvent.of(null, "anonymous", http.getRemoteAddr(), action)
                        : AuditEvent.by(caller, action);
        if (client != null) {
            b.detail("client", client);
        }
        audit.record(
                b.outcome(AuditEvent.Outcome.DENIED)
                        .detail("reason", reason)
                        .detail("path", path.length() > 200 ? path.substring(0, 200) : path)
                        .requestId(requestId)
                        .build());
    }

    /** Failures by credential and reason (codes, never the credential); tenant when known. */
    private void countFailure(Caller caller, String action, String reason) {
        metrics.counter(
                        AUTH_FAILURES,
                        new Tag(
                                "tenant",
                                caller == null || caller.tenant() == null
                                        ? "-"
                                        : tenantLabels.labelOf(caller.tenant())),
                        new Tag("credential", action.substring(action.indexOf('.') + 1)),
                        new Tag("reason", reason))
                .inc();
    }

    /**
     * The key on a dialect with a header of its own ({@code x-api-key} on Anthropic Messages) or as
     * {@code Authorization: Bearer}. Sent both ways, the two must be the same key: otherwise which
     * one counted would depend on the order of checks here, so neither does (401).
     */
    static String keyFromEither(ContainerRequestContext ctx, String keyHeader) {
        String bearer = bearer(ctx);
        String header = ctx.getHeaderString(keyHeader);
        String xKey = header == null || header.isBlank() ? null : header.trim();
        if (bearer != null && xKey != null) {
            return bearer.equals(xKey) ? bearer : null;
        }
        return bearer != null ? bearer : xKey;
    }

    static String bearer(ContainerRequestContext ctx) {
        String h = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (h == null || h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String v = h.substring(7).trim();
        return v.isEmpty() ? null : v;
    }
}
