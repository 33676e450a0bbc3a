import { test } from "node:test";
import assert from "node:assert/strict";
import { diffRows, diffSummary, lineDiff, readablePath, valueText } from "../src/diff.js";

for (const [pointer, readable] of [
  ["/messages/0/content", "messages[0].content"],
  ["/route", "route"],
  ["", "(whole content)"],
  ["/variables/properties/a~1b", 'variables.properties["a/b"]'],
  ["/x~0y", '["x~y"]'],
  ["/parameters/top-p", "parameters.top-p"],
] as const) {
  test(`readablePath ${JSON.stringify(pointer)}`, () => assert.equal(readablePath(pointer), readable));
}

test("valueText shows strings bare and other values as JSON", () => {
  assert.equal(valueText("hello"), "hello");
  assert.equal(valueText(3), "3");
  assert.equal(valueText(null), "null");
  assert.equal(valueText({ a: 1 }), '{\n  "a": 1\n}');
  assert.equal(valueText(undefined), "");
});

test("lineDiff keeps common lines and marks the rest", () => {
  assert.deepEqual(lineDiff("a\nb\nc", "a\nx\nc"), [
    { kind: "same", text: "a" },
    { kind: "removed", text: "b" },
    { kind: "added", text: "x" },
    { kind: "same", text: "c" },
  ]);
  assert.deepEqual(lineDiff("", "new"), [
    { kind: "removed", text: "" },
    { kind: "added", text: "new" },
  ]);
  assert.deepEqual(lineDiff("same", "same"), [{ kind: "same", text: "same" }]);
});

test("diffRows: added, removed, changed, secret, multi-line", () => {
  const rows = diffRows([
    { path: "/route", op: "added", to: "sandbox" },
    { path: "/label", op: "removed", from: "staging" },
    { path: "/parameters/temperature", op: "changed", from: 0, to: 0.5 },
    { path: "/credential", op: "changed", secret: true },
    { path: "/messages/0/content", op: "changed", from: "Line one\nLine two", to: "Line one\nLine 2" },
  ]);
  assert.deepEqual(rows[0], { path: "route", op: "added", secret: false, after: "sandbox" });
  assert.deepEqual(rows[1], { path: "label", op: "removed", secret: false, before: "staging" });
  assert.deepEqual(rows[2], { path: "parameters.temperature", op: "changed", secret: false, before: "0", after: "0.5" });
  assert.deepEqual(rows[3], { path: "credential", op: "changed", secret: true });
  assert.deepEqual(rows[4]!.lines, [
    { kind: "same", text: "Line one" },
    { kind: "removed", text: "Line two" },
    { kind: "added", text: "Line 2" },
  ]);
});

test("diffRows tolerates a missing diff", () => {
  assert.deepEqual(diffRows(undefined), []);
  assert.deepEqual(diffRows(null), []);
});

test("diffSummary counts by kind", () => {
  assert.equal(diffSummary([]), "No differences from what is live.");
  assert.equal(diffSummary([{ path: "/a", op: "added", to: 1 }]), "1 difference: 1 added");
  assert.equal(
    diffSummary([
      { path: "/a", op: "added", to: 1 },
      { path: "/b", op: "changed", from: 1, to: 2 },
      { path: "/c", op: "changed", from: 1, to: 2 },
    ]),
    "3 differences: 1 added, 2 changed",
  );
});
