import { test } from "node:test";
import assert from "node:assert/strict";
import {
  changeGraph, layout, matchedRules, move, namesFrom, neighbours, policyVersionGraph, promptVersionGraph, requestGraph, reviewerGraph,
} from "../src/lineage.js";
import type { AuditEventFull, RequestLineage } from "../src/types.js";

function ev(p: Partial<AuditEventFull> & { action: string }): AuditEventFull {
  return { seq: 1, id: `e-${p.action}-${p.actor ?? ""}`, time: "2026-12-06T10:00:00Z", ...p };
}

const alice = "u-alice-0000";
const bob = "u-bob-00000";
const carol = "u-carol-000";
const promptChange = "c-prompt-1111";
const policyChange = "c-policy-2222";

function changeEvents(id: string, author: string, approver: string): AuditEventFull[] {
  return [
    ev({ action: "change.create", actor: author, targetType: "change", targetId: id, display: { "actor.name": author === alice ? "alice" : "carol" } }),
    ev({ action: "change.approve", actor: approver, targetType: "change", targetId: id, outcome: "success", display: { "actor.name": "bob" } }),
  ];
}

const lineage: RequestLineage = {
  requestId: "req-123456789",
  events: [ev({
    action: "gateway.request", requestId: "req-123456789",
    details: { policy: { input: { matched: ["demo@v1/redact-email"] }, output: { matched: [] } } },
  })],
  servedBy: [{ provider: "sandbox", model: "sandbox-chat", route: "sandbox", statusCode: 200 }],
  promptVersions: [{ version: "triage/v1", changes: [{ changeId: promptChange, author: alice, approvers: [bob], events: changeEvents(promptChange, alice, bob) }] }],
  policyVersions: [{ version: "demo@v1", changes: [{ changeId: policyChange, author: carol, approvers: [bob], events: changeEvents(policyChange, carol, bob) }] }],
};

test("a request leads to provider, model, route, prompt and policy versions, their changes and people by name", () => {
  const g = requestGraph(lineage);
  assert.equal(g.root, "request:req-123456789");
  const label = (id: string) => g.nodes.find((n) => n.id === id)?.label;
  const out = (id: string) => neighbours(g, id, "out").map(label);
  assert.deepEqual(out(g.root), ["sandbox", "sandbox-chat", "sandbox", "triage/v1", "demo@v1"]);
  assert.deepEqual(out("prompt-version:triage/v1"), ["change c-prompt"]);
  assert.deepEqual(out(`change:${promptChange}`), ["alice", "bob"]);
  assert.deepEqual(g.edges.filter((e) => e.from === `change:${promptChange}`).map((e) => e.label), ["authored by", "approved by"]);
  // the rule hangs below the policy version it belongs to
  assert.deepEqual(out("policy-version:demo@v1"), ["change c-policy", "demo@v1/redact-email (input)"]);
  // bob approved both changes: one node, reached from both, leading to his own lineage
  assert.deepEqual(neighbours(g, `person:${bob}`, "in"), [`change:${promptChange}`, `change:${policyChange}`]);
  assert.deepEqual(g.nodes.find((n) => n.id === `person:${bob}`)?.start, { kind: "reviewer", id: bob });
  assert.deepEqual(g.nodes.find((n) => n.id === "prompt-version:triage/v1")?.start, { kind: "prompt-version", id: "triage/v1" });
  // a policy version leads to its own lineage too
  assert.deepEqual(g.nodes.find((n) => n.kind === "policy-version")?.start, { kind: "policy-version", id: "demo@v1" });
});

test("names come from the display data; an id without a name is shown short", () => {
  assert.equal(namesFrom(lineage.promptVersions[0]!.changes[0]!.events).get(alice), "alice");
  const g = requestGraph({ ...lineage, promptVersions: [{ version: "x/v1", changes: [{ changeId: "c9", author: "unnamed-user-id", approvers: [], events: [] }] }] });
  assert.equal(g.nodes.find((n) => n.id === "person:unnamed-user-id")?.label, "unnamed-");
});

test("matched rules per stage, once each; a rule of no listed policy hangs below the request", () => {
  assert.deepEqual(matchedRules([ev({ action: "x", details: { policy: { input: { matched: ["a@v1/r", "a@v1/r"] }, output: { matched: ["b@v2/s"] } } } })]),
    [{ stage: "input", rule: "a@v1/r" }, { stage: "output", rule: "b@v2/s" }]);
  assert.deepEqual(matchedRules([ev({ action: "x", details: { policy: "nonsense" } }), ev({ action: "y" })]), []);
  const g = requestGraph({ ...lineage, policyVersions: [] });
  assert.ok(g.edges.some((e) => e.from === g.root && e.to === "rule:demo@v1/redact-email"));
});

test("a prompt version leads back to the requests it served and on to its changes", () => {
  const g = promptVersionGraph("triage/v1", [ev({ action: "gateway.request", requestId: "r1" }), ev({ action: "gateway.request", requestId: "r2" })], lineage);
  assert.deepEqual(neighbours(g, g.root, "in"), ["request:r1", "request:r2"]);
  assert.deepEqual(neighbours(g, g.root, "out"), [`change:${promptChange}`]);
  assert.deepEqual(neighbours(promptVersionGraph("triage/v1", [], null), "prompt-version:triage/v1", "out"), []);
});

