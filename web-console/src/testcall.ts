// The test call through a draft (issue 21): who may make one on which change, the request the page
// sends to POST /api/v1/changes/{id}/test-call, and how its answer reads. Pure, unit-tested.
import { hasRole } from "./permissions.js";
import { formatMicros } from "./stats.js";
import type { ChangeDetail, Me, TestCallAnswer } from "./types.js";

/** Kinds whose drafts a test call goes through. */
export const TEST_CALL_KINDS = ["prompt", "policy"];

/** States before publishing: what a test call may go through (the server decides the same). */
export const TESTABLE_STATES = ["draft", "in_review", "changes_requested", "approved"];

/** Why this person may not make a test call through this change; empty when they may. */
export function testCallBlockers(change: ChangeDetail, me: Me | null): string[] {
  const out: string[] = [];
  if (!TEST_CALL_KINDS.includes(change.kind)) {
    out.push(`A test call goes through a prompt or policy draft; a ${change.kind} change offers none.`);
    return out;
  }
  if (!TESTABLE_STATES.includes(change.state)) {
    out.push(`The change is ${String(change.state).replace(/_/g, " ")}: a test call goes through a change not yet published.`);
  }
  if (!hasRole(me, "author", "reviewer", "admin")) {
    out.push("A test call needs the author, reviewer or admin role.");
  }
  return out;
}

/**
 * Why the server refused the test call when the reason is the tenant's setting, said as the console says
 * reasons (null for any other refusal, shown as the problem's own text).
 */
export function testCallRefusal(problem: { status: number; code?: string }): string | null {
  if (problem.status === 403 && problem.code === "test_calls_disabled") {
    return "Test calls are turned off for this tenant: its admins can turn them on under Administration, Limits and budgets.";
  }
  return null;
}

export interface TestCallForm {
  /** The user message (required). */
  message: string;
  /** An optional system message sent before it. */
  system: string;
  /** Prompt variables by name (prompt drafts; empty values are left out). */
  variables: Record<string, string>;
  /** The route alias (policy drafts). */
  model: string;
}

/**
 * The body: messages (system first when written, then the user message), variables only when any is
 * filled in, and a model only for a policy draft (a prompt draft names its own route).
 */
export function testCallBody(kind: string, form: TestCallForm, types: Record<string, string | null> = {}): Record<string, unknown> {
  const messages: { role: string; content: string }[] = [];
  if (form.system.trim() !== "") messages.push({ role: "system", content: form.system });
  if (form.message.trim() !== "") messages.push({ role: "user", content: form.message });
  const body: Record<string, unknown> = { messages };
  const vars = Object.fromEntries(
    Object.entries(form.variables).filter(([, v]) => v !== "").map(([k, v]) => [k, typed(v, types[k] ?? null)]),
  );
  if (Object.keys(vars).length > 0) body.variables = vars;
  if (kind === "policy") body.model = form.model.trim();
  return body;
}

/**
 * A typed field's value as its schema type wants it (a number, a boolean); anything that does not
 * read as that type stays text, for the server to refuse naming the variable.
 */
export function typed(value: string, type: string | null): unknown {
  if ((type === "integer" || type === "number") && value.trim() !== "" && Number.isFinite(Number(value))) {
    return Number(value);
  }
  if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

/** What the page says about a finished call: its outcome first, then where it ran and what it used. */
export function testCallSummary(a: TestCallAnswer): { outcome: string; where: string; usage: string } {
  const outcome =
    a.outcome === "answered"
      ? "Answered (200)."
      : `${a.outcome === "denied" ? "Denied" : "Failed"} (${a.status}${a.error ? ` ${a.error.code}` : ""})${a.error?.message ? `: ${a.error.message}` : "."}`;
  const where = a.route
    ? `Route ${a.route}${a.provider ? ` · provider ${a.provider}${a.model ? ` (${a.model})` : ""}` : " · no provider answered"}`
    : "No route was reached.";
  const usage = `${a.inputTokens} input + ${a.outputTokens} output tokens · cost ${formatMicros(a.costMicros)} (counted against the tenant's budget) · request ${a.requestId}`;
  return { outcome, where, usage };
}
