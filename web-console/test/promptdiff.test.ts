import { test } from "node:test";
import assert from "node:assert/strict";
import { contentBefore, messagePairs, sideBySide, touchesMessages } from "../src/promptdiff.js";
import type { DiffEntry } from "../src/types.js";

const proposed = {
  messages: [
    { role: "system", content: "You answer questions about {{product}}.\nBe brief and kind." },
    { role: "user", content: "{{question}}" },
  ],
  route: "sandbox",
};

test("sideBySide pairs a removed run with the added run after it and keeps common lines level", () => {
  assert.deepEqual(sideBySide("a\nb\nc", "a\nx\ny\nc"), [
    { left: { kind: "same", text: "a" }, right: { kind: "same", text: "a" } },
    { left: { kind: "removed", text: "b" }, right: { kind: "added", text: "x" } },
    { left: { kind: "empty", text: "" }, right: { kind: "added", text: "y" } },
    { left: { kind: "same", text: "c" }, right: { kind: "same", text: "c" } },
  ]);
  assert.deepEqual(sideBySide("a\nb", "a"), [
    { left: { kind: "same", text: "a" }, right: { kind: "same", text: "a" } },
    { left: { kind: "removed", text: "b" }, right: { kind: "empty", text: "" } },
  ]);
});

test("contentBefore undoes each diff entry: changed, added (array tail) and removed", () => {
  const diff: DiffEntry[] = [
    { path: "/messages/0/content", op: "changed", from: "You answer questions.", to: proposed.messages[0]!.content },
    { path: "/messages/1", op: "added", to: proposed.messages[1] },
    { path: "/label", op: "removed", from: "production" },
  ];
  assert.deepEqual(contentBefore(proposed, diff), {
    messages: [{ role: "system", content: "You answer questions." }],
    route: "sandbox",
    label: "production",
  });
  // the proposed content itself is left alone
  assert.equal(proposed.messages.length, 2);
});

test("contentBefore of a brand-new target is empty (the whole content was added)", () => {
  const diff: DiffEntry[] = [
    { path: "/messages", op: "added", to: proposed.messages },
    { path: "/route", op: "added", to: "sandbox" },
  ];
  assert.deepEqual(contentBefore(proposed, diff), {});
});

test("contentBefore restores a message the change removed, with its field-level keys", () => {
  const now = { messages: [{ role: "system", content: "One" }] };
  const diff: DiffEntry[] = [
    { path: "/messages/1", op: "removed", from: { role: "user", content: "Two" } },
    { path: "/messages/0/name", op: "added", to: "x" },
  ];
  assert.deepEqual(contentBefore(now, diff), { messages: [{ role: "system", content: "One" }, { role: "user", content: "Two" }] });
});

test("messagePairs: old | new per message position, line by line", () => {
  const diff: DiffEntry[] = [
    { path: "/messages/0/content", op: "changed", from: "You answer questions about {{product}}.", to: proposed.messages[0]!.content },
    { path: "/messages/1", op: "added", to: proposed.messages[1] },
  ];
  const pairs = messagePairs(proposed, diff);
  assert.equal(pairs.length, 2);
  assert.equal(pairs[0]!.status, "changed");
  assert.equal(pairs[0]!.roleBefore, "system");
  assert.deepEqual(pairs[0]!.rows, [
    { left: { kind: "same", text: "You answer questions about {{product}}." }, right: { kind: "same", text: "You answer questions about {{product}}." } },
    { left: { kind: "empty", text: "" }, right: { kind: "added", text: "Be brief and kind." } },
  ]);
  assert.equal(pairs[1]!.status, "added");
  assert.equal(pairs[1]!.roleBefore, null);
  assert.deepEqual(pairs[1]!.rows, [{ left: { kind: "empty", text: "" }, right: { kind: "added", text: "{{question}}" } }]);
});

test("messagePairs marks unchanged and removed messages, and a role change", () => {
  const now = { messages: [{ role: "system", content: "Same" }, { role: "assistant", content: "Hi" }] };
  const diff: DiffEntry[] = [
    { path: "/messages/1/role", op: "changed", from: "user", to: "assistant" },
    { path: "/messages/2", op: "removed", from: { role: "user", content: "Bye\nnow" } },
  ];
  const pairs = messagePairs(now, diff);
  assert.deepEqual(pairs.map((p) => p.status), ["same", "changed", "removed"]);
  assert.equal(pairs[1]!.roleBefore, "user");
  assert.equal(pairs[1]!.roleAfter, "assistant");
  assert.deepEqual(pairs[2]!.rows.map((r) => [r.left.kind, r.left.text, r.right.kind]), [
    ["removed", "Bye", "empty"],
    ["removed", "now", "empty"],
  ]);
});

test("touchesMessages only for entries under /messages", () => {
  assert.equal(touchesMessages([{ path: "/route", op: "changed", from: "a", to: "b" }]), false);
  assert.equal(touchesMessages([{ path: "/messages/0/content", op: "changed", from: "a", to: "b" }]), true);
  assert.equal(touchesMessages([{ path: "/messages", op: "added", to: [] }]), true);
  assert.equal(touchesMessages(null), false);
});
