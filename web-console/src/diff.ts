// Turns the server's structural diff ({path, op, from, to}) into rows a reviewer reads: a readable
// path, the values as text, and for multi-line text (prompt messages) a line-by-line diff.
import type { DiffEntry } from "./types.js";

export type LineKind = "same" | "added" | "removed";

export interface DiffLine {
  kind: LineKind;
  text: string;
}

export interface DiffRow {
  path: string;
  op: "added" | "removed" | "changed";
  secret: boolean;
  /** For values: before and after as text (absent where the op has no such side). */
  before?: string;
  after?: string;
  /** For text on several lines: the line diff of before against after. */
  lines?: DiffLine[];
}

/** "/messages/0/content" -> "messages[0].content"; "" -> "(whole content)". RFC 6901 unescaping. */
export function readablePath(pointer: string): string {
  if (pointer === "" || pointer === "/") return "(whole content)";
  const tokens = pointer
    .replace(/^\//, "")
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  let out = "";
  for (const t of tokens) {
    if (/^(0|[1-9][0-9]*)$/.test(t)) out += `[${t}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(t)) out += out === "" ? t : `.${t}`;
    else out += `[${JSON.stringify(t)}]`;
  }
  return out;
}

/** A JSON value as a reviewer reads it: strings bare, everything else as compact JSON. */
export function valueText(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  return JSON.stringify(v, null, 2) ?? String(v);
}

/** Longest-common-subsequence line diff; fine for prompt-sized texts (capped to stay cheap). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length * b.length > 250_000) {
    return [...a.map((text) => ({ kind: "removed" as const, text })), ...b.map((text) => ({ kind: "added" as const, text }))];
  }
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: "same", text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      out.push({ kind: "removed", text: a[i++]! });
    } else {
      out.push({ kind: "added", text: b[j++]! });
    }
  }
  while (i < n) out.push({ kind: "removed", text: a[i++]! });
  while (j < m) out.push({ kind: "added", text: b[j++]! });
  return out;
}

/** The rows to show for a change's diff, in the server's order. */
export function diffRows(entries: readonly DiffEntry[] | null | undefined): DiffRow[] {
  return (entries ?? []).map((e) => {
    const row: DiffRow = { path: readablePath(e.path), op: e.op, secret: e.secret === true };
    if (row.secret) return row;
    if (e.op !== "added") row.before = valueText(e.from);
    if (e.op !== "removed") row.after = valueText(e.to);
    if (e.op === "changed" && (row.before!.includes("\n") || row.after!.includes("\n"))) {
      row.lines = lineDiff(row.before!, row.after!);
    }
    return row;
  });
}

/** "3 changes: 1 added, 2 changed". */
export function diffSummary(entries: readonly DiffEntry[] | null | undefined): string {
  const list = entries ?? [];
  if (list.length === 0) return "No differences from what is live.";
  const count = (op: string) => list.filter((e) => e.op === op).length;
  const parts = (["added", "changed", "removed"] as const).filter((op) => count(op) > 0).map((op) => `${count(op)} ${op}`);
  return `${list.length} ${list.length === 1 ? "difference" : "differences"}: ${parts.join(", ")}`;
}
