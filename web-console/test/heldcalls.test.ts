import { test } from "node:test";
import assert from "node:assert/strict";
import { Api, ApiError } from "../src/api.js";
import {
  deadlineText, decisionBody, decisionsFor, formatSpan, heldCallItems, heldFor, heldStatusLabel, mergeRefresh,
  personText, prettyArguments, queueOrder, scopeText, type HeldCall,
} from "../src/heldcalls.js";
import { describeProblem } from "../src/problem.js";
import { hrefFor, parseRoute } from "../src/routes.js";
import type { Me } from "../src/types.js";

const alice: Me = { userId: "u-alice", username: "alice", tenant: "demo", roles: ["author"] };
const bob: Me = { userId: "u-bob", username: "bob", tenant: "demo", roles: ["reviewer"] };
const admin: Me = { userId: "u-admin", username: "admin", tenant: "demo", roles: ["admin"] };
const dave: Me = { userId: "u-dave", username: "dave", tenant: "demo", roles: ["auditor"] };

const T0 = Date.parse("2026-12-07T08:00:00Z");

function call(over: Partial<HeldCall> = {}): HeldCall {
  return {
    id: "h1", server: "sandbox", tool: "approve_payment", name: "sandbox__approve_payment", serverVersion: "v-123456789",
    arguments: { payee: "Acme <[EMAIL]>", amount: "120.00" }, keyId: "k-1234567890", keyName: "agent key",
    keyOwner: "u-admin", keyScope: ["mcp:sandbox"], requestId: "req_1", status: "held",
    createdAt: "2026-12-07T08:00:00Z", deadline: "2026-12-07T08:05:00Z", decidedBy: null, decidedAt: null, comment: null,
    ...over,
  };
}

const shown = (me: Me | null, c: HeldCall) =>
  decisionsFor(me, c).map((o) => `${o.decision}:${o.enabled ? "on" : "off"}`);

// Table: who, which call, the decisions shown with whether they are enabled.
const cases: [string, Me | null, HeldCall, string[]][] = [
  ["a reviewer on someone else's key's call", bob, call(), ["approve:on", "refuse:on"]],
  ["an admin on someone else's key's call", admin, call({ keyOwner: "u-other" }), ["approve:on", "refuse:on"]],
  ["the key's owner: shown, but off (four eyes)", admin, call(), ["approve:off", "refuse:off"]],
  ["the key's owner matched by name when the owner is a name", admin, call({ keyOwner: "admin" }), ["approve:off", "refuse:off"]],
  ["an author decides nothing", alice, call(), []],
  ["an auditor reads the queue but decides nothing", dave, call(), []],
  ["nobody signed in", null, call(), []],
  ["a call already approved", bob, call({ status: "approved" }), []],
  ["a call that expired", bob, call({ status: "expired" }), []],
  ["a call that ran", bob, call({ status: "completed" }), []],
];

for (const [name, me, c, expected] of cases) {
  test(`held-call decisions: ${name}`, () => {
    assert.deepEqual(shown(me, c), expected);
  });
}

test("the key's owner is told why, and refusing needs a comment", () => {
  const [approve, refuse] = decisionsFor(admin, call());
  assert.match(approve!.reason!, /four-eyes/);
  assert.equal(approve!.commentRequired, false);
  assert.equal(refuse!.commentRequired, true);
  assert.equal(decisionsFor(bob, call())[0]!.reason, undefined);
});

test("decision bodies: a refusal says why, an approval may", () => {
  assert.deepEqual(decisionBody("approve", "   "), { body: {} });
  assert.deepEqual(decisionBody("approve", "  payee checked "), { body: { comment: "payee checked" } });
  assert.deepEqual(decisionBody("refuse", " not this payee "), { body: { comment: "not this payee" } });
  const empty = decisionBody("refuse", " \n ");
  assert.ok("error" in empty && /say why/.test(empty.error));
  const long = decisionBody("approve", "x".repeat(2001));
  assert.ok("error" in long && /too long/.test(long.error));
});

test("spans read as people say them", () => {
  assert.equal(formatSpan(-5), "0 s");
  assert.equal(formatSpan(12_400), "12 s");
  assert.equal(formatSpan(60_000), "1 min");
  assert.equal(formatSpan(200_000), "3 min 20 s");
  assert.equal(formatSpan(25 * 60_000 + 5000), "25 min");
  assert.equal(formatSpan(65 * 60_000), "1 h 5 min");
  assert.equal(formatSpan(2 * 3600_000), "2 h");
});

test("time held and the deadline", () => {
  assert.equal(heldFor(call(), T0 + 125_000), "held for 2 min 5 s");
  // a decided call was held until its decision, however late the page looks
  assert.equal(heldFor(call({ status: "approved", decidedAt: "2026-12-07T08:00:40Z" }), T0 + 3600_000), "held for 40 s");
  assert.equal(heldFor(call({ createdAt: null }), T0), "");
  assert.equal(deadlineText(call(), T0 + 50_000), "refused in 4 min 10 s if nobody decides");
  assert.equal(deadlineText(call(), T0 + 300_001), "past the deadline: it is being refused");
  assert.equal(deadlineText(call({ status: "refused" }), T0), "");
  assert.equal(deadlineText(call({ deadline: "soon" }), T0), "");
});

