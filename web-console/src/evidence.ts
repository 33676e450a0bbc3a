// The evidence on a change (issue 23): the evaluation runs of the golden sets that bind it, as
// GET /api/v1/changes/{id} carries them in `evidence`, and one run's per-case results
// (GET /api/v1/evaluations/{runId}). No DOM here, so the view model is unit-tested in Node; the
// change page (views/changeevidence.ts) lays it out. The server decides everything: this only reads.
import { ApiError } from "./api.js";
import { hasRole } from "./permissions.js";
import { formatInstant } from "./format.js";
import type { ReplayedOver, PolicyTestResult } from "./policybench.js";
import type { ChangeDetail, EvidenceOverride, Me } from "./types.js";

export type RunStatus = "running" | "passed" | "failed" | "error";
export type CaseOutcome = "pass" | "fail" | "error";

export interface SideCounts {
  passRate: number;
  passed: number;
  failed: number;
  errors: number;
}

export interface Differing {
  caseId: string;
  candidate: CaseOutcome | string;
  live: CaseOutcome | string;
}

/** One evaluation run as the change carries it (docs/governance.md, "Golden sets and evidence"). */
export interface EvidenceRun {
  type?: string;
  runId: string;
  goldenSet: string;
  goldenSetVersion: number;
  revision: number;
  trigger: string;
  status: RunStatus | string;
  candidate: SideCounts | null;
  live: SideCounts | null;
  differing: Differing[];
  startedAt?: string | null;
  finishedAt?: string | null;
  /** Who asked for the run (a person's id, or system:… for a trigger). */
  requestedBy?: string | null;
  /** A failed run: whether it still blocks publishing (review 23 finding 3). */
  blocking?: boolean | null;
  /** A failed run: the later run, asked for by someone outside the change's authors, that lifts it. */
  supersededBy?: string | null;
}

/** An expectation's verdict on one answer. */
export interface Check {
  type: string;
  verdict: string;
  score?: number;
  detail?: string;
}

export interface CaseResult {
  caseId: string;
  side: "candidate" | "live" | string;
  outcome: CaseOutcome | string;
  status: number;
  checks: Check[];
  outputSha256?: string | null;
  policy?: string | null;
  error?: string | null;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  requestId?: string | null;
  recordedAt?: string;
}

/** One run with its results (GET /api/v1/evaluations/{runId}). */
export interface RunDetail extends EvidenceRun {
  changeId: string;
  bound?: { kind: string; target: string };
  error?: string | null;
  results: CaseResult[];
}

/** An entry of another type (a policy change's traffic replay): shown with what it says. */
export interface OtherEvidence {
  type: string;
  [key: string]: unknown;
}

