// Issue 23 in the console: a policy change's traffic replay as evidence, the rule that publishing needs
// evidence, and publishing over a failed evaluation with a reason (the body sent, the server's refusals).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Api, ApiError } from "../src/api.js";
import {
  evidenceOf, evidenceRequiredLine, OVERRIDE_REASON_MAX, overridable, overrideBody, overrideFieldError, overrideView,
  replayEntry, replayFacts, replaySentence,
} from "../src/evidence.js";
import { replaySummary } from "../src/policybench.js";

const replay = (over: Record<string, unknown> = {}) => ({
  type: "replay", revision: 2, trigger: "submit", status: "ok", considered: 40, changed: 3, summaryOnly: 40,
  computedAt: "2026-12-07T10:00:00Z",
  traffic: {
    considered: 40, evaluated: 38, unscanned: 2, overContent: 0, summaryOnly: 40, changed: 3,
    outcomes: { live: { pass: 38 }, draft: { pass: 35, denied_by_policy: 3 } },
    changes: [
      { requestId: "req-1", occurredAt: "2026-12-07T09:00:00Z", replayedOver: "summary", live: { status: 200 }, draft: { status: 403 } },
      { requestId: "", occurredAt: "", replayedOver: "something new", live: null, draft: null },
    ],
  },
  ...over,
});

test("a replay entry reads as the bench's report: revision, requests replayed, changed, over summaries, its rows", () => {
  const { runs, others } = evidenceOf({ revision: 2, evidence: [replay()] });
  assert.equal(runs.length, 0);
  const r = replayEntry(others[0]!)!;
  assert.equal(r.revision, 2);
  assert.equal(r.status, "ok");
  assert.equal(r.considered, 40);
  assert.equal(r.changed, 3);
  assert.equal(r.summaryOnly, 40);
  assert.equal(r.error, null);
  assert.deepEqual(r.traffic!.outcomes, { live: { pass: 38 }, draft: { pass: 35, denied_by_policy: 3 } });
  assert.equal(r.traffic!.changes.length, 2);
  // an unknown "replayed over" is not claimed to be content
  assert.equal(r.traffic!.changes[1]!.replayedOver, "summary");
  assert.equal(replaySentence(r, 2),
    "Traffic replay (revision 2): 40 requests replayed; the draft would change the outcome of 3; 40 replayed over their recorded summaries only.");
  assert.equal(replaySentence(r, 3).startsWith("Traffic replay (revision 2, not the current 3):"), true);
  assert.deepEqual(replayFacts(r, 2), [
    ["Revision", "2 (current)"], ["Trigger", "on submit"], ["Status", "computed"], ["Recent requests replayed", "40"],
    ["Outcomes the draft would change", "3"], ["Replayed over summaries only", "40"], ["Computed", "2026-12-07 10:00 UTC"],
  ]);
  // the rows are the bench's: the server keeps the first 20 changed rows, the sentence says when some are left out
  assert.match(replaySummary(r.traffic!), /changes the outcome of 3\. .* The first 2 of the 3 changed requests are listed below\./);
});

test("a replay that could not be computed says so with its error, and makes up no numbers", () => {
  const r = replayEntry({ type: "replay", revision: 1, trigger: "revise", status: "error", error: "bench unavailable", computedAt: "2026-12-07T10:00:00Z" })!;
  assert.equal(r.traffic, null);
  assert.equal(r.considered, null);
  assert.equal(replaySentence(r, 1), "Traffic replay (revision 1): could not be computed: bench unavailable");
  assert.deepEqual(replayFacts(r, 1), [
    ["Revision", "1 (current)"], ["Trigger", "on revise"], ["Status", "error"], ["Error", "bench unavailable"],
    ["Computed", "2026-12-07 10:00 UTC"],
  ]);
  assert.equal(replaySentence(replayEntry(replay({ considered: 0, changed: 0, summaryOnly: 0 }))!, 2),
    "Traffic replay (revision 2): no recorded requests of this tenant to replay yet.");
  assert.equal(replayEntry({ type: "something_else" }), null);
});

