package io.gatehouse.audit.internal.web;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.chain.CanonicalJson;
import io.gatehouse.audit.internal.persistence.CheckpointRows;
import io.gatehouse.audit.internal.persistence.EventRows;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CSV export (RFC 4180) for spreadsheets: one row per event, plus an {@code anchor} row first and
 * {@code checkpoint} rows where they fall. JSON columns (details, usage) hold canonical JSON. Cells
 * that a spreadsheet would run as a formula are prefixed with an apostrophe, so the JSON Lines
 * export, not the CSV, is the one to verify. The last two columns are the actor's name and roles
 * when the event was written (display data, outside the hash).
 */
final class CsvExportSink implements EventRows.ExportSink {
    static final String HEADER =
            "record,chain,seq,id,time,tenant,actor_kind,actor,action,target_type,target_id,outcome,"
                    + "request_id,details,usage,content_hash,prev_hash,hash,key_id,signature,actor_name,"
                    + "actor_roles\r\n";

    private final Writer w;

    CsvExportSink(Writer w) {
        this.w = w;
    }

    @Override
    public void header(String chain, EventRows.Range range, String anchorHash) throws IOException {
        w.write(HEADER);
        row(
                "anchor",
                chain,
                range.anchorSeq(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                anchorHash,
                null,
                null,
                null,
                null);
    }

    @Override
    public void event(Map<String, Object> e, String hash) throws IOException {
        row(
                "event",
                e.get("chain"),
                e.get("seq"),
                e.get("id"),
                e.get("time"),
                e.get("tenant"),
                e.get("actorKind"),
                e.get("actor"),
                e.get("action"),
                e.get("targetType"),
                e.get("targetId"),
                e.get("outcome"),
                e.get("requestId"),
                CanonicalJson.write(e.get("details")),
                e.get("usage") == null ? null : CanonicalJson.write(e.get("usage")),
                e.get("contentHash"),
                e.get("prevHash"),
                hash,
                null,
                null,
                display(e, AuditEvent.ACTOR_NAME),
                display(e, AuditEvent.ACTOR_ROLES));
    }

    @Override
    public void checkpoint(CheckpointRows.StoredCheckpoint cp, boolean beyond) throws IOException {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("count", cp.count());
        d.put("beyondPeriod", beyond);
        row(
                "checkpoint",
                cp.chain(),
                cp.headSeq(),
                null,
                cp.statement().time(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                CanonicalJson.write(d),
                null,
                null,
                null,
                cp.headHash(),
                cp.keyId(),
                cp.signature(),
                null,
                null);
    }

    @Override
    public void trailer(long events, Long firstSeq, Long lastSeq, String lastHash)
            throws IOException {
        // The row count is the trailer: nothing else to write.
    }

    /** A display value (outside the hash): text as it is, a list of roles space-separated. */
    private static Object display(Map<String, Object> e, String key) {
        if (!(e.get("display") instanceof Map<?, ?> d) || d.get(key) == null) {
            return null;
        }
        Object v = d.get(key);
        if (v instanceof java.util.List<?> l) {
            return String.join(" ", l.stream().map(String::valueOf).toList());
        }
        return v.toString();
    }

    private void row(Object... cells) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(cell(cells[i]));
        }
        sb.append("\r\n");
        w.write(sb.toString());
    }

    static String cell(Object v) {
        if (v == null) {
            return "";
        }
        String s = v.toString();
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !(v instanceof Number)) {
            s = "'" + s;
        }
        if (s.indexOf(',') >= 0
                || s.indexOf('"') >= 0
                || s.indexOf('\n') >= 0
                || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