test("a policy version leads back to the requests served under it and on to its change, author and approvers", () => {
  const g = policyVersionGraph("demo@v1", [ev({ action: "gateway.request", requestId: "r1" }), ev({ action: "gateway.request", requestId: "r2" })], lineage);
  assert.equal(g.root, "policy-version:demo@v1");
  assert.deepEqual(g.nodes.find((n) => n.id === g.root)?.start, { kind: "policy-version", id: "demo@v1" });
  assert.deepEqual(neighbours(g, g.root, "in"), ["request:r1", "request:r2"]);
  assert.deepEqual(g.edges.filter((e) => e.to === g.root).map((e) => e.label), ["policy version", "policy version"]);
  // its own change (not the prompt version's), with people by name
  assert.deepEqual(neighbours(g, g.root, "out"), [`change:${policyChange}`]);
  const label = (id: string) => g.nodes.find((n) => n.id === id)?.label;
  assert.deepEqual(neighbours(g, `change:${policyChange}`, "out").map(label), ["carol", "bob"]);
  assert.ok(!g.nodes.some((n) => n.kind === "prompt-version"));
  // a version the newest request's lineage does not name: just the requests
  assert.deepEqual(neighbours(policyVersionGraph("other@v2", [ev({ action: "gateway.request", requestId: "r1" })], lineage), "policy-version:other@v2", "out"), []);
  assert.deepEqual(neighbours(policyVersionGraph("demo@v1", [], null), "policy-version:demo@v1", "out"), []);
});

test("a reviewer leads to the changes they approved; a change to its author, approvers and version", () => {
  const r = reviewerGraph({ reviewer: bob, changes: [
    { seq: 5, approvedAt: "t", changeId: promptChange, target: "triage", change: lineage.promptVersions[0]!.changes[0]! },
    { seq: 4, approvedAt: "t", changeId: "c-lost", target: "x", change: null },
  ], nextCursor: null });
  assert.equal(r.root, `person:${bob}`);
  assert.deepEqual(neighbours(r, r.root, "in"), [`change:${promptChange}`, "change:c-lost"]);
  assert.equal(r.nodes.find((n) => n.id === r.root)?.label, "bob");

  const events = [
    ...changeEvents(promptChange, alice, bob),
    ev({ action: "change.approve", actor: carol, targetType: "change", targetId: promptChange, outcome: "denied" }),
    ev({ action: "change.publish", actor: "admin-id", targetType: "change", targetId: promptChange, details: { changeId: promptChange, promptVersion: "triage/v1" } }),
    ev({ action: "change.create", actor: carol, targetType: "change", targetId: "another" }),
  ];
  const c = changeGraph(promptChange, events);
  assert.deepEqual(neighbours(c, c.root, "out"), [`person:${alice}`, `person:${bob}`]);
  assert.deepEqual(neighbours(c, c.root, "in"), ["prompt-version:triage/v1"]);
  const p = changeGraph(policyChange, [
    ...changeEvents(policyChange, carol, bob),
    ev({ action: "change.publish", actor: "admin-id", targetType: "change", targetId: policyChange, details: { changeId: policyChange, policyVersion: "demo@v1" } }),
  ]);
  assert.deepEqual(neighbours(p, p.root, "in"), ["policy-version:demo@v1"]);
  assert.deepEqual(p.nodes.find((n) => n.id === "policy-version:demo@v1")?.start, { kind: "policy-version", id: "demo@v1" });
});

test("layout: columns by kind, rows in order; arrow keys follow edges and columns", () => {
  const g = requestGraph(lineage);
  const l = layout(g);
  assert.equal(l.columns.length, 4);
  assert.deepEqual(l.columns[0], [g.root]);
  assert.deepEqual(l.columns[3], [`person:${alice}`, `person:${bob}`, `person:${carol}`]);
  const p = l.placed.get(`change:${promptChange}`)!;
  assert.ok(p.x > l.placed.get("prompt-version:triage/v1")!.x);
  assert.ok(l.width >= p.x + 190 && l.height > 0);
  // nodes do not overlap within a column
  const ys = l.columns[1]!.map((id) => l.placed.get(id)!.y);
  for (let i = 1; i < ys.length; i++) assert.ok(ys[i]! >= ys[i - 1]! + 44);

  assert.equal(move(g, l, g.root, "ArrowRight"), "provider:sandbox");
  assert.equal(move(g, l, g.root, "ArrowLeft"), null);
  assert.equal(move(g, l, "prompt-version:triage/v1", "ArrowRight"), `change:${promptChange}`);
  assert.equal(move(g, l, `change:${promptChange}`, "ArrowLeft"), "prompt-version:triage/v1");
  // the nearest row first: bob (row 1) to the policy change (row 1) rather than the prompt change (row 0)
  assert.equal(move(g, l, `person:${bob}`, "ArrowLeft"), `change:${policyChange}`);
  assert.equal(move(g, l, "provider:sandbox", "ArrowDown"), "model:sandbox/sandbox-chat");
  assert.equal(move(g, l, "provider:sandbox", "ArrowUp"), null);
  assert.equal(move(g, l, `person:${bob}`, "Home"), g.root);
  assert.equal(move(g, l, g.root, "Enter"), null);
  assert.equal(move(g, l, "no-such-node", "ArrowRight"), null);
});
