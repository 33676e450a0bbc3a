// A prompt draft rendered with sample variables exactly as the gateway renders it (PromptTemplate and
// VariableSchema on the server; both sides pass the shared vectors in
// src/test/resources/prompts/render-vectors.json): {{name}} and {{{name}}} are the same (the text
// goes to a model, nothing is escaped); the white space allowed inside the braces is Java's \s (ASCII
// only, never a no-break or other Unicode space); a variable that is absent (or null) renders as its
// schema's default, or as nothing, while "" is a value and renders empty; only own keys count (a
// variable named constructor is no inherited value); a number shows as its JSON text (1.0 stays
// "1.0"). A required variable is missing when absent, whether or not it has a default (the server
// refuses the call). Sections and partials do not exist.
import { numberText } from "./jsontext.js";

const VARIABLE = /\{\{\{?[ \t\n\x0B\f\r]*([A-Za-z_][A-Za-z0-9_]*)[ \t\n\x0B\f\r]*\}?\}\}/g;

type Json = unknown;

function obj(v: Json): Record<string, Json> | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, Json>) : null;
}

/** holder[key] when it is the holder's own property (never an inherited one such as constructor). */
function own(holder: Record<string, Json> | null, key: string): Json {
  return holder !== null && Object.hasOwn(holder, key) ? holder[key] : undefined;
}

/** The variable names a text uses, in order of first use. */
export function variablesOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VARIABLE)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

/** holder[key] as the server writes it into the text (PromptTemplate.text). */
function textOf(holder: Record<string, Json> | null, key: string): string {
  const v = own(holder, key);
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberText(holder!, key) ?? String(v);
  return JSON.stringify(v);
}

/** Absent: not an own key, or null (as the server's variables.get(name) == null || NULL). */
function absent(values: Record<string, Json>, name: string): boolean {
  const v = own(values, name);
  return v === undefined || v === null;
}

/**
 * Renders one message text with the given values (a JSON object as a caller sends it: a missing key
 * or null is absent, "" is a value) over the schema's defaults.
 */
export function renderTemplate(template: string, values: Record<string, Json>, properties: Record<string, Json>): string {
  return template.replace(VARIABLE, (_all, name: string) =>
    absent(values, name) ? textOf(obj(own(properties, name)), "default") : textOf(values, name));
}

export interface PreviewVariable {
  name: string;
  /** Declared in the content's variables schema (the server refuses a prompt using any other). */
  declared: boolean;
  required: boolean;
  type: string | null;
  /** The schema's default, shown as the field's placeholder (an empty field takes it). */
  defaultText: string | null;
}

function requiredOf(schema: Record<string, Json>): string[] {
  const r = own(schema, "required");
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === "string") : [];
}

/** The variables a prompt's content declares or uses, declared ones first. */
export function previewVariables(content: Json): PreviewVariable[] {
  const schema = obj(own(obj(content), "variables")) ?? {};
  const properties = obj(own(schema, "properties")) ?? {};
  const required = requiredOf(schema);
  const out: PreviewVariable[] = Object.keys(properties).map((name) => {
    const po = obj(properties[name]);
    const type = own(po, "type");
    return {
      name,
      declared: true,
      required: required.includes(name),
      type: typeof type === "string" ? type : null,
      defaultText: own(po, "default") === undefined ? null : textOf(po, "default"),
    };
  });
  for (const m of messagesOf(content)) {
    for (const name of variablesOf(m.content)) {
      if (!out.some((v) => v.name === name)) out.push({ name, declared: false, required: false, type: null, defaultText: null });
    }
  }
  return out;
}

function messagesOf(content: Json): { role: string; content: string }[] {
  const m = own(obj(content), "messages");
  if (!Array.isArray(m)) return [];
  return m.map((x) => ({ role: textOf(obj(x), "role"), content: textOf(obj(x), "content") }));
}

/** The required variables that are absent, in the order the schema names them (defaults do not count). */
export function missingVariables(schema: Json, values: Record<string, Json>): string[] {
  return requiredOf(obj(schema) ?? {}).filter((name) => absent(values, name));
}

/**
 * The form's fields as the variables a caller would send: an empty field is left out (absent: the
 * default applies, and a required variable is missing), anything typed is a string value.
 */
export function formValues(fields: Iterable<readonly [string, string]>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [name, value] of fields) {
    if (value !== "") Object.defineProperty(out, name, { value, writable: true, enumerable: true, configurable: true });
  }
  return out;
}

/** The prompt's messages rendered with the values; the required variables that are absent are named. */
export function renderPreview(content: Json, values: Record<string, Json>): { messages: { role: string; content: string }[]; missing: string[] } {
  const schema = own(obj(content), "variables");
  const properties = obj(own(obj(schema), "properties")) ?? {};
  return {
    messages: messagesOf(content).map((m) => ({ role: m.role, content: renderTemplate(m.content, values, properties) })),
    missing: missingVariables(schema, values),
  };
}