test("the override's body: the reason trimmed, 1..2000 characters, with the comment when there is one", () => {
  assert.deepEqual(overrideBody("  going live ", "  known flake  "),
    { body: { comment: "going live", evidenceOverride: { reason: "known flake" } }, error: null });
  assert.deepEqual(overrideBody("", "known flake"), { body: { evidenceOverride: { reason: "known flake" } }, error: null });
  assert.equal(overrideBody("c", "   ").body, null);
  assert.match(overrideBody("c", "").error!, /reason is required/);
  assert.equal(overrideBody("", "x".repeat(OVERRIDE_REASON_MAX)).error, null);
  assert.match(overrideBody("", "x".repeat(OVERRIDE_REASON_MAX + 1)).error!, /2001 characters long; at most 2000/);
});

const problem = (status: number, code: string | undefined, detail: string, param?: string) =>
  new ApiError({ status, title: "t", detail, ...(code ? { code } : {}), ...(param ? { param } : {}) });

test("only a failed run offers the override; the server's refusals of it are said at the reason", () => {
  assert.equal(overridable(problem(409, "evidence_failed", "failed")), true);
  assert.equal(overridable(problem(409, "evidence_missing", "no run")), false);
  assert.equal(overridable(new Error("x")), false);
  assert.equal(overrideFieldError(problem(409, "override_needs_reviewer", "An override needs 2 distinct approvals")),
    "An override needs 2 distinct approvals (409 override_needs_reviewer)");
  assert.equal(overrideFieldError(problem(400, "invalid_request", "evidenceOverride.reason: 1 to 2000 characters", "evidenceOverride.reason")),
    "evidenceOverride.reason: 1 to 2000 characters (400 invalid_request)");
  assert.equal(overrideFieldError(problem(403, "own_change", "You authored it")), "You authored it (403 own_change)");
  assert.equal(overrideFieldError(problem(500, undefined, "boom")), null);
  assert.equal(overrideFieldError(new Error("network")), null);
});

test("a recorded override: who, when, the reason, the runs, the approvals; the rule in one sentence", () => {
  const v = overrideView({
    reason: "Case refund-1 is being rewritten", by: "u-1", byName: "Admin", at: "2026-12-07T11:30:00Z", revision: 1,
    runIds: ["run-a", "run-b"], approvals: 2, requiredApprovals: 1,
  });
  assert.equal(v.heading, "Published over a failed evaluation by Admin on 2026-12-07 11:30 UTC");
  assert.deepEqual(v.facts, [
    ["Reason", "Case refund-1 is being rewritten"], ["Revision", "1"], ["Failed runs overridden", "run-a, run-b"],
    ["Approvals", "2 distinct (the rule needs 1; an override one more)"],
  ]);
  assert.equal(overrideView({ reason: "r", by: "u-1" }).heading, "Published over a failed evaluation by u-1");
  assert.match(evidenceRequiredLine({ evidenceRequired: true })!, /^Publishing needs evidence: a passed run of every live golden set/);
  assert.equal(evidenceRequiredLine({ evidenceRequired: false }), null);
  assert.equal(evidenceRequiredLine({}), null);
});

test("publishing over a failed evaluation POSTs {comment, evidenceOverride: {reason}} to publish", async () => {
  const calls: { url: string; init?: RequestInit }[] = [];
  const api = new Api(async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return new Response('{"id":"c 1","state":"published"}', { status: 200, headers: { "Content-Type": "application/json" } });
  }, () => "tok");
  const c = await api.publishOverride("c 1", overrideBody("going live", " known flake ").body!);
  assert.equal(c.state, "published");
  assert.equal(calls[0]!.url, "/api/v1/changes/c%201/publish");
  assert.equal(calls[0]!.init!.method, "POST");
  assert.equal(calls[0]!.init!.body, '{"comment":"going live","evidenceOverride":{"reason":"known flake"}}');
  const refused = new Api(async () => new Response(
    '{"status":409,"title":"Conflict","detail":"An override needs 2 distinct approvals of revision 1","code":"override_needs_reviewer"}',
    { status: 409, headers: { "Content-Type": "application/problem+json" } }), () => "tok");
  await assert.rejects(refused.publishOverride("c1", overrideBody("", "r").body!), (e: unknown) =>
    overrideFieldError(e) === "An override needs 2 distinct approvals of revision 1 (409 override_needs_reviewer)");
});
