import { test } from "node:test";
import assert from "node:assert/strict";
import { commentThread, MAX_NESTING, MAX_REPLY_DEPTH, threadSize } from "../src/thread.js";
import type { ChangeComment } from "../src/types.js";

const c = (id: string, parentId: string | null, body = id): ChangeComment => ({
  id, parentId, body, action: "comment", author: { id: "u", name: "u" }, at: null,
});

test("replies sit under the comment they answer, in order; top-level comments keep their order", () => {
  const t = commentThread([c("a", null), c("b", null), c("a1", "a"), c("b1", "b"), c("a2", "a"), c("a1x", "a1")]);
  assert.deepEqual(t.map((n) => n.comment.id), ["a", "b"]);
  assert.deepEqual(t[0]!.replies.map((n) => n.comment.id), ["a1", "a2"]);
  assert.deepEqual(t[0]!.replies[0]!.replies.map((n) => n.comment.id), ["a1x"]);
  assert.deepEqual(t[1]!.replies.map((n) => n.comment.id), ["b1"]);
  assert.equal(threadSize(t), 6);
});

test("no comment is ever dropped: an unknown parent, a self-reference or a later parent stay at the top", () => {
  const t = commentThread([c("x", "missing"), c("self", "self"), c("early", "late"), c("late", null)]);
  assert.deepEqual(t.map((n) => n.comment.id), ["x", "self", "early", "late"]);
  assert.equal(threadSize(t), 4);
});

test("comments without ids (an older server) are all top-level", () => {
  const old: ChangeComment = { body: "old", action: "comment", author: { id: "u", name: "u" }, at: null };
  assert.equal(commentThread([old, old]).length, 2);
  assert.deepEqual(commentThread(undefined), []);
});

const by = (id: string, parentId: string | null, name: string): ChangeComment => ({
  id, parentId, body: id, action: "comment", author: { id: name, name }, at: null,
});

test("replies nest up to MAX_NESTING levels; deeper ones stand beside their parent and say whom they answer", () => {
  assert.equal(MAX_NESTING, 4);
  // a chain l0 <- l1 <- ... <- l6, each by someone else
  const chain = Array.from({ length: 7 }, (_, i) => by(`l${i}`, i === 0 ? null : `l${i - 1}`, `p${i}`));
  const t = commentThread([...chain, by("side", "l2", "q")]);
  assert.equal(t.length, 1);
  let n = t[0]!;
  for (let level = 1; level < 4; level++) {
    assert.equal(n.level, level - 1);
    n = n.replies[0]!;
  }
  assert.equal(n.comment.id, "l3");
  // level 4 holds l4 under l3, then l5 and l6 flat beside it, in order
  assert.deepEqual(n.replies.map((x) => [x.comment.id, x.level, x.inReplyTo]), [
    ["l4", 4, null],
    ["l5", 4, "p4"],
    ["l6", 4, "p5"],
  ]);
  assert.ok(n.replies.every((x) => x.replies.length === 0));
  // a reply at a shallow level still nests
  assert.deepEqual(t[0]!.replies[0]!.replies[0]!.replies.map((x) => x.comment.id), ["l3", "side"]);
  assert.equal(threadSize(t), 8);
});

test("a chain of 10,000 replies is built and counted without recursion, in linear time", () => {
  const chain = Array.from({ length: 10000 }, (_, i) => by(`c${i}`, i === 0 ? null : `c${i - 1}`, `n${i % 3}`));
  const started = Date.now();
  const t = commentThread(chain);
  assert.equal(threadSize(t), 10000);
  // c0..c3 nest; c4 sits under c3 and the rest of the chain stands flat beside it
  const l3 = t[0]!.replies[0]!.replies[0]!.replies[0]!;
  assert.equal(l3.comment.id, "c3");
  assert.equal(l3.replies.length, 9996);
  assert.ok(l3.replies.every((x) => x.level === MAX_NESTING && x.replies.length === 0));
  assert.equal(l3.replies[9995]!.inReplyTo, "n2"); // c9999 answers c9998, by n(9998 % 3)
  assert.ok(Date.now() - started < 2000, "linear, not quadratic");
  // 100,000 in a row would not fit in the time either if it were quadratic
  const big = Array.from({ length: 100000 }, (_, i) => by(`d${i}`, i === 0 ? null : `d${i - 1}`, "x"));
  const s2 = Date.now();
  assert.equal(threadSize(commentThread(big)), 100000);
  assert.ok(Date.now() - s2 < 3000);
});

test("each node knows how deep it really is, so the page offers no reply the server would refuse", () => {
  assert.equal(MAX_REPLY_DEPTH, 8);
  const chain = Array.from({ length: 10 }, (_, i) => by(`k${i}`, i === 0 ? null : `k${i - 1}`, "x"));
  const t = commentThread([...chain, by("orphan", "missing", "y")]);
  const depths = new Map<string, number>();
  const stack = [...t];
  while (stack.length > 0) {
    const n = stack.pop()!;
    depths.set(n.comment.id!, n.depth);
    stack.push(...n.replies);
  }
  assert.deepEqual(chain.map((c) => depths.get(c.id!)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(depths.get("orphan"), 0);
});
