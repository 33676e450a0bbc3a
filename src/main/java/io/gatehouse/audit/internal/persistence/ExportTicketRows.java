package io.gatehouse.audit.internal.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code audit_export_tickets} (V52, V53): single-use export tickets, stored by their SHA-256 only,
 * with the issued-at and jti of the access token they were issued with. Times are the database's,
 * so every instance agrees on expiry.
 */
public final class ExportTicketRows {
    private ExportTicketRows() {}

    /** What a ticket was issued for, and to whom. */
    public record Ticket(
            String chain,
            String format,
            String from,
            String to,
            String actorKind,
            String actor,
            String actorName,
            String actorRoles,
            UUID tenant,
            Instant tokenIssuedAt,
            String tokenJti) {}

    /** Stores a ticket valid for {@code seconds}; returns when it expires. */
    public static Instant insert(Connection c, String ticketHash, Ticket t, int seconds)
            throws SQLException {
        try (PreparedStatement del =
                c.prepareStatement(
                        "DELETE FROM audit_export_tickets WHERE expires_at < now() - interval '1 day'")) {
            del.executeUpdate();
        }
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO audit_export_tickets (ticket_hash, chain_id, format, period_from,"
                                + " period_to, actor_kind, actor, actor_name, actor_roles, tenant_id,"
                                + " token_issued_at, token_jti, expires_at) VALUES (?, ?, ?, ?, ?, ?,"
                                + " ?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?))"
                                + " RETURNING expires_at")) {
            int i = 1;
            ps.setString(i++, ticketHash);
            ps.setString(i++, t.chain());
            ps.setString(i++, t.format());
            ps.setString(i++, t.from());
            ps.setString(i++, t.to());
            ps.setString(i++, t.actorKind());
            ps.setString(i++, t.actor());
            ps.setString(i++, t.actorName());
            ps.setString(i++, t.actorRoles());
            ps.setObject(i++, t.tenant());
            ps.setTimestamp(
                    i++, t.tokenIssuedAt() == null ? null : Timestamp.from(t.tokenIssuedAt()));
            ps.setString(i++, t.tokenJti());
            ps.setInt(i, seconds);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    /**
     * Spends the ticket: marks it used if it is unused and unexpired. A SELECT by hash comes first,
     * so an unknown, used or expired ticket (a guess, a replay) only reads: no UPDATE runs for it,
     * no row is locked, nothing is written. For a live one the UPDATE is conditional on the same
     * predicate, in one statement, so two redemptions racing (on one instance or two) cannot both
     * succeed: the loser's UPDATE matches no row.
     */
    public static Optional<Ticket> redeem(Connection c, String ticketHash) throws SQLException {
        try (PreparedStatement live =
                c.prepareStatement(
                        "SELECT 1 FROM audit_export_tickets WHERE ticket_hash = ? AND used_at IS NULL"
                                + " AND expires_at > now()")) {
            live.setString(1, ticketHash);
            try (ResultSet rs = live.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
            }
        }
        try (PreparedStatement ps =
                c.prepareStatement(
                        "UPDATE audit_export_tickets SET used_at = now() WHERE ticket_hash = ?"
                                + " AND used_at IS NULL AND expires_at > now() RETURNING chain_id, format,"
                                + " period_from, period_to, actor_kind, actor, actor_name, actor_roles,"
                                + " tenant_id, token_issued_at, token_jti")) {
            ps.setString(1, ticketHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(
                        new Ticket(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getString(7),
                                rs.getString(8),
                                (UUID) rs.getObject(9),
                                rs.getTimestamp(10) == null
                                        ? null
                                        : rs.getTimestamp(10).toInstant(),
                                rs.getString(11)));
            }
        }
    }
}
