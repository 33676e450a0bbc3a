import { test } from "node:test";
import assert from "node:assert/strict";
import { testCallBlockers, testCallBody, testCallRefusal, testCallSummary, typed } from "../src/testcall.js";
import type { ChangeDetail, Me } from "../src/types.js";

const person = (roles: string[]): Me => ({ userId: "u1", username: "alice", tenant: "demo", roles });
const change = (kind: string, state: string): ChangeDetail => ({
  id: "c1", kind, target: "t", state, revision: 1, risk: "LOW", requiredApprovals: 1, approvals: 0, approvedBy: [],
  author: { id: "u1", name: "alice" },
});

test("a test call goes through prompt and policy changes not yet published, for author, reviewer and admin", () => {
  for (const kind of ["prompt", "policy"]) {
    for (const state of ["draft", "in_review", "changes_requested", "approved"]) {
      for (const role of ["author", "reviewer", "admin"]) {
        assert.deepEqual(testCallBlockers(change(kind, state), person([role])), [], `${kind} ${state} ${role}`);
      }
    }
  }
});

test("each refusal has its reason", () => {
  assert.deepEqual(testCallBlockers(change("route", "draft"), person(["admin"])),
    ["A test call goes through a prompt or policy draft; a route change offers none."]);
  assert.deepEqual(testCallBlockers(change("prompt", "published"), person(["author"])),
    ["The change is published: a test call goes through a change not yet published."]);
  assert.deepEqual(testCallBlockers(change("policy", "draft"), person(["auditor"])),
    ["A test call needs the author, reviewer or admin role."]);
  assert.deepEqual(testCallBlockers(change("prompt", "changes_requested"), null),
    ["A test call needs the author, reviewer or admin role."]);
  assert.equal(testCallBlockers(change("policy", "withdrawn"), person(["auditor"])).length, 2);
});

test("the body: system before user, filled variables typed by their schema, a model only for policies", () => {
  assert.deepEqual(
    testCallBody("prompt", { message: "Hi", system: "", variables: { product: "Acme", note: "", n: "3" }, model: "sandbox" }, { n: "integer" }),
    { messages: [{ role: "user", content: "Hi" }], variables: { product: "Acme", n: 3 } },
  );
  assert.deepEqual(
    testCallBody("policy", { message: "ping 10.0.0.1", system: "Be brief", variables: {}, model: " sandbox " }),
    { messages: [{ role: "system", content: "Be brief" }, { role: "user", content: "ping 10.0.0.1" }], model: "sandbox" },
  );
  // nothing written: an empty list, for the server to refuse naming messages
  assert.deepEqual(testCallBody("prompt", { message: " ", system: "", variables: {}, model: "" }), { messages: [] });
  assert.equal(typed("2.5", "number"), 2.5);
  assert.equal(typed("true", "boolean"), true);
  assert.equal(typed("many", "integer"), "many");
  assert.equal(typed("7", "string"), "7");
});

test("the answer reads outcome, where it ran and what it used", () => {
  const base = { changeId: "c1", inputTokens: 12, outputTokens: 5, costMicros: 840, requestId: "req-1" };
  assert.deepEqual(
    testCallSummary({ ...base, status: 200, outcome: "answered", text: "Hello", route: "sandbox", provider: "sb", model: "sb-chat" }),
    {
      outcome: "Answered (200).",
      where: "Route sandbox · provider sb (sb-chat)",
      usage: "12 input + 5 output tokens · cost 0.00084 (counted against the tenant's budget) · request req-1",
    },
  );
  const denied = testCallSummary({
    ...base, status: 403, outcome: "denied", route: null, provider: null, error: { code: "ip_not_allowed", message: "No IP addresses" },
  });
  assert.equal(denied.outcome, "Denied (403 ip_not_allowed): No IP addresses");
  assert.equal(denied.where, "No route was reached.");
  assert.equal(
    testCallSummary({ ...base, status: 502, outcome: "failed", route: "sandbox", provider: null, error: { code: "upstream_error", message: "" } }).where,
    "Route sandbox · no provider answered",
  );
});

test("the tenant's switch is said as a reason; other refusals keep the problem's own text", () => {
  assert.match(testCallRefusal({ status: 403, code: "test_calls_disabled" }) ?? "", /turned off for this tenant.*Limits and budgets/);
  assert.equal(testCallRefusal({ status: 403, code: "forbidden" }), null);
  assert.equal(testCallRefusal({ status: 429, code: "rate_limit_exceeded" }), null);
});
