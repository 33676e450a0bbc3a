package io.gatehouse.audit.internal;

import io.gatehouse.audit.internal.persistence.AuditConnections;
import io.gatehouse.audit.internal.persistence.EventRows;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Search and streamed export of one chain. */
@ApplicationScoped
public class ExportService {
    @Inject AuditConnections db;

    public List<Map<String, Object>> search(String chain, EventRows.Filter filter) {
        try {
            return db.reading(c -> EventRows.search(c, chain, filter));
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
    }

    public java.util.Optional<Map<String, Object>> event(String chain, java.util.UUID id) {
        try {
            return db.reading(c -> EventRows.byId(c, chain, id));
        } catch (SQLException e) {
            throw CheckpointService.unavailable(e);
        }
    }

    /**
     * Streams the period into the sink made for {@code out}, in one snapshot, in constant memory.
     * Failures after the first byte can only cut the stream short: a JSON Lines export then lacks
     * its trailer, which the verifier reports.
     */
    public long export(
            String chain,
            Instant from,
            Instant to,
            Writer out,
            Function<Writer, EventRows.ExportSink> sinkFor)
            throws IOException {
        try {
            return db.reading(
                    c -> {
                        try {
                            return EventRows.export(c, chain, from, to, sinkFor.apply(out));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (SQLException e) {
            throw new IOException("The audit export failed", e);
        }
    }
}
