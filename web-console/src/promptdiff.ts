// The side-by-side view of a prompt change's messages: per message, what is live (old) beside what
// the change proposes (new), line by line. The server sends the proposed content and a structural
// diff against the live version ({path, op, from, to}, arrays compared by position); the live side is
// rebuilt exactly from those two by undoing each diff entry, so nothing is guessed.
import { lineDiff, valueText } from "./diff.js";
import type { DiffEntry } from "./types.js";

export interface SideCell {
  kind: "same" | "removed" | "added" | "empty";
  text: string;
}

export interface SideRow {
  left: SideCell;
  right: SideCell;
}

export interface MessagePair {
  index: number;
  /** What happened to the message as a whole. */
  status: "added" | "removed" | "changed" | "same";
  roleBefore: string | null;
  roleAfter: string | null;
  rows: SideRow[];
}

type Json = unknown;

function tokens(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return [];
  return pointer.replace(/^\//, "").split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

const REMOVE = Symbol("remove");

/** Sets (or with REMOVE, deletes) the value at the pointer's tokens inside `root`; returns the new root. */
function setAt(root: Json, path: string[], value: Json | typeof REMOVE): Json {
  if (path.length === 0) return value === REMOVE ? undefined : value;
  const [head, ...rest] = path as [string, ...string[]];
  const container: Record<string, Json> | Json[] =
    root !== null && typeof root === "object" ? (root as Record<string, Json>) : /^\d+$/.test(head) ? [] : {};
  if (Array.isArray(container)) {
    const i = Number(head);
    if (rest.length === 0 && value === REMOVE) container[i] = REMOVE as unknown as Json;
    else container[i] = setAt(container[i], rest, value);
  } else if (rest.length === 0 && value === REMOVE) {
    delete container[head];
  } else {
    container[head] = setAt(container[head], rest, value);
  }
  return container;
}

/** Drops the array slots marked for removal (an added element of a position-compared array). */
function sweep(v: Json): Json {
  if (Array.isArray(v)) return v.filter((x) => x !== (REMOVE as unknown)).map(sweep);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v as Record<string, Json>).map(([k, x]) => [k, sweep(x)]));
  }
  return v;
}

/** The content before the change: the proposed content with every diff entry undone. */
export function contentBefore(proposed: Json, diff: readonly DiffEntry[] | null | undefined): Json {
  let out: Json = structuredClone(proposed ?? {});
  for (const e of diff ?? []) {
    const path = tokens(e.path);
    if (e.op === "added") out = setAt(out, path, REMOVE);
    else out = setAt(out, path, structuredClone(e.from));
  }
  return sweep(out);
}

/** Aligns a line diff into rows: common lines side by side, a removed run beside the added run after it. */
export function sideBySide(before: string, after: string): SideRow[] {
  const lines = lineDiff(before, after);
  const rows: SideRow[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (l.kind === "same") {
      rows.push({ left: { kind: "same", text: l.text }, right: { kind: "same", text: l.text } });
      i++;
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    while (i < lines.length && lines[i]!.kind !== "same") {
      const x = lines[i++]!;
      (x.kind === "removed" ? removed : added).push(x.text);
    }
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      rows.push({
        left: k < removed.length ? { kind: "removed", text: removed[k]! } : { kind: "empty", text: "" },
        right: k < added.length ? { kind: "added", text: added[k]! } : { kind: "empty", text: "" },
      });
    }
  }
  return rows;
}

function messages(content: Json): Json[] {
  const m = content !== null && typeof content === "object" ? (content as Record<string, Json>)["messages"] : undefined;
  return Array.isArray(m) ? m : [];
}

function field(message: Json, name: string): Json {
  return message !== null && typeof message === "object" ? (message as Record<string, Json>)[name] : undefined;
}

/** Whether the diff touches the prompt's messages at all (else there is nothing to show side by side). */
export function touchesMessages(diff: readonly DiffEntry[] | null | undefined): boolean {
  return (diff ?? []).some((e) => e.path === "/messages" || e.path.startsWith("/messages/"));
}

/** Per message position: old | new, line by line. */
export function messagePairs(proposed: Json, diff: readonly DiffEntry[] | null | undefined): MessagePair[] {
  const before = messages(contentBefore(proposed, diff));
  const after = messages(proposed);
  const out: MessagePair[] = [];
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const b = i < before.length ? before[i] : undefined;
    const a = i < after.length ? after[i] : undefined;
    const textB = b === undefined ? "" : valueText(field(b, "content"));
    const textA = a === undefined ? "" : valueText(field(a, "content"));
    const roleB = b === undefined ? null : valueText(field(b, "role"));
    const roleA = a === undefined ? null : valueText(field(a, "role"));
    let rows: SideRow[];
    if (b === undefined) rows = textA.split("\n").map((t) => ({ left: { kind: "empty", text: "" }, right: { kind: "added", text: t } }));
    else if (a === undefined) rows = textB.split("\n").map((t) => ({ left: { kind: "removed", text: t }, right: { kind: "empty", text: "" } }));
    else rows = sideBySide(textB, textA);
    const status =
      b === undefined ? "added" : a === undefined ? "removed" : JSON.stringify(b) === JSON.stringify(a) ? "same" : "changed";
    out.push({ index: i, status, roleBefore: roleB, roleAfter: roleA, rows });
  }
  return out;
}
