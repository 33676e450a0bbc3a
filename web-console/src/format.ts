// Words and numbers as the console shows them.

const STATES: Record<string, string> = {
  draft: "Draft",
  in_review: "In review",
  approved: "Approved",
  rejected: "Rejected",
  changes_requested: "Changes requested",
  published: "Published",
  superseded: "Superseded",
  withdrawn: "Withdrawn",
};

/** The filter choices for the change list, in workflow order. */
export const STATE_FILTERS: readonly string[] = Object.keys(STATES);

export function stateLabel(state: string): string {
  return STATES[state] ?? state.replace(/_/g, " ");
}

const EVIDENCE: Record<string, string> = {
  none: "No golden set",
  missing: "Run missing",
  running: "Evaluating",
  passed: "Passed",
  failed: "Failed",
  error: "Error",
};

/** The change list's evidence column: the current revision's evidence in one word, as publishing judges it. */
export function evidenceStatusLabel(status: string | null | undefined): string {
  if (status == null) return "—";
  return EVIDENCE[status] ?? status.replace(/_/g, " ");
}

export function riskLabel(risk: string): string {
  const r = risk.toUpperCase();
  if (r === "HIGH") return "High risk (two reviewers)";
  if (r === "LOW") return "Low risk";
  return risk;
}

/** "2026-11-27 05:18 UTC": unambiguous for reviewers in several time zones. */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} UTC`;
}

export function approvalsLabel(approvals: number, required: number): string {
  return `${approvals} of ${required} ${required === 1 ? "approval" : "approvals"}`;
}

/** A short id for tables: the first 8 characters of a UUID. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

export function decisionLabel(decision: string): string {
  switch (decision) {
    case "approve":
    case "approved":
      return "approved";
    case "reject":
    case "rejected":
      return "rejected";
    case "request_changes":
    case "request-changes":
    case "changes_requested":
      return "requested changes";
    default:
      return decision.replace(/[_-]/g, " ");
  }
}