function object(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function counts(v: unknown): SideCounts | null {
  if (!object(v)) return null;
  const n = (k: string) => (typeof v[k] === "number" ? (v[k] as number) : 0);
  return { passRate: n("passRate"), passed: n("passed"), failed: n("failed"), errors: n("errors") };
}

/** The change's evaluation runs (newest revision first, then by golden set) and its other entries. */
export function evidenceOf(change: Pick<ChangeDetail, "revision"> & { evidence?: unknown }): {
  runs: EvidenceRun[];
  others: OtherEvidence[];
} {
  const runs: EvidenceRun[] = [];
  const others: OtherEvidence[] = [];
  for (const e of Array.isArray(change.evidence) ? change.evidence : []) {
    if (!object(e)) continue;
    if (typeof e["runId"] !== "string") {
      if (typeof e["type"] === "string") others.push(e as OtherEvidence);
      continue;
    }
    runs.push({
      runId: e["runId"],
      goldenSet: String(e["goldenSet"] ?? ""),
      goldenSetVersion: Number(e["goldenSetVersion"] ?? 0),
      revision: Number(e["revision"] ?? 0),
      trigger: String(e["trigger"] ?? ""),
      status: String(e["status"] ?? "running"),
      candidate: counts(e["candidate"]),
      live: counts(e["live"]),
      differing: Array.isArray(e["differing"])
        ? (e["differing"] as unknown[]).filter(object).map((d) => ({
            caseId: String(d["caseId"] ?? ""), candidate: String(d["candidate"] ?? ""), live: String(d["live"] ?? ""),
          }))
        : [],
      startedAt: typeof e["startedAt"] === "string" ? e["startedAt"] : null,
      finishedAt: typeof e["finishedAt"] === "string" ? e["finishedAt"] : null,
      requestedBy: typeof e["requestedBy"] === "string" ? e["requestedBy"] : null,
      blocking: typeof e["blocking"] === "boolean" ? e["blocking"] : null,
      supersededBy: typeof e["supersededBy"] === "string" ? e["supersededBy"] : null,
    });
  }
  // the server lists runs oldest first: newest revision first here, then by set, the newest run of a set first
  const order = new Map(runs.map((r, i) => [r, i] as const));
  runs.sort((a, b) => b.revision - a.revision || a.goldenSet.localeCompare(b.goldenSet) || order.get(b)! - order.get(a)!);
  return { runs, others };
}

/**
 * The failed runs of the current revision that still block publishing: a later pass asked for by one of
 * the change's authors does not lift a failure; a re-run by someone else, or an override, does.
 */
export function blockingFailures(runs: EvidenceRun[], revision: number): EvidenceRun[] {
  return runs.filter((r) => r.revision === revision && r.status === "failed" && r.blocking === true);
}

/** What a failed run means for publishing, in one sentence (null for any other run). */
export function blockingLabel(r: EvidenceRun): string | null {
  if (r.status !== "failed" || r.blocking === null || r.blocking === undefined) return null;
  return r.blocking
    ? "Yes: it blocks publishing until someone who authored none of the change re-runs the set, or an admin overrides it. A re-run by an author does not lift it."
    : `No: run ${r.supersededBy ?? "—"}, asked for by someone outside the change's authors, lifts it.`;
}

/** The latest run of each golden set for the change's current revision (what a publish rule reads). */
export function currentRuns(runs: EvidenceRun[], revision: number): EvidenceRun[] {
  const seen = new Set<string>();
  const out: EvidenceRun[] = [];
  for (const r of runs) {
    if (r.revision !== revision || seen.has(r.goldenSet)) continue;
    seen.add(r.goldenSet);
    out.push(r);
  }
  return out;
}

/** Whether the page should read the change again: a run is still under way. */
export function anyRunning(runs: EvidenceRun[]): boolean {
  return runs.some((r) => r.status === "running");
}

/** How long to wait before reading again: quick at first, then slower (a run may take minutes). */
export function pollDelayMs(attempt: number): number {
  return Math.min(10_000, 1_500 + attempt * 500);
}

const STATUS: Record<string, string> = {
  running: "Running",
  passed: "Passed",
  failed: "Failed",
  error: "Error",
};

export function statusLabel(status: string): string {
  return STATUS[status] ?? status;
}

/** "90% (9 of 10)"; "—" when the side has no counts (nothing live yet). */
export function passRateLabel(c: SideCounts | null): string {
  if (!c) return "—";
  const total = c.passed + c.failed + c.errors;
  const pct = Math.round(c.passRate * 1000) / 10;
  const err = c.errors > 0 ? `, ${c.errors} ${c.errors === 1 ? "error" : "errors"}` : "";
  return `${pct}% (${c.passed} of ${total}${err})`;
}

/** One sentence for a run: what a reviewer reads first (also the status line's text while refreshing). */
export function runSummary(r: EvidenceRun, currentRevision: number): string {
  const stale = r.revision !== currentRevision ? ` (revision ${r.revision}, not the current ${currentRevision})` : "";
  const live = r.live ? `; live ${passRateLabel(r.live)}` : "; nothing live to compare";
  switch (r.status) {
    case "running":
      return `Golden set ${r.goldenSet}: running${stale}, candidate so far ${passRateLabel(r.candidate)}.`;
    case "passed":
    case "failed":
      return `Golden set ${r.goldenSet}: ${r.status}${stale}, candidate ${passRateLabel(r.candidate)}${live}; ${differingLabel(r.differing.length)}.`;
    default:
      return `Golden set ${r.goldenSet}: error${stale}, the run could not complete.`;
  }
}

export function differingLabel(n: number): string {
  return n === 0 ? "no case differs from live" : n === 1 ? "1 case differs from live" : `${n} cases differ from live`;
}

export function outcomeLabel(o: string | null | undefined): string {
  switch (o) {
    case "pass": return "pass";
    case "fail": return "fail";
    case "error": return "error";
    case "":
    case null:
    case undefined: return "—";
    default: return o;
  }
}

const TRIGGERS: Record<string, string> = {
  submit: "on submit",
  revise: "on revise",
  rebase: "on rebase",
  on_demand: "on demand",
};

export function triggerLabel(t: string): string {
  return TRIGGERS[t] ?? t.replace(/_/g, " ");
}

/** A case's result on both sides (null: that side has none, e.g. nothing live). */
export function caseSides(run: RunDetail, caseId: string): { candidate: CaseResult | null; live: CaseResult | null } {
  const pick = (side: string) => run.results.find((x) => x.caseId === caseId && x.side === side) ?? null;
  return { candidate: pick("candidate"), live: pick("live") };
}

/** Every case of a run with both sides' outcomes, in the order the results first name them. */
export function caseRows(run: RunDetail): { caseId: string; candidate: string; live: string; differs: boolean }[] {
  const order: string[] = [];
  const by = new Map<string, { candidate: string; live: string }>();
  for (const r of run.results) {
    if (!by.has(r.caseId)) {
      order.push(r.caseId);
      by.set(r.caseId, { candidate: "", live: "" });
    }
    const row = by.get(r.caseId)!;
    if (r.side === "candidate") row.candidate = r.outcome;
    else if (r.side === "live") row.live = r.outcome;
  }
  return order.map((caseId) => {
    const r = by.get(caseId)!;
    return { caseId, ...r, differs: r.live !== "" && r.candidate !== r.live };
  });
}

/** "0.000150 USD" style, as the test call shows costs (micro-units of the tenant's currency). */
export function costLabel(micros: number): string {
  return (micros / 1_000_000).toFixed(6);
}

export function checkLabel(c: Check): string {
  const score = typeof c.score === "number" ? ` (score ${Math.round(c.score * 1000) / 1000})` : "";
  return `${c.type}: ${c.verdict}${score}`;
}

/** The facts of one side's answer to a case, as label/value pairs. */
export function resultFacts(r: CaseResult): [string, string][] {
  const out: [string, string][] = [
    ["Outcome", outcomeLabel(r.outcome)],
    ["Gateway status", String(r.status)],
    ["Output SHA-256", r.outputSha256 ?? "— (no answer)"],
    ["Latency", `${r.latencyMs} ms`],
    ["Tokens", `${r.inputTokens} in, ${r.outputTokens} out`],
    ["Cost", costLabel(r.costMicros)],
  ];
  if (r.policy) out.push(["Policy", r.policy]);
  if (r.error) out.push(["Error", r.error]);
  if (r.requestId) out.push(["Request", r.requestId]);
  return out;
}

/** Who may start a run (POST /api/v1/changes/{id}/evaluations): the reason when not, else null. */
export function runBlocker(me: Me | null, change: Pick<ChangeDetail, "state">): string | null {
  if (!hasRole(me, "author", "reviewer", "admin")) return "Running an evaluation needs the author, reviewer or admin role.";
  if (["published", "rejected", "withdrawn", "superseded"].includes(change.state)) {
    return `The change is ${change.state}: only a change still open can be evaluated.`;
  }
  return null;
}

/** The codes of a publish refused for its evidence (docs/governance.md, approval rules that require evidence). */
export const EVIDENCE_CODES = ["evidence_missing", "evidence_failed"] as const;

/**
 * What to show at the publish button when publishing was refused: the server's own message whatever its
 * code, with a heading that says what kind of refusal it is.
 */
export function publishRefusal(e: unknown): { heading: string; detail: string; evidence: boolean } | null {
  if (!(e instanceof ApiError)) return null;
  const p = e.problem;
  const evidence = p.code !== undefined && (EVIDENCE_CODES as readonly string[]).includes(p.code);
  const heading = p.code === "evidence_missing"
    ? "Not published: the evidence is missing."
    : p.code === "evidence_failed"
      ? "Not published: the evidence failed."
      : `Not published (${p.status}${p.code ? ` ${p.code}` : ""}).`;
  return { heading, detail: p.detail, evidence };
}

// ---- A policy change's traffic replay (type "replay"), computed by the server on submit, revise, rebase ----

/** The replay entry as the change carries it (GovernanceDtos.ReplayEvidence; traffic is the bench's report). */
export interface ReplayEntry {
  revision: number;
  trigger: string;
  status: "ok" | "error" | string;
  considered: number | null;
  changed: number | null;
  summaryOnly: number | null;
  computedAt: string | null;
  error: string | null;
  /** The policy bench's traffic report (its changed rows cut to the first ones the server keeps), or null. */
  traffic: PolicyTestResult["traffic"] | null;
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function countMap(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (object(v)) for (const [k, n] of Object.entries(v)) if (typeof n === "number") out[k] = n;
  return out;
}

/** The entry read as a replay, or null when it is not one. Missing numbers stay null (never made up). */
export function replayEntry(e: OtherEvidence): ReplayEntry | null {
  if (e.type !== "replay") return null;
  const t = e["traffic"];
  let traffic: ReplayEntry["traffic"] = null;
  if (object(t)) {
    const considered = num(t["considered"]) ?? num(e["considered"]) ?? 0;
    const outcomes = object(t["outcomes"]) ? t["outcomes"] : {};
    traffic = {
      considered,
      evaluated: num(t["evaluated"]) ?? 0,
      unscanned: num(t["unscanned"]) ?? 0,
      overContent: num(t["overContent"]) ?? 0,
      summaryOnly: num(t["summaryOnly"]) ?? num(e["summaryOnly"]) ?? considered,
      changed: num(t["changed"]) ?? num(e["changed"]) ?? 0,
      outcomes: { live: countMap(outcomes["live"]), draft: countMap(outcomes["draft"]) },
      changes: Array.isArray(t["changes"])
        ? (t["changes"] as unknown[]).filter(object).map((c) => ({
            requestId: typeof c["requestId"] === "string" ? c["requestId"] : null,
            occurredAt: typeof c["occurredAt"] === "string" ? c["occurredAt"] : null,
            replayedOver: (c["replayedOver"] === "full" || c["replayedOver"] === "redacted" ? c["replayedOver"] : "summary") as ReplayedOver,
            live: c["live"],
            draft: c["draft"],
          }))
        : [],
    };
  }
  return {
    revision: Number(e["revision"] ?? 0),
    trigger: String(e["trigger"] ?? ""),
    status: String(e["status"] ?? "ok"),
    considered: num(e["considered"]),
    changed: num(e["changed"]),
    summaryOnly: num(e["summaryOnly"]),
    computedAt: typeof e["computedAt"] === "string" ? e["computedAt"] : null,
    error: typeof e["error"] === "string" && e["error"] !== "" ? e["error"] : null,
    traffic,
  };
}

/** A replay in one sentence: what a reviewer reads first. */
export function replaySentence(r: ReplayEntry, currentRevision: number): string {
  const rev = r.revision === currentRevision ? `revision ${r.revision}` : `revision ${r.revision}, not the current ${currentRevision}`;
  if (r.status === "error") return `Traffic replay (${rev}): could not be computed${r.error ? `: ${r.error}` : "."}`;
  if (r.considered === 0) return `Traffic replay (${rev}): no recorded requests of this tenant to replay yet.`;
  const considered = r.considered ?? r.traffic?.considered;
  const changed = r.changed ?? r.traffic?.changed;
  const summaryOnly = r.summaryOnly ?? r.traffic?.summaryOnly;
  const req = (n: number | undefined | null) => (n === 1 ? "1 request" : `${n ?? "?"} requests`);
  return `Traffic replay (${rev}): ${req(considered)} replayed; the draft would change the outcome of ${changed ?? "?"}; `
    + `${summaryOnly ?? "?"} replayed over their recorded summaries only.`;
}

/** The replay's facts as label/value pairs ("—" for a number the server did not send). */
export function replayFacts(r: ReplayEntry, currentRevision: number): [string, string][] {
  const n = (v: number | null) => (v === null ? "—" : String(v));
  const out: [string, string][] = [
    ["Revision", r.revision === currentRevision ? `${r.revision} (current)` : `${r.revision} (an earlier revision)`],
    ["Trigger", triggerLabel(r.trigger)],
    ["Status", r.status === "ok" ? "computed" : r.status === "error" ? "error" : r.status],
  ];
  if (r.status !== "error" || r.considered !== null) {
    out.push(["Recent requests replayed", n(r.considered)], ["Outcomes the draft would change", n(r.changed)],
      ["Replayed over summaries only", n(r.summaryOnly)]);
  }
  if (r.error) out.push(["Error", r.error]);
  out.push(["Computed", formatInstant(r.computedAt)]);
  return out;
}

// ---- Publishing needs evidence; publishing over a failed evaluation (issue 23) ----

/** The override's reason: 1..2000 characters once trimmed (as the server checks it). */
export const OVERRIDE_REASON_MAX = 2000;

/** Whether a refused publish may be overridden with a reason: a failed run (a missing one never may). */
export function overridable(e: unknown): boolean {
  return e instanceof ApiError && e.problem.code === "evidence_failed";
}

/**
 * The body of POST /api/v1/changes/{id}/publish with an override, or the reason's problem when it is
 * not one the server takes (empty, or over 2000 characters).
 */
export function overrideBody(comment: string, reason: string):
  { body: { comment?: string; evidenceOverride: { reason: string } }; error: null } | { body: null; error: string } {
  const r = reason.trim();
  if (r === "") return { body: null, error: "Say why it goes live despite the failed evaluation: the reason is required." };
  if (r.length > OVERRIDE_REASON_MAX) {
    return { body: null, error: `The reason is ${r.length} characters long; at most ${OVERRIDE_REASON_MAX} are kept.` };
  }
  const c = comment.trim();
  return { body: c === "" ? { evidenceOverride: { reason: r } } : { comment: c, evidenceOverride: { reason: r } }, error: null };
}

/** What to say at the reason field when the server refused the override; null: not the field's matter. */
export function overrideFieldError(e: unknown): string | null {
  if (!(e instanceof ApiError)) return null;
  const p = e.problem;
  if (p.code === "override_needs_reviewer" || p.code === "override_not_needed" || p.code === "own_change"
    || p.code === "evidence_failed" || p.code === "evidence_missing"
    || (p.status === 400 && (p.param ?? "").startsWith("evidenceOverride"))) {
    return `${p.detail}${p.code ? ` (${p.status} ${p.code})` : ` (${p.status})`}`;
  }
  return null;
}

/** A recorded override, as the change shows it: a heading and label/value pairs. */
export function overrideView(o: EvidenceOverride): { heading: string; facts: [string, string][] } {
  const who = o.byName || o.by || "someone";
  const heading = `Published over a failed evaluation by ${who}${o.at ? ` on ${formatInstant(o.at)}` : ""}`;
  const facts: [string, string][] = [["Reason", o.reason]];
  if (typeof o.revision === "number") facts.push(["Revision", String(o.revision)]);
  const runs = o.runIds ?? [];
  facts.push(["Failed runs overridden", runs.length === 0 ? "—" : runs.join(", ")]);
  if (typeof o.approvals === "number") {
    facts.push(["Approvals", `${o.approvals} distinct${typeof o.requiredApprovals === "number" ? ` (the rule needs ${o.requiredApprovals}; an override one more)` : ""}`]);
  }
  return { heading, facts };
}

/** The change's evidence rule in one sentence, or null when its approval rule requires none. */
export function evidenceRequiredLine(change: { evidenceRequired?: boolean | null }): string | null {
  return change.evidenceRequired
    ? "Publishing needs evidence: a passed run of every live golden set binding this change, for its current revision."
    : null;
}
