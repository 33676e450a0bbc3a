import { test } from "node:test";
import assert from "node:assert/strict";
import { actionsFor, capabilities, type ActionOption } from "../src/permissions.js";
import type { ChangeDetail, Me } from "../src/types.js";

const alice: Me = { userId: "u-alice", username: "alice", tenant: "demo", roles: ["author"] };
const bob: Me = { userId: "u-bob", username: "bob", tenant: "demo", roles: ["reviewer"] };
const admin: Me = { userId: "u-admin", username: "admin", tenant: "demo", roles: ["admin"] };
const dave: Me = { userId: "u-dave", username: "dave", tenant: "demo", roles: ["auditor"] };

function change(over: Partial<ChangeDetail> = {}): ChangeDetail {
  return {
    id: "c1", kind: "prompt", target: "support-triage", state: "in_review", revision: 1, risk: "LOW",
    requiredApprovals: 1, approvals: 0, approvedBy: [], author: { id: "u-alice", name: "alice" },
    reviews: [], comments: [], ...over,
  };
}

function find(opts: ActionOption[], action: string): ActionOption | undefined {
  return opts.find((o) => o.action === action);
}

const visibleEnabled = (me: Me | null, c: ChangeDetail) =>
  actionsFor(me, c).filter((o) => o.visible).map((o) => `${o.action}:${o.enabled ? "on" : "off"}`).sort();

// Table: who, change, the actions shown with whether they are enabled.
const cases: [string, Me | null, ChangeDetail, string[]][] = [
  ["author on her draft: submit and withdraw", alice, change({ state: "draft" }), ["submit:on", "withdraw:on"]],
  ["author on her change in review: review buttons shown but off (four eyes), withdraw on", alice, change(),
    ["approve:off", "reject:off", "request-changes:off", "withdraw:on"]],
  ["reviewer on someone else's change in review", bob, change(), ["approve:on", "reject:on", "request-changes:on"]],
  ["reviewer on a draft: nothing to decide", bob, change({ state: "draft" }), []],
  ["reviewer who approved this revision already", bob,
    change({ state: "approved", approvals: 1, approvedBy: ["u-bob"], reviews: [{ reviewer: { id: "u-bob", name: "bob" }, decision: "approve", revision: 1, comment: null, at: null }] }),
    ["approve:off"]],
  ["reviewer whose approval was for an older revision may approve again", bob,
    change({ revision: 2, reviews: [{ reviewer: { id: "u-bob", name: "bob" }, decision: "approve", revision: 1, comment: null, at: null }] }),
    ["approve:on", "reject:on", "request-changes:on"]],
  ["admin on an approved change: publish, approve (extra), withdraw", admin, change({ state: "approved", approvals: 1 }),
    ["approve:on", "publish:on", "withdraw:on"]],
  ["admin on an approved change that needs a rebase: publish off", admin, change({ state: "approved", approvals: 1, rebaseRequired: true }),
    ["approve:on", "publish:off", "withdraw:on"]],
  ["admin on a published change: nothing", admin, change({ state: "published" }), []],
  ["reviewer on a rollback awaiting review after the fact", bob, change({ state: "published", postHocReview: "pending" }), ["approve:on"]],
  ["auditor reads only", dave, change(), []],
  ["nobody signed in", null, change(), []],
  ["author of someone else's draft: nothing", { ...alice, userId: "u-other", username: "other" }, change({ state: "draft" }), []],
];

for (const [name, me, c, expected] of cases) {
  test(`actions: ${name}`, () => {
    assert.deepEqual(visibleEnabled(me, c), [...expected].sort());
  });
}

test("an admin who revised someone else's change cannot review it", () => {
  const revised = change({
    revision: 2,
    authors: [{ id: "u-alice", name: "alice" }, { id: "u-admin", name: "admin" }],
  });
  for (const action of ["approve", "reject", "request-changes"]) {
    const o = find(actionsFor(admin, revised), action)!;
    assert.equal(o.enabled, false, action);
    assert.match(o.reason!, /wrote a revision/);
  }
});

test("the author is told why she cannot approve", () => {
  const approve = find(actionsFor(alice, change()), "approve")!;
  assert.equal(approve.enabled, false);
  assert.match(approve.reason!, /someone else must review/);
});

test("an admin who wrote the change cannot approve it either", () => {
  const c = change({ author: { id: "u-admin", name: "admin" } });
  const approve = find(actionsFor(admin, c), "approve")!;
  assert.equal(approve.visible, true);
  assert.equal(approve.enabled, false);
});

test("publish says how many approvals are missing", () => {
  const c = change({ state: "approved", approvals: 1, requiredApprovals: 2, risk: "HIGH" });
  const publish = find(actionsFor(admin, c), "publish")!;
  assert.equal(publish.enabled, false);
  assert.equal(publish.reason, "It has 1 of 2 required approvals.");
});

test("rejecting and requesting changes need a comment, approving does not", () => {
  const opts = actionsFor(bob, change());
  assert.equal(find(opts, "reject")!.commentRequired, true);
  assert.equal(find(opts, "request-changes")!.commentRequired, true);
  assert.equal(find(opts, "approve")!.commentRequired, false);
});

test("authorship falls back to the name when ids are missing", () => {
  const c = change({ author: { id: "", name: "alice" } });
  assert.equal(find(actionsFor({ ...alice, userId: "" }, c), "withdraw")!.visible, true);
});

test("capabilities by role", () => {
  assert.deepEqual(capabilities(alice), { createChanges: true, readChanges: true, readAudit: false, readStats: false, readHeldCalls: false, decideHeldCalls: false, administer: false });
  assert.deepEqual(capabilities(bob), { createChanges: false, readChanges: true, readAudit: false, readStats: false, readHeldCalls: true, decideHeldCalls: true, administer: false });
  assert.deepEqual(capabilities(dave), { createChanges: false, readChanges: true, readAudit: true, readStats: true, readHeldCalls: true, decideHeldCalls: false, administer: false });
  assert.deepEqual(capabilities(admin), { createChanges: true, readChanges: true, readAudit: false, readStats: true, readHeldCalls: true, decideHeldCalls: true, administer: true });
  assert.deepEqual(capabilities(null), { createChanges: false, readChanges: false, readAudit: false, readStats: false, readHeldCalls: false, decideHeldCalls: false, administer: false });
});
