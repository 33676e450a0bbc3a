import { test } from "node:test";
import assert from "node:assert/strict";
import { benchRequest, changedRequestLabel, outcomeLine, outcomeRows, replayedOverLabel, replaySummary } from "../src/policybench.js";

const policy = { rules: [{ id: "deny-x", condition: "true", action: "deny" }] };

test("the bench request: the change's target and content, the sample only when written, the replay bounded", () => {
  assert.deepEqual(benchRequest("pii", policy, "", "", 50), { name: "pii", policy, traffic: { limit: 50 } });
  assert.deepEqual(benchRequest("pii", policy, "my mail is a@b.c", "ok", 5000), {
    name: "pii", policy, traffic: { limit: 1000 }, request: { messages: [{ role: "user", content: "my mail is a@b.c" }] }, answer: "ok",
  });
  assert.deepEqual(benchRequest("pii", policy, " ", "", 0), { name: "pii", policy, traffic: { limit: 1 } });
});

test("outcomes read as a person reads them", () => {
  assert.equal(outcomeLine({ status: 200, messages: [], classification: 0, providerRestrictions: [], decision: {} }), "200: passes");
  assert.equal(outcomeLine({ status: 403, code: "policy_denied", message: "Denied by deny-x", messages: [], classification: 0, providerRestrictions: [], decision: {} }),
    "403 policy_denied: Denied by deny-x");
});

test("the replay says what it could not evaluate (no content retained, only summaries)", () => {
  const changed = [1, 2, 3].map((i) => ({ requestId: `r${i}`, occurredAt: null, replayedOver: "summary" as const, live: {}, draft: {} }));
  const t = { considered: 10, evaluated: 8, unscanned: 2, overContent: 0, summaryOnly: 10, changed: 3, outcomes: { live: {}, draft: {} }, changes: changed };
  assert.equal(replaySummary(t),
    "Of the last 10 recorded requests, 8 were evaluated: the draft changes the outcome of 3. 0 were replayed over their retained content, 10 over recorded summaries only. 2 were recorded without the policy stage's summaries and could not be evaluated.");
  assert.equal(replaySummary({ ...t, considered: 0 }), "No recorded requests of this tenant to replay yet.");
  assert.deepEqual(outcomeRows({ live: { allow: 9, deny: 1 }, draft: { allow: 7, redact: 3 } }), [["allow", 9, 7], ["deny", 1, 0], ["redact", 0, 3]]);
});

test("the replay says when the server listed only the first of the changed requests, and names a request without id", () => {
  const change = (i: number) => ({ requestId: `r${i}`, occurredAt: "2026-12-07T10:00:00Z", replayedOver: "full" as const, live: {}, draft: {} });
  const t = { considered: 200, evaluated: 200, unscanned: 0, overContent: 150, summaryOnly: 50, changed: 60, outcomes: { live: {}, draft: {} }, changes: Array.from({ length: 50 }, (_, i) => change(i)) };
  assert.equal(replaySummary(t),
    "Of the last 200 recorded requests, 200 were evaluated: the draft changes the outcome of 60. 150 were replayed over their retained content, 50 over recorded summaries only. The first 50 of the 60 changed requests are listed below.");
  assert.equal(replaySummary({ ...t, changed: 50 }), "Of the last 200 recorded requests, 200 were evaluated: the draft changes the outcome of 50. 150 were replayed over their retained content, 50 over recorded summaries only.");
  assert.deepEqual(changedRequestLabel({ requestId: "", occurredAt: "", replayedOver: "summary", live: {}, draft: {} }), { requestId: "request", occurredAt: null });
  assert.deepEqual(changedRequestLabel({ requestId: null, replayedOver: "summary", live: {}, draft: {} }), { requestId: "request", occurredAt: null });
  assert.deepEqual(changedRequestLabel(change(1)), { requestId: "r1", occurredAt: "2026-12-07T10:00:00Z" });
});

test("each changed row says what it was replayed over: retained content (full or redacted) or the summary", () => {
  assert.equal(replayedOverLabel("full"), "replayed over its retained content");
  assert.equal(replayedOverLabel("redacted"), "replayed over its retained content (redacted form: what the tenant keeps)");
  assert.equal(replayedOverLabel("summary"), "replayed over its recorded summary (no content retained)");
  assert.equal(replayedOverLabel(undefined), "replayed over its recorded summary (no content retained)");
});
