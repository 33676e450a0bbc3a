// The policy test bench on a policy change's page: the draft (the change's content) against a sample
// request and a replay of recent recorded traffic, through POST /api/v1/policies/test (docs/policy.md).

export interface SampleOutcome {
  status: number;
  code?: string | null;
  message?: string | null;
  answer?: string | null;
  messages: string[];
  classification: number;
  providerRestrictions: string[];
  decision: unknown;
}

export interface PolicyTestResult {
  name: string;
  replaces: string;
  live: string[];
  sample?: { live: SampleOutcome; draft: SampleOutcome; changed: boolean } | null;
  traffic: {
    considered: number;
    evaluated: number;
    unscanned: number;
    /** replayed over their retained content (an audited read) */
    overContent: number;
    /** without retained content: replayed over the recorded summaries, or unscanned */
    summaryOnly: number;
    changed: number;
    outcomes: { live: Record<string, number>; draft: Record<string, number> };
    changes: { requestId?: string | null; occurredAt?: string | null; replayedOver: ReplayedOver; live: unknown; draft: unknown }[];
  };
}

export const MAX_REPLAY = 1000;

/** What a replayed row was evaluated over: the retained content (full or redacted form) or the summary. */
export type ReplayedOver = "full" | "redacted" | "summary";

/** How a changed row says what it was replayed over. */
export function replayedOverLabel(over: ReplayedOver | undefined | null): string {
  switch (over) {
    case "full":
      return "replayed over its retained content";
    case "redacted":
      return "replayed over its retained content (redacted form: what the tenant keeps)";
    default:
      return "replayed over its recorded summary (no content retained)";
  }
}

/** The bench's request for a change's draft: the sample only when a message was written. */
export function benchRequest(target: string, policy: unknown, sample: string, answer: string, limit: number): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: target,
    policy,
    traffic: { limit: Math.max(1, Math.min(MAX_REPLAY, Math.floor(limit) || 1)) },
  };
  if (sample.trim() !== "") body["request"] = { messages: [{ role: "user", content: sample }] };
  if (answer.trim() !== "") body["answer"] = answer;
  return body;
}

/** "200", or "403 denied_by_policy: ...". */
export function outcomeLine(o: SampleOutcome): string {
  if (o.status === 200) return "200: passes";
  return `${o.status}${o.code ? ` ${o.code}` : ""}${o.message ? `: ${o.message}` : ""}`;
}

/** The replay in one sentence, saying what it could and could not look at. */
export function replaySummary(t: PolicyTestResult["traffic"]): string {
  if (t.considered === 0) return "No recorded requests of this tenant to replay yet.";
  const base = `Of the last ${t.considered} recorded requests, ${t.evaluated} were evaluated: the draft changes the outcome of ${t.changed}.`;
  const over = ` ${t.overContent ?? 0} were replayed over their retained content, ${t.summaryOnly ?? t.considered} over recorded summaries only.`;
  const unscanned = t.unscanned > 0 ? ` ${t.unscanned} were recorded without the policy stage's summaries and could not be evaluated.` : "";
  // the server lists at most MAX_CHANGES_SHOWN (50) of the changed requests
  const shown = t.changed > t.changes.length ? ` The first ${t.changes.length} of the ${t.changed} changed requests are listed below.` : "";
  return base + over + unscanned + shown;
}

/** A changed request's name and time as shown: the server sends "" when it has none. */
export function changedRequestLabel(c: PolicyTestResult["traffic"]["changes"][number]): { requestId: string; occurredAt: string | null } {
  return { requestId: c.requestId ? c.requestId : "request", occurredAt: c.occurredAt ? c.occurredAt : null };
}

/** Outcome counts side by side: [outcome, live, draft], every outcome either side has, sorted. */
export function outcomeRows(o: { live: Record<string, number>; draft: Record<string, number> }): [string, number, number][] {
  const keys = [...new Set([...Object.keys(o.live ?? {}), ...Object.keys(o.draft ?? {})])].sort();
  return keys.map((k) => [k, o.live?.[k] ?? 0, o.draft?.[k] ?? 0]);
}
