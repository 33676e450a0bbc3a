// Held MCP tool calls (docs/mcp.md, "Oversight"): what the queue shows and who may decide. Pure
// functions, no DOM; the server enforces every rule again (403 four eyes, 409 already decided).
import { capabilities } from "./permissions.js";
import type { Me } from "./types.js";

export type HeldCallStatus = "held" | "approved" | "refused" | "expired" | "completed" | "abandoned";

/** One held call as `GET /api/v1/mcp/held-calls` lists it. */
export interface HeldCall {
  id: string;
  server: string;
  tool: string;
  /** What clients call it: `<server>__<tool>`. */
  name: string;
  serverVersion: string | null;
  /** The arguments as input policy left them (redactions applied). */
  arguments: unknown;
  keyId: string;
  keyName: string | null;
  /** The key's creator (a person's subject, as `/api/v1/me`'s userId): decides nothing on its calls (four eyes). */
  keyOwner: string | null;
  /** The creator's name, when the server names people (else the subject is shown). */
  keyOwnerName?: string | null;
  keyScope: string[] | null;
  requestId: string | null;
  status: HeldCallStatus | string;
  createdAt: string | null;
  deadline: string | null;
  /** The reviewer's subject. */
  decidedBy: string | null;
  decidedByName?: string | null;
  decidedAt: string | null;
  comment: string | null;
}

export type HeldCallFilter = "held" | "all";

export type HeldCallDecision = "approve" | "refuse";

/** The longest comment the console sends (the server bounds it too). */
export const COMMENT_MAX = 2000;

/** How often the queue asks the server again. */
export const REFRESH_MS = 5000;

const STATUS_LABELS: Record<string, string> = {
  held: "Waiting for a decision",
  approved: "Approved",
  refused: "Refused",
  expired: "Expired (no decision in time)",
  completed: "Ended after approval",
  abandoned: "Abandoned (the client left)",
};

/** What the console shows for an ended call: the server keeps its arguments only in the audit trail. */
export const ARGUMENTS_NOT_KEPT =
  "(not kept here once the call ended: its audit event keeps them under the tenant's retention)";

export function heldStatusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status.replace(/_/g, " ");
}

/** The signed-in person created the calling key (matched by id, or by name when ids are missing). */
export function ownsCallingKey(me: Me | null, call: HeldCall): boolean {
  if (!me || !call.keyOwner) return false;
  return call.keyOwner === me.userId || call.keyOwner === me.username;
}

/** A person as the queue names them: "you" for the signed-in person, else the name, else the subject. */
export function personText(me: Me | null, subject: string | null, name?: string | null): string {
  if (!subject) return name ?? "—";
  if (me && (subject === me.userId || subject === me.username)) return `you (${me.username})`;
  return name ?? subject;
}

export interface DecisionOption {
  decision: HeldCallDecision;
  label: string;
  enabled: boolean;
  /** Why not, when not enabled. */
  reason?: string;
  commentRequired: boolean;
}

/** Approve and refuse for this person on this call: shown only while the call is held. */
export function decisionsFor(me: Me | null, call: HeldCall): DecisionOption[] {
  if (call.status !== "held" || !capabilities(me).decideHeldCalls) return [];
  const why = ownsCallingKey(me, call)
    ? "You created the key that made this call: someone else must decide it (four-eyes rule)."
    : null;
  const option = (decision: HeldCallDecision, label: string): DecisionOption => {
    const o: DecisionOption = { decision, label, enabled: why === null, commentRequired: decision === "refuse" };
    if (why !== null) o.reason = why;
    return o;
  };
  return [option("approve", "Approve"), option("refuse", "Refuse")];
}

/** The body of a decision, or the sentence that says why it cannot be sent yet. */
export function decisionBody(decision: HeldCallDecision, comment: string): { body: { comment?: string } } | { error: string } {
  const c = comment.trim();
  if (decision === "refuse" && c === "") {
    return { error: "Please say why in the comment before you refuse the call: the agent and the audit trail get it." };
  }
  if (c.length > COMMENT_MAX) return { error: `The comment is too long (${c.length} characters; at most ${COMMENT_MAX}).` };
  return { body: c === "" ? {} : { comment: c } };
}

/** "1 h 5 min", "3 min 20 s", "12 s": how long something lasts, to the second below ten minutes. */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  if (m < 60) return `${m} min`;
  const hrs = Math.floor(m / 60);
  return m % 60 === 0 ? `${hrs} h` : `${hrs} h ${m % 60} min`;
}

function millis(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** "held for 2 min 5 s" (until the decision when there is one). */
export function heldFor(call: HeldCall, now: number): string {
  const from = millis(call.createdAt);
  if (from === null) return "";
  const until = call.status === "held" ? now : millis(call.decidedAt) ?? now;
  return `held for ${formatSpan(until - from)}`;
}

/** The deadline relative to now: "refused in 4 min 10 s if nobody decides", or that it has passed. */
export function deadlineText(call: HeldCall, now: number): string {
  const d = millis(call.deadline);
  if (d === null) return "";
  if (call.status !== "held") return "";
  return d > now ? `refused in ${formatSpan(d - now)} if nobody decides` : "past the deadline: it is being refused";
}

/** The arguments as the reviewer reads them: indented JSON, keys in the order they came. */
export function prettyArguments(args: unknown): string {
  if (args === undefined) return "(no arguments)";
  if (args === null) return ARGUMENTS_NOT_KEPT;
  try {
    return JSON.stringify(args, null, 2) ?? "(no arguments)";
  } catch {
    return String(args);
  }
}

/** The key's scope as the reviewer reads it (an empty scope reaches no tool, so a held call never has one). */
export function scopeText(scope: string[] | null | undefined): string {
  return scope && scope.length > 0 ? scope.join(", ") : "(every route, no tool)";
}

/** Oldest first: the call nearest its deadline is decided first. */
export function queueOrder(calls: HeldCall[]): HeldCall[] {
  return [...calls].sort((a, b) => (millis(a.createdAt) ?? 0) - (millis(b.createdAt) ?? 0) || a.id.localeCompare(b.id));
}

/**
 * What a refresh shows: the server's list, plus the calls decided on this page (with the server's
 * answer to the decision, or newer), so a reviewer's confirmation does not vanish under them when
 * the list no longer has the call. Ids on screen that are neither are dropped.
 */
export function mergeRefresh(fetched: HeldCall[], decidedHere: ReadonlyMap<string, HeldCall>): HeldCall[] {
  const byId = new Map<string, HeldCall>();
  for (const c of fetched) byId.set(c.id, c);
  for (const [id, c] of decidedHere) if (!byId.has(id)) byId.set(id, c);
  return queueOrder([...byId.values()]);
}

/** Reads the list answer defensively: `{items: [...]}`; anything else is an empty queue. */
export function heldCallItems(answer: unknown): HeldCall[] {
  if (answer && typeof answer === "object" && Array.isArray((answer as { items?: unknown }).items)) {
    return (answer as { items: HeldCall[] }).items.filter((c) => c && typeof c.id === "string");
  }
  return [];
}

/** The list's query for a filter. */
export function heldCallsPath(filter: HeldCallFilter): string {
  return `/api/v1/mcp/held-calls?status=${filter}`;
}
