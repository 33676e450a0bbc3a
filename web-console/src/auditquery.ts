// Query strings for the auditor's search and export (/api/v1/audit/events, /api/v1/audit/export).

export interface AuditFilter {
  from?: string;
  to?: string;
  action?: string;
  actor?: string;
  outcome?: string;
  targetType?: string;
  target?: string;
  requestId?: string;
  cursor?: string;
  limit?: number;
}

/**
 * An ISO-8601 instant from what a person typed or a datetime-local input gave ("2026-11-27T05:00"
 * is read as UTC), or null for empty; throws a sentence for anything else.
 */
export function toInstant(value: string | undefined | null, field: string): string | null {
  const v = (value ?? "").trim();
  if (v === "") return null;
  let s = v;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += "T00:00:00Z";
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s += "Z";
  const d = new Date(s);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(d.getTime())) {
    throw new Error(`${field}: "${v}" is not a date and time (use 2026-11-27T05:00 or an ISO-8601 instant)`);
  }
  return d.toISOString();
}

function params(entries: [string, string | number | null | undefined][]): string {
  const q = new URLSearchParams();
  for (const [k, v] of entries) {
    if (v !== undefined && v !== null && String(v).trim() !== "") q.set(k, String(v).trim());
  }
  const s = q.toString();
  return s === "" ? "" : `?${s}`;
}

export function searchPath(f: AuditFilter): string {
  return (
    "/api/v1/audit/events" +
    params([
      ["from", toInstant(f.from, "From")],
      ["to", toInstant(f.to, "To")],
      ["action", f.action],
      ["actor", f.actor],
      ["outcome", f.outcome],
      ["targetType", f.targetType],
      ["target", f.target],
      ["requestId", f.requestId],
      ["cursor", f.cursor],
      ["limit", f.limit],
    ])
  );
}

export interface ExportTicketRequest {
  format: "jsonl" | "csv";
  from?: string;
  to?: string;
}

/** The body of POST /api/v1/audit/export/tickets for a period typed in the form (empty = all). */
export function exportTicketRequest(format: "jsonl" | "csv", from?: string, to?: string): ExportTicketRequest {
  const f = toInstant(from, "From");
  const t = toInstant(to, "To");
  if (f && t && !(f < t)) throw new Error("To must be after From");
  return { format, ...(f ? { from: f } : {}), ...(t ? { to: t } : {}) };
}
