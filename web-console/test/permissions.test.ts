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

// Table: who, change, the actions shown with whether they are enabled. Everyone who takes part in the
// workflow sees the actions the change's state admits, off with the reason when they are not theirs.
const cases: [string, Me | null, ChangeDetail, string[]][] = [
  ["author on her draft: revise, submit and withdraw; nothing to rebase", alice, change({ state: "draft" }),
    ["revise:on", "submit:on", "rebase:off", "withdraw:on"]],
  ["author on her change in review: content fixed, review buttons off (four eyes), withdraw on", alice, change(),
    ["revise:off", "rebase:off", "approve:off", "reject:off", "request-changes:off", "withdraw:on"]],
  ["reviewer on someone else's change in review", bob, change(),
    ["revise:off", "rebase:off", "approve:on", "reject:on", "request-changes:on", "withdraw:off"]],
  ["reviewer on a draft: only the author's actions, each off", bob, change({ state: "draft" }),
    ["revise:off", "submit:off", "rebase:off", "withdraw:off"]],
  ["reviewer who approved this revision already", bob,
    change({ state: "approved", approvals: 1, approvedBy: ["u-bob"], reviews: [{ reviewer: { id: "u-bob", name: "bob" }, decision: "approve", revision: 1, comment: null, at: null }] }),
    ["revise:off", "rebase:off", "approve:off", "publish:off", "withdraw:off"]],
  ["reviewer whose approval was for an older revision may approve again", bob,
    change({ revision: 2, reviews: [{ reviewer: { id: "u-bob", name: "bob" }, decision: "approve", revision: 1, comment: null, at: null }] }),
    ["revise:off", "rebase:off", "approve:on", "reject:on", "request-changes:on", "withdraw:off"]],
  ["admin on an approved change: publish, approve (extra), withdraw", admin, change({ state: "approved", approvals: 1 }),
    ["revise:off", "rebase:off", "approve:on", "publish:on", "withdraw:on"]],
  ["admin on an approved change that needs a rebase: rebase on; publish and another approval off (409 rebase_required)", admin,
    change({ state: "approved", approvals: 1, rebaseRequired: true, baseVersion: "1", liveVersion: "2" }),
    ["revise:off", "rebase:on", "approve:off", "publish:off", "withdraw:on"]],
  ["reviewer on a change in review whose base moved: approve off; reject and request changes stay on", bob,
    change({ rebaseRequired: true, baseVersion: "1", liveVersion: "2" }),
    ["revise:off", "rebase:off", "approve:off", "reject:on", "request-changes:on", "withdraw:off"]],
  ["admin on a published change: nothing", admin, change({ state: "published" }), []],
  ["admin on a superseded change: the break-glass rollback", admin, change({ state: "superseded" }), ["rollback:on"]],
  ["reviewer on a superseded change: rollback off (admin only)", bob, change({ state: "superseded" }), ["rollback:off"]],
  ["reviewer on a rollback awaiting review after the fact", bob,
    change({ state: "published", postHocReview: "pending", rollbackOf: "c0", authors: [{ id: "u-admin", name: "admin" }], author: { id: "u-admin", name: "admin" } }),
    ["post-hoc-review:on"]],
  ["a rollback whose review is done: nothing", bob, change({ state: "published", postHocReview: "done", rollbackOf: "c0" }), []],
  ["auditor reads only", dave, change(), []],
  ["nobody signed in", null, change(), []],
  ["author of someone else's draft: the author's actions, each off", { ...alice, userId: "u-other", username: "other" },
    change({ state: "draft" }), ["revise:off", "submit:off", "rebase:off", "withdraw:off"]],
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
    assert.match(o.reason!, /authored a revision of this change/);
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
  assert.equal(publish.reason, "It needs another approval: it has 1 of 2 required.");
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

const reason = (me: Me | null, c: ChangeDetail, action: string) => find(actionsFor(me, c), action)!.reason;

test("each refusal says why: the author's actions to others, roles, a moved base", () => {
  assert.equal(reason(bob, change({ state: "draft" }), "submit"), "Submitting needs the author role.");
  assert.equal(reason({ ...alice, userId: "u-x", username: "x" }, change({ state: "draft" }), "revise"),
    "Only alice (its author) or an admin may revise this change.");
  assert.match(reason(alice, change(), "revise")!, /content is fixed once submitted/);
  assert.equal(reason(alice, change({ state: "draft", baseVersion: "3" }), "rebase"), "Nothing to rebase: it is based on what is live (version 3).");
  assert.equal(reason(bob, change({ state: "approved", approvals: 1 }), "publish"), "Publishing needs the admin role.");
  assert.equal(reason(admin, change({ state: "approved", approvals: 1, rebaseRequired: true, baseVersion: "1", liveVersion: "2" }), "publish"),
    "Live moved to version 2 since this change was based: rebase it first (review restarts).");
  assert.equal(reason(bob, change({ rebaseRequired: true, baseVersion: "1", liveVersion: "2" }), "approve"),
    "Live moved to version 2 since this change was based on version 1: it must be rebased before it can be approved (rejecting or requesting changes stays possible).");
  assert.equal(reason(bob, change({ state: "superseded" }), "rollback"), "A break-glass rollback needs the admin role.");
  assert.equal(reason(alice, change({ state: "in_review" }), "approve"),
    "You authored a revision of this change: someone else must review it (four-eyes rule).");
});

test("the review after the fact is not for whoever rolled back nor for the authors of the re-applied content", () => {
  const rollback = change({
    state: "published", postHocReview: "pending", rollbackOf: "c0",
    author: { id: "u-admin", name: "admin" }, authors: [{ id: "u-admin", name: "admin" }],
    rollbackOfAuthors: [{ id: "u-carol", name: "carol" }],
  });
  assert.equal(reason(admin, rollback, "post-hoc-review"), "You performed this rollback: someone else must review it after the fact.");
  const carol: Me = { userId: "u-carol", username: "carol", tenant: "demo", roles: ["reviewer"] };
  assert.equal(reason(carol, rollback, "post-hoc-review"),
    "You authored the change this rollback re-applied: someone else must review it after the fact.");
  assert.equal(reason(alice, rollback, "post-hoc-review"), "The review after the fact needs the reviewer role.");
  assert.equal(find(actionsFor(bob, rollback), "post-hoc-review")!.enabled, true);
});

test("a rollback needs a comment; the post-hoc review goes to the approve endpoint", async () => {
  const { API_ACTION } = await import("../src/permissions.js");
  assert.equal(find(actionsFor(admin, change({ state: "superseded" })), "rollback")!.commentRequired, true);
  assert.equal(API_ACTION["post-hoc-review"], "approve");
  assert.equal(API_ACTION.rollback, "rollback");
});

test("an approval of the current revision is recognised by id when ids are there, not by a name that happens to match", () => {
  const approvedBy = (reviewer: { id: string; name: string }, revision = 1) =>
    change({ state: "approved", approvals: 1, reviews: [{ reviewer, decision: "approve", revision, comment: null, at: null }] });
  // another person named bob (a renamed account, another directory) approved: this bob has not
  assert.equal(find(actionsFor(bob, approvedBy({ id: "u-other", name: "bob" })), "approve")!.enabled, true);
  assert.equal(reason(bob, approvedBy({ id: "u-bob", name: "robert" }), "approve"), "You already approved revision 1.");
  // by name only when the ids are missing
  assert.equal(reason(bob, approvedBy({ id: "", name: "bob" }), "approve"), "You already approved revision 1.");
  assert.equal(find(actionsFor(bob, approvedBy({ id: "u-bob", name: "bob" }, 0)), "approve")!.enabled, true);
});
