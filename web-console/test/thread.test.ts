import { test } from "node:test";
import assert from "node:assert/strict";
import { commentThread, threadSize } from "../src/thread.js";
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