test("arguments are indented JSON text, markup stays text", () => {
  assert.equal(prettyArguments({ a: 1, b: ["<b>x</b>"] }), '{\n  "a": 1,\n  "b": [\n    "<b>x</b>"\n  ]\n}');
  assert.equal(prettyArguments(undefined), "(no arguments)");
  // an ended call's arguments are null in the API (kept in its audit event only)
  assert.match(prettyArguments(null), /audit event keeps them under the tenant's retention/);
});

test("people: you, a name when the server gives one, else the subject", () => {
  assert.equal(personText(bob, "u-bob"), "you (bob)");
  assert.equal(personText(bob, "u-admin", "admin"), "admin");
  assert.equal(personText(bob, "u-admin"), "u-admin");
  assert.equal(personText(bob, null), "—");
});

test("scope, status labels", () => {
  assert.equal(scopeText(["mcp:sandbox", "chat"]), "mcp:sandbox, chat");
  assert.equal(scopeText([]), "(every route, no tool)");
  assert.equal(scopeText(null), "(every route, no tool)");
  assert.equal(heldStatusLabel("held"), "Waiting for a decision");
  assert.equal(heldStatusLabel("completed"), "Ended after approval");
  assert.equal(heldStatusLabel("some_new"), "some new");
});

test("the queue is oldest first; a refresh keeps what was decided here", () => {
  const older = call({ id: "a", createdAt: "2026-12-07T07:59:00Z" });
  const newer = call({ id: "b", createdAt: "2026-12-07T08:01:00Z" });
  assert.deepEqual(queueOrder([newer, older]).map((c) => c.id), ["a", "b"]);
  const decided = new Map([["c", call({ id: "c", status: "approved", createdAt: "2026-12-07T08:00:30Z" })]]);
  assert.deepEqual(mergeRefresh([newer, older], decided).map((c) => c.id), ["a", "c", "b"]);
  // the server's newer word wins over what the page remembers
  const ran = call({ id: "c", status: "completed", createdAt: "2026-12-07T08:00:30Z" });
  assert.equal(mergeRefresh([ran], decided).find((c) => c.id === "c")!.status, "completed");
});

test("the list answer is read defensively", () => {
  assert.deepEqual(heldCallItems({ items: [call()] }).map((c) => c.id), ["h1"]);
  assert.deepEqual(heldCallItems({ items: [null, { no: "id" }, call({ id: "x" })] }).map((c) => c.id), ["x"]);
  assert.deepEqual(heldCallItems({ data: [] }), []);
  assert.deepEqual(heldCallItems(null), []);
});

test("routes: the queue and its filter", () => {
  assert.deepEqual(parseRoute("/console/held-calls", ""), { name: "held-calls", filter: "held" });
  assert.deepEqual(parseRoute("/console/held-calls", "?status=all"), { name: "held-calls", filter: "all" });
  assert.deepEqual(parseRoute("/console/held-calls/", "?status=bogus"), { name: "held-calls", filter: "held" });
  assert.equal(hrefFor({ name: "held-calls", filter: "held" }), "/console/held-calls");
  assert.equal(hrefFor({ name: "held-calls", filter: "all" }), "/console/held-calls?status=all");
});

type Call = { url: string; init: RequestInit | undefined };

function fake(status: number, body: string, contentType = "application/json") {
  const calls: Call[] = [];
  const fn = async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return new Response(body, { status, headers: { "Content-Type": contentType } });
  };
  return { calls, fn };
}

test("api: the list by filter, a decision POSTs its body", async () => {
  const list = fake(200, JSON.stringify({ items: [call()] }));
  const api = new Api(list.fn, () => "tok");
  assert.equal((await api.heldCalls("all"))[0]!.name, "sandbox__approve_payment");
  assert.equal(list.calls[0]!.url, "/api/v1/mcp/held-calls?status=all");
  assert.equal((list.calls[0]!.init!.headers as Record<string, string>)["Authorization"], "Bearer tok");

  const decide = fake(200, JSON.stringify(call({ status: "approved", decidedBy: "u-bob" })));
  const api2 = new Api(decide.fn, () => "tok");
  const decided = await api2.decideHeldCall("h/1", "refuse", { comment: "no" });
  assert.equal(decided.status, "approved");
  assert.equal(decide.calls[0]!.url, "/api/v1/mcp/held-calls/h%2F1/refuse");
  assert.equal(decide.calls[0]!.init!.method, "POST");
  assert.equal(decide.calls[0]!.init!.body, '{"comment":"no"}');
});

test("api: the server's four-eyes 403 reaches the person with its detail", async () => {
  const problem = { type: "about:blank", title: "Forbidden", status: 403, detail: "The key's owner cannot decide its calls", requestId: "req_9" };
  const f = fake(403, JSON.stringify(problem), "application/problem+json");
  const api = new Api(f.fn, () => "tok");
  await assert.rejects(api.decideHeldCall("h1", "approve", {}), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.problem.status, 403);
    assert.equal(e.problem.requestId, "req_9");
    assert.equal(describeProblem(e.problem), "403 Forbidden: The key's owner cannot decide its calls");
    return true;
  });
});
