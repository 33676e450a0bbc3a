// A prompt draft rendered with sample variables, as the gateway renders it (PromptTemplate on the
// server): {{name}} and {{{name}}} are the same (the text goes to a model, nothing is escaped); an
// unset variable renders as its schema's default, or as nothing. Sections and partials do not exist.

const VARIABLE = /\{\{\{?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}?\}\}/g;

type Json = unknown;

function obj(v: Json): Record<string, Json> | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, Json>) : null;
}

/** The variable names a text uses, in order of first use. */
export function variablesOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VARIABLE)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

function text(v: Json): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return JSON.stringify(v);
}

/** Renders one message text with the given values (strings from the form) over the schema's defaults. */
export function renderTemplate(template: string, values: Record<string, string | undefined>, properties: Record<string, Json>): string {
  return template.replace(VARIABLE, (_all, name: string) => {
    const given = values[name];
    if (given !== undefined && given !== "") return given;
    return text(obj(properties[name])?.["default"]);
  });
}

export interface PreviewVariable {
  name: string;
  /** Declared in the content's variables schema (else only used in a message). */
  declared: boolean;
  required: boolean;
  type: string | null;
  /** The schema's default or first example, as the form's starting value. */
  sample: string;
}

/** The variables a prompt's content declares or uses, declared ones first. */
export function previewVariables(content: Json): PreviewVariable[] {
  const c = obj(content) ?? {};
  const schema = obj(c["variables"]) ?? {};
  const properties = obj(schema["properties"]) ?? {};
  const required = Array.isArray(schema["required"]) ? (schema["required"] as Json[]).filter((x) => typeof x === "string") : [];
  const out: PreviewVariable[] = Object.entries(properties).map(([name, p]) => {
    const po = obj(p) ?? {};
    const examples = Array.isArray(po["examples"]) ? (po["examples"] as Json[]) : [];
    const sample = po["default"] !== undefined ? text(po["default"]) : examples.length > 0 ? text(examples[0]) : "";
    return { name, declared: true, required: required.includes(name), type: typeof po["type"] === "string" ? (po["type"] as string) : null, sample };
  });
  for (const m of messagesOf(content)) {
    for (const name of variablesOf(m.content)) {
      if (!out.some((v) => v.name === name)) out.push({ name, declared: false, required: false, type: null, sample: "" });
    }
  }
  return out;
}

function messagesOf(content: Json): { role: string; content: string }[] {
  const m = obj(content)?.["messages"];
  if (!Array.isArray(m)) return [];
  return m.map((x) => ({ role: text(obj(x)?.["role"]), content: typeof obj(x)?.["content"] === "string" ? (obj(x)!["content"] as string) : text(obj(x)?.["content"]) }));
}

/** The prompt's messages rendered with the values; required variables left empty are named. */
export function renderPreview(content: Json, values: Record<string, string | undefined>): { messages: { role: string; content: string }[]; missing: string[] } {
  const properties = obj(obj(obj(content)?.["variables"])?.["properties"]) ?? {};
  const missing = previewVariables(content)
    .filter((v) => v.required && (values[v.name] ?? "") === "" && obj(properties[v.name])?.["default"] === undefined)
    .map((v) => v.name);
  return { messages: messagesOf(content).map((m) => ({ role: m.role, content: renderTemplate(m.content, values, properties) })), missing };
}
