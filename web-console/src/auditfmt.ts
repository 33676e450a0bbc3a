// Audit events as people read them: the actor's name and roles recorded beside the hashed form
// (display data, not evidence: the id in the hashed form is), and nested details as rows.
import type { AuditEventFull } from "./types.js";

export function actorName(e: AuditEventFull): string | null {
  const n = e.display?.["actor.name"];
  return typeof n === "string" && n !== "" ? n : null;
}

export function actorRoles(e: AuditEventFull): string[] {
  const r = e.display?.["actor.roles"];
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === "string") : [];
}

/** A JSON object as "a.b.c" -> value rows (arrays of scalars joined), for tables of details and usage. */
export function fieldRows(value: unknown, prefix = ""): [string, string][] {
  if (value === null || value === undefined) return prefix ? [[prefix, "—"]] : [];
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) return [[prefix, value.length === 0 ? "(none)" : value.map(String).join(", ")]];
    return value.flatMap((v, i) => fieldRows(v, `${prefix}[${i}]`));
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return prefix ? [[prefix, "(empty)"]] : [];
    return entries.flatMap(([k, v]) => fieldRows(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, String(value)]];
}
