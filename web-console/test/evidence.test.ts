import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../src/api.js";
import {
  anyRunning, blockingFailures, blockingLabel, caseRows, caseSides, checkLabel, currentRuns, evidenceOf, passRateLabel, pollDelayMs, publishRefusal,
  resultFacts, runBlocker, runSummary, type RunDetail,
} from "../src/evidence.js";
import type { Me } from "../src/types.js";

const side = (passed: number, failed: number, errors = 0) => ({ passRate: passed / (passed + failed + errors), passed, failed, errors });
const run = (over: Record<string, unknown>) => ({
  runId: "r1", goldenSet: "support", goldenSetVersion: 1, revision: 2, trigger: "submit", status: "passed",
  candidate: side(2, 0), live: side(2, 0), differing: [], startedAt: "2026-12-07T10:00:00Z", finishedAt: "2026-12-07T10:00:05Z",
  ...over,
});
const me = (roles: string[]): Me => ({ userId: "u", username: "bob", tenant: "demo", roles });

test("the evidence's runs: newest revision first, then by set, a set's newest run first; other entries apart", () => {
  const { runs, others } = evidenceOf({
    revision: 2,
    evidence: [
      run({ runId: "old", revision: 1, status: "failed" }),
      run({ runId: "b1", goldenSet: "b" }),
      run({ runId: "a1", goldenSet: "a", status: "failed" }),
      run({ runId: "a2", goldenSet: "a", status: "running", startedAt: null, finishedAt: null, live: null }),
      { type: "replay", changed: 3, summaryOnly: 1 },
      "nonsense",
      null,
    ],
  });
  assert.deepEqual(runs.map((r) => r.runId), ["a2", "a1", "b1", "old"]);
  assert.equal(runs[0]!.live, null);
  assert.deepEqual(others, [{ type: "replay", changed: 3, summaryOnly: 1 }]);
  assert.deepEqual(currentRuns(runs, 2).map((r) => r.runId), ["a2", "b1"]);
  assert.equal(anyRunning(runs), true);
  assert.equal(anyRunning(runs.filter((r) => r.status !== "running")), false);
  assert.deepEqual(evidenceOf({ revision: 1 }), { runs: [], others: [] });
});

test("a run in one sentence per status, the revision it tested said when it is not the current one", () => {
  const failed = evidenceOf({ revision: 2, evidence: [run({ status: "failed", candidate: side(1, 1), differing: [{ caseId: "c2", candidate: "fail", live: "pass" }] })] }).runs[0]!;
  assert.equal(runSummary(failed, 2), "Golden set support: failed, candidate 50% (1 of 2); live 100% (2 of 2); 1 case differs from live.");
  assert.equal(runSummary(failed, 3), "Golden set support: failed (revision 2, not the current 3), candidate 50% (1 of 2); live 100% (2 of 2); 1 case differs from live.");
  const passedNew = evidenceOf({ revision: 2, evidence: [run({ live: null })] }).runs[0]!;
  assert.equal(runSummary(passedNew, 2), "Golden set support: passed, candidate 100% (2 of 2); nothing live to compare; no case differs from live.");
  const running = evidenceOf({ revision: 2, evidence: [run({ status: "running", candidate: side(1, 0) })] }).runs[0]!;
  assert.equal(runSummary(running, 2), "Golden set support: running, candidate so far 100% (1 of 1).");
  assert.equal(runSummary(evidenceOf({ revision: 2, evidence: [run({ status: "error" })] }).runs[0]!, 2), "Golden set support: error, the run could not complete.");
  assert.equal(passRateLabel({ passRate: 2 / 3, passed: 2, failed: 0, errors: 1 }), "66.7% (2 of 3, 1 error)");
  assert.equal(passRateLabel(null), "—");
});

const detail: RunDetail = {
  ...run({ status: "failed", differing: [{ caseId: "b", candidate: "fail", live: "pass" }] }),
  changeId: "c", candidate: side(1, 1), live: side(2, 0),
  differing: [{ caseId: "b", candidate: "fail", live: "pass" }],
  results: [
    { caseId: "a", side: "candidate", outcome: "pass", status: 200, checks: [{ type: "contains", verdict: "pass" }], outputSha256: "aa", latencyMs: 12, inputTokens: 10, outputTokens: 5, costMicros: 150, requestId: "q1" },
    { caseId: "a", side: "live", outcome: "pass", status: 200, checks: [{ type: "contains", verdict: "pass" }], outputSha256: "aa", latencyMs: 11, inputTokens: 10, outputTokens: 5, costMicros: 150 },
    { caseId: "b", side: "candidate", outcome: "fail", status: 200, checks: [{ type: "similarity", verdict: "fail", score: 0.41234, detail: "below 0.8" }], outputSha256: "bb", latencyMs: 30, inputTokens: 11, outputTokens: 7, costMicros: 2500000, policy: "redacted" },
    { caseId: "b", side: "live", outcome: "pass", status: 200, checks: [], outputSha256: "cc", latencyMs: 25, inputTokens: 11, outputTokens: 6, costMicros: 0 },
    { caseId: "c", side: "candidate", outcome: "error", status: 429, checks: [], outputSha256: null, error: "evaluation_rate_limited", latencyMs: 1, inputTokens: 0, outputTokens: 0, costMicros: 0 },
  ],
};

