package io.gatehouse.audit.internal;

import io.gatehouse.audit.internal.persistence.AuditConnections;
import io.gatehouse.audit.internal.persistence.ExportTicketRows;
import io.gatehouse.audit.internal.persistence.ExportTicketRows.Ticket;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.TicketCredentials;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Single-use export tickets, so that a browser can download an export by a plain link (streamed to
 * disk by its download manager) without a bearer token in the URL: a ticket is 256 random bits,
 * valid for {@link #VALID_SECONDS} seconds, spent by its first use, and bound to the caller who
 * asked for it and the export's parameters. The edge authenticates with them through {@link
 * TicketCredentials} (the edge names no audit class); the export resource reads the parameters the
 * ticket was bound to ({@link #CHAIN}, {@link #FORMAT}, {@link #FROM}, {@link #TO}).
 */
@ApplicationScoped
public class ExportTickets implements TicketCredentials {
    /** The path tickets authorize (GET only). */
    public static final String PATH = "api/v1/audit/export";

    public static final String CHAIN = "chain";
    public static final String FORMAT = "format";
    public static final String FROM = "from";
    public static final String TO = "to";

    public static final int VALID_SECONDS = 60;

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject AuditConnections db;

    /** An issued ticket: the secret (shown once) and when it expires. */
    public record Issued(String ticket, Instant expiresAt) {}

    /**
     * Issues a ticket to {@code caller}, who authenticated with {@code token} (stored with the
     * ticket: revoking the token revokes the ticket).
     */
    public Issued issue(
            Caller caller,
            IssuingToken token,
            String chain,
            String format,
            String from,
            String to) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String ticket = "gh_xt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Ticket t =
                new Ticket(
                        chain,
                        format,
                        from,
                        to,
                        caller.kind().name(),
                        caller.subject(),
                        caller.name(),
                        caller.roles().stream()
                                .map(Role::wireName)
                                .sorted()
                                .collect(Collectors.joining(",")),
                        caller.tenant() == null ? null : caller.tenant().value(),
                        token.issuedAt(),
                        token.jti());
        try {
            Instant expires =
                    db.inTransaction(
                            c -> ExportTicketRows.insert(c, hash(ticket), t, VALID_SECONDS));
            return new Issued(ticket, expires);
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
    }

    @Override
    public boolean covers(String path) {
        return PATH.equals(path);
    }

    /**
     * Spends the ticket; empty when it is unknown, used or expired. A failed redemption only reads
     * (see {@link ExportTicketRows#redeem}).
     */
    @Override
    public Optional<Redeemed> redeem(String ticket) {
        if (ticket == null || ticket.isBlank() || ticket.length() > 200) {
            return Optional.empty();
        }
        Optional<Ticket> t;
        try {
            t = db.inTransaction(c -> ExportTicketRows.redeem(c, hash(ticket.trim())));
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
        return t.map(
                x -> {
                    Map<String, String> bound = new LinkedHashMap<>();
                    bound.put(CHAIN, x.chain());
                    bound.put(FORMAT, x.format());
                    if (x.from() != null) {
                        bound.put(FROM, x.from());
                    }
                    if (x.to() != null) {
                        bound.put(TO, x.to());
                    }
                    return new Redeemed(
                            new Caller(
                                    Caller.Kind.valueOf(x.actorKind()),
                                    x.actor(),
                                    x.actorName(),
                                    x.tenant() == null ? null : new TenantId(x.tenant()),
                                    roles(x.actorRoles())),
                            bound,
                            x.tokenIssuedAt() == null
                                    ? null
                                    : new IssuingToken(x.tokenIssuedAt(), x.tokenJti()));
                });
    }

    private static Set<Role> roles(String wire) {
        if (wire == null || wire.isEmpty()) {
            return Set.of();
        }
        return Arrays.stream(wire.split(","))
                .map(r -> Role.fromWireName(r).orElseThrow())
                .collect(Collectors.toUnmodifiableSet());
    }

    static String hash(String ticket) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(ticket.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