test("a run's cases with both sides, and one case's detail: checks with scores, hash, latency, tokens, cost", () => {
  assert.deepEqual(caseRows(detail), [
    { caseId: "a", candidate: "pass", live: "pass", differs: false },
    { caseId: "b", candidate: "fail", live: "pass", differs: true },
    { caseId: "c", candidate: "error", live: "", differs: false },
  ]);
  const b = caseSides(detail, "b");
  assert.equal(b.candidate!.outputSha256, "bb");
  assert.equal(b.live!.outputSha256, "cc");
  assert.equal(caseSides(detail, "c").live, null);
  assert.equal(checkLabel(b.candidate!.checks[0]!), "similarity: fail (score 0.412)");
  assert.deepEqual(resultFacts(b.candidate!), [
    ["Outcome", "fail"], ["Gateway status", "200"], ["Output SHA-256", "bb"], ["Latency", "30 ms"],
    ["Tokens", "11 in, 7 out"], ["Cost", "2.500000"], ["Policy", "redacted"],
  ]);
  assert.deepEqual(resultFacts(caseSides(detail, "c").candidate!).slice(2, 3), [["Output SHA-256", "— (no answer)"]]);
  assert.deepEqual(resultFacts(caseSides(detail, "c").candidate!).at(-1), ["Error", "evaluation_rate_limited"]);
});

test("who may run an evaluation, and on which changes", () => {
  for (const role of ["author", "reviewer", "admin"]) assert.equal(runBlocker(me([role]), { state: "in_review" }), null);
  assert.match(runBlocker(me(["auditor"]), { state: "in_review" })!, /author, reviewer or admin/);
  assert.match(runBlocker(null, { state: "draft" })!, /author, reviewer or admin/);
  for (const state of ["published", "rejected", "withdrawn", "superseded"]) assert.match(runBlocker(me(["reviewer"]), { state })!, new RegExp(state));
});

test("a refused publish shows the server's message whatever its code", () => {
  const err = (code: string | undefined, detail: string) => new ApiError({ status: 409, title: "Conflict", detail, ...(code ? { code } : {}) });
  assert.deepEqual(publishRefusal(err("evidence_failed", "Golden set support failed for revision 2")),
    { heading: "Not published: the evidence failed.", detail: "Golden set support failed for revision 2", evidence: true });
  assert.deepEqual(publishRefusal(err("evidence_missing", "No finished run of support")),
    { heading: "Not published: the evidence is missing.", detail: "No finished run of support", evidence: true });
  assert.deepEqual(publishRefusal(err("stale_base", "Rebase first")), { heading: "Not published (409 stale_base).", detail: "Rebase first", evidence: false });
  assert.deepEqual(publishRefusal(err(undefined, "No")), { heading: "Not published (409).", detail: "No", evidence: false });
  assert.equal(publishRefusal(new Error("network")), null);
});

test("a running run is read again quickly at first, then more slowly, never slower than every 10 s", () => {
  assert.equal(pollDelayMs(0), 1500);
  assert.ok(pollDelayMs(5) > pollDelayMs(1));
  assert.equal(pollDelayMs(100), 10_000);
});

test("a failed run only the change's authors re-ran still blocks publishing; one lifted by another's re-run does not", () => {
  const { runs } = evidenceOf({
    revision: 2,
    evidence: [
      run({ runId: "f1", status: "failed", requestedBy: "system:submit", blocking: true, supersededBy: null }),
      run({ runId: "p1", status: "passed", requestedBy: "alice" }),
      run({ runId: "g1", goldenSet: "other", status: "failed", blocking: false, supersededBy: "g2" }),
      run({ runId: "g2", goldenSet: "other", status: "passed", requestedBy: "bob" }),
      run({ runId: "old", revision: 1, status: "failed", blocking: true }),
    ],
  });
  assert.deepEqual(blockingFailures(runs, 2).map((r) => r.runId), ["f1"]);
  const byId = (id: string) => runs.find((r) => r.runId === id)!;
  assert.equal(byId("p1").requestedBy, "alice");
  assert.match(blockingLabel(byId("f1"))!, /^Yes: it blocks publishing/);
  assert.equal(blockingLabel(byId("g1")), "No: run g2, asked for by someone outside the change's authors, lifts it.");
  assert.equal(blockingLabel(byId("p1")), null);
  // an older server that sends no blocking field: nothing is claimed
  assert.equal(blockingLabel(evidenceOf({ revision: 2, evidence: [run({ status: "failed" })] }).runs[0]!), null);
});
