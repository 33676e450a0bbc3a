// The authoring forms' model: which fields each kind of change has (from what its ChangeKind validates on
// the server: PromptContent, CatalogContent, PolicyParser, McpServerContent, GoldenSetContent) and the mapping between a
// form's values and a change's content, both ways. No DOM here, so the mapping is unit-tested in Node.
// The server validates everything again; the form only lays the content out. Fields the form does not know
// (a policy's guards, a provider's options) are carried through untouched, so that switching between the
// form and the JSON editor never loses anything.

export type FieldType = "text" | "textarea" | "number" | "decimal" | "fraction" | "select" | "checkbox" | "csv" | "json" | "secret";

export interface FieldSpec {
  /** The content key; a dotted path for a nested object (canary.percent). */
  key: string;
  label: string;
  type: FieldType;
  options?: readonly string[];
  /** Sent even when empty (so the server names it), and marked required. */
  required?: boolean;
  hint?: string;
  /** A checkbox's value when the content does not say. */
  defaultChecked?: boolean;
}

export interface GroupSpec {
  /** The content key of the array (messages, models, targets, rules, tools). */
  key: string;
  label: string;
  /** One item's name in buttons ("Add message"). */
  item: string;
  fields: FieldSpec[];
  /** Shown for a new content. */
  minItems: number;
}

export interface KindSpec {
  kind: string;
  /** What the target names (for the target field's label and hint). */
  targetLabel: string;
  targetHint: string;
  fields: FieldSpec[];
  groups: GroupSpec[];
}

export type FieldValue = string | boolean;

export interface ItemValues {
  values: Record<string, FieldValue>;
  /** Keys of the item the form does not show, kept as they were. */
  extra: Record<string, unknown>;
}

export interface FormValues {
  values: Record<string, FieldValue>;
  groups: Record<string, ItemValues[]>;
  extra: Record<string, unknown>;
  /**
   * A secret field's change that its (empty, write-only) input does not show: a new credential given in the
   * JSON editor (a string), or its removal (null; also the form's "Remove" box). Sent unless something is
   * typed in the field; the form says that it will be.
   */
  secrets?: Record<string, string | null>;
}

const CAPABILITIES = ["chat", "tools", "vision", "json", "streaming", "embeddings"] as const;

export const KINDS: KindSpec[] = [
  {
    kind: "prompt",
    targetLabel: "Prompt name",
    targetHint: "1-100 lower-case letters, digits, '.', '_' or '-'",
    fields: [
      { key: "route", label: "Route", type: "text", required: true, hint: "The route alias the prompt's requests take, e.g. sandbox" },
      { key: "label", label: "Label", type: "text", hint: "Lower-case letters, digits and '-' (production when empty)" },
      { key: "variables", label: "Variables (JSON schema)", type: "json", hint: "An object schema declaring every {{variable}} the messages use" },
      { key: "parameters", label: "Parameters (JSON)", type: "json", hint: "Model parameters, e.g. {\"temperature\": 0.2}" },
      { key: "canary.percent", label: "Canary percent", type: "number", hint: "1-99: that share of requests gets the new version first; empty for none" },
    ],
    groups: [
      {
        key: "messages", label: "Messages", item: "message", minItems: 1,
        fields: [
          { key: "role", label: "Role", type: "select", options: ["system", "developer", "user", "assistant"], required: true },
          { key: "content", label: "Content", type: "textarea", required: true, hint: "Template text; {{name}} inserts a variable" },
        ],
      },
    ],
  },
  {
    kind: "provider",
    targetLabel: "Provider name",
    targetHint: "Lower-case letters, digits, '.', '_' or '-' (at most 63)",
    fields: [
      { key: "kind", label: "Provider kind", type: "select", options: ["openai", "azure-openai", "anthropic", "sandbox"], required: true },
      { key: "baseUrl", label: "Base URL", type: "text", hint: "Required for Azure OpenAI; private addresses need an egress allow-list entry" },
      { key: "credential", label: "Credential", type: "secret", hint: "Sealed on the server and never shown again; leave empty to keep the current one" },
      { key: "region", label: "Region", type: "text", hint: "Where the provider processes data (local when empty)" },
      { key: "clearance", label: "Clearance (0-3)", type: "number" },
      { key: "timeoutMs", label: "Timeout (ms)", type: "number", hint: "100-600000 (30000 when empty)" },
      { key: "maxConcurrency", label: "Max concurrency", type: "number", hint: "1-10000 (64 when empty)" },
      { key: "enabled", label: "Enabled", type: "checkbox", defaultChecked: true },
    ],
    groups: [
      {
        key: "models", label: "Models", item: "model", minItems: 1,
        fields: [
          { key: "name", label: "Model name", type: "text", required: true },
          { key: "contextWindow", label: "Context window", type: "number" },
          { key: "capabilities", label: "Capabilities", type: "csv", hint: `Comma-separated among ${CAPABILITIES.join(", ")} (chat when empty)` },
          { key: "inputPricePerMillion", label: "Input price per million tokens", type: "decimal" },
          { key: "outputPricePerMillion", label: "Output price per million tokens", type: "decimal" },
        ],
      },
    ],
  },
  {
    kind: "route",
    targetLabel: "Route alias",
    targetHint: "The model name clients send, e.g. support-chat",
    fields: [
      { key: "operation", label: "Operation", type: "select", options: ["chat", "embeddings"] },
      { key: "strategy", label: "Strategy", type: "select", options: ["priority", "weighted", "lowest-latency", "lowest-cost"] },
      { key: "requiredCapabilities", label: "Required capabilities", type: "csv", hint: `Comma-separated among ${CAPABILITIES.join(", ")}` },
      { key: "cacheTtlSeconds", label: "Answer cache TTL (s)", type: "number", hint: "0-86400 (0: no cache)" },
      { key: "enabled", label: "Enabled", type: "checkbox", defaultChecked: true },
    ],
    groups: [
      {
        key: "targets", label: "Targets", item: "target", minItems: 1,
        fields: [
          { key: "provider", label: "Provider", type: "text", required: true },
          { key: "model", label: "Model", type: "text", required: true },
          { key: "weight", label: "Weight", type: "number", hint: "For the weighted strategy (1 when empty)" },
        ],
      },
    ],
  },
  {
    kind: "policy",
    targetLabel: "Policy name",
    targetHint: "Lower-case letters, digits, '.', '_' or '-'",
    fields: [
      { key: "description", label: "Description", type: "textarea" },
      { key: "mode", label: "Mode", type: "select", options: ["enforce", "shadow"] },
      { key: "onError", label: "On error", type: "select", options: ["fail_closed", "fail_open"] },
    ],
    groups: [
      {
        key: "rules", label: "Rules", item: "rule", minItems: 1,
        fields: [
          { key: "id", label: "Rule id", type: "text", required: true },
          { key: "condition", label: "Condition (CEL)", type: "textarea", hint: "e.g. entities.email.count > 0 (true when empty)" },
          { key: "action", label: "Action", type: "select", options: ["deny", "redact", "flag", "allow", "restrict_providers", "classify"], required: true },
          { key: "stage", label: "Stage", type: "select", options: ["input", "output", "both"] },
          { key: "message", label: "Message (deny)", type: "textarea" },
          { key: "code", label: "Code (deny)", type: "text" },
          { key: "entities", label: "Entities (redact)", type: "csv", hint: "Comma-separated, e.g. email, card" },
          { key: "flag", label: "Flag (flag)", type: "text" },
          { key: "providers", label: "Providers (restrict_providers, CEL)", type: "textarea" },
          { key: "regions", label: "Regions (restrict_providers)", type: "csv" },
          { key: "minClearance", label: "Min clearance (restrict_providers)", type: "number" },
          { key: "level", label: "Level (classify)", type: "number" },
          { key: "tools", label: "Tools", type: "csv", hint: "Comma-separated tool names: the rule applies to those tools' traffic only" },
        ],
      },
    ],
  },
  {
    kind: "mcp_server",
    targetLabel: "Server name",
    targetHint: "Lower-case letters, digits and '-' (at most 40)",
    fields: [
      { key: "transport", label: "Transport", type: "select", options: ["streamable-http", "sandbox"], required: true },
      { key: "url", label: "URL", type: "text", required: true, hint: "https://... (empty for the sandbox transport: sandbox:builtin)" },
      { key: "credential", label: "Credential", type: "secret", hint: "Sealed on the server and never shown again; leave empty to keep the current one" },
    ],
    groups: [
      {
        key: "tools", label: "Tools", item: "tool", minItems: 1,
        fields: [
          { key: "name", label: "Tool name", type: "text", required: true },
          { key: "description", label: "Description", type: "textarea" },
          { key: "risk", label: "Risk", type: "select", options: ["low", "medium", "high"], required: true },
          { key: "approval", label: "Approval", type: "select", options: ["required", "none"], required: true, hint: "required: a person approves each call (held calls)" },
          { key: "inputSchema", label: "Input schema (JSON)", type: "json" },
        ],
      },
    ],
  },
  {
    kind: "golden_set",
    targetLabel: "Golden set name",
    targetHint: "Lower-case letters, digits, '.', '_' or '-' (at most 64)",
    fields: [
      { key: "minPassRate", label: "Minimum pass rate", type: "fraction", required: true, hint: "0 to 1: the share of cases the candidate must pass for the run to pass, e.g. 0.9" },
    ],
    groups: [
      {
        key: "binds", label: "Binds", item: "binding", minItems: 1,
        fields: [
          { key: "kind", label: "Kind", type: "select", options: ["prompt", "policy", "route"], required: true, hint: "Changes of this kind and target are evaluated against the set" },
          { key: "target", label: "Target", type: "text", required: true, hint: "The prompt's, policy's or route's name" },
        ],
      },
      {
        key: "cases", label: "Cases", item: "case", minItems: 1,
        fields: [
          { key: "id", label: "Case id", type: "text", required: true, hint: "Unique in the set: letters, digits, '.', '_' or '-' (at most 64)" },
          { key: "input.variables", label: "Input variables (JSON)", type: "json", hint: "A prompt binding's variables, e.g. {\"product\": \"Gatehouse\"}" },
          { key: "input.messages", label: "Input messages (JSON)", type: "json", hint: "[{\"role\": \"user\", \"content\": \"...\"}], sent after the prompt's own messages; may be left out when every binding is a prompt and the case gives its variables" },
          { key: "input.model", label: "Input model", type: "text", hint: "The route alias: required for a policy binding, left out for a prompt binding" },
          {
            key: "expect", label: "Expectations (JSON)", type: "json", required: true,
            hint: "1-20 of contains, not_contains, regex, json_schema, similarity, policy, judge, e.g. [{\"type\": \"contains\", \"value\": \"refund\"}]",
          },
        ],
      },
    ],
  },
];

export function kindSpec(kind: string): KindSpec {
  const s = KINDS.find((k) => k.kind === kind);
  if (!s) throw new Error(`unknown kind ${kind}`);
  return s;
}

/** A mistake found before anything is sent, named by its content path (like the server's param). */
export class FieldError extends Error {
  constructor(readonly param: string, message: string) {
    super(message);
    this.name = "FieldError";
  }
}

// ---- content -> form ----

function getPath(o: Record<string, unknown>, path: string): unknown {
  let cur: unknown = o;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function toValue(f: FieldSpec, v: unknown): FieldValue {
  switch (f.type) {
    case "checkbox":
      return typeof v === "boolean" ? v : f.defaultChecked ?? false;
    case "csv":
      return Array.isArray(v) ? v.map((x) => String(x)).join(", ") : v === undefined || v === null ? "" : String(v);
    case "json":
      return v === undefined || v === null ? "" : JSON.stringify(v, null, 2);
    case "secret":
      // A stored secret comes back masked or sealed: the form never shows it, an empty field keeps it.
      return "";
    default:
      return v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
}

function emptyValues(fields: FieldSpec[]): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const f of fields) out[f.key] = f.type === "checkbox" ? f.defaultChecked ?? false : f.type === "select" && f.required ? f.options![0]! : "";
  return out;
}

function topKeys(fields: FieldSpec[]): Set<string> {
  return new Set(fields.map((f) => f.key.split(".")[0]!));
}

function rest(o: Record<string, unknown>, known: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!known.has(k)) out[k] = v;
  return out;
}

/** A new, empty form of this kind (with its groups' first items). */
export function emptyForm(spec: KindSpec): FormValues {
  const groups: Record<string, ItemValues[]> = {};
  for (const g of spec.groups) {
    groups[g.key] = Array.from({ length: g.minItems }, () => ({ values: emptyValues(g.fields), extra: {} }));
  }
  return { values: emptyValues(spec.fields), groups, extra: {} };
}

/** A stored credential as a change shows it (masked): not a new one; leaving it out keeps the stored one. */
export function isMasked(v: unknown): boolean {
  return typeof v === "string" && /^\*+$/.test(v);
}

/** An empty list the form would show as an empty field (and so leave out): kept as it was, in extra. */
function keepEmptyLists(fields: FieldSpec[], o: Record<string, unknown>, extra: Record<string, unknown>): void {
  for (const f of fields) {
    if (f.type === "csv" && !f.key.includes(".") && Array.isArray(o[f.key]) && (o[f.key] as unknown[]).length === 0) extra[f.key] = [];
  }
}

/**
 * The form's values for a content (what the JSON editor holds, or a live version's content). A group that is
 * not an array, or an item that is not an object, is a FieldError naming it: the form would otherwise turn a
 * typo into valid content that says something else (a policy without rules).
 */
export function fromContent(spec: KindSpec, content: Record<string, unknown>): FormValues {
  const values: Record<string, FieldValue> = {};
  const secrets: Record<string, string | null> = {};
  for (const f of spec.fields) {
    const v = getPath(content, f.key);
    values[f.key] = toValue(f, v);
    if (f.type === "secret" && (typeof v === "string" || v === null) && !isMasked(v) && v !== "") secrets[f.key] = v;
  }
  const groups: Record<string, ItemValues[]> = {};
  const known = topKeys(spec.fields);
  for (const g of spec.groups) {
    known.add(g.key);
    const arr = content[g.key];
    const itemKnown = topKeys(g.fields);
    if (arr !== undefined && arr !== null && !Array.isArray(arr)) {
      throw new FieldError(`content.${g.key}`, `${g.label} must be a list ([...]) of ${g.item}s`);
    }
    groups[g.key] = Array.isArray(arr)
      ? arr.map((item, i) => {
          if (item === null || typeof item !== "object" || Array.isArray(item)) {
            throw new FieldError(`content.${g.key}[${i}]`, `${cap(g.item)} ${i + 1} must be an object ({...})`);
          }
          const o = item as Record<string, unknown>;
          const iv: Record<string, FieldValue> = {};
          for (const f of g.fields) iv[f.key] = toValue(f, getPath(o, f.key));
          const extra = rest(o, itemKnown);
          keepEmptyLists(g.fields, o, extra);
          keepNestedOthers(g.fields, o, extra);
          return { values: iv, extra };
        })
      : [];
  }
  // A nested field's other keys (canary's siblings of percent) stay with the extra object.
  const extra = rest(content, known);
  keepEmptyLists(spec.fields, content, extra);
  keepNestedOthers(spec.fields, content, extra);
  return { values, groups, extra, secrets };
}

/** A nested field's other keys (canary's siblings of percent, a case input's unknown keys) stay in extra. */
function keepNestedOthers(fields: FieldSpec[], o: Record<string, unknown>, extra: Record<string, unknown>): void {
  const shown = new Map<string, Set<string>>();
  for (const f of fields) {
    const [head, ...tail] = f.key.split(".");
    if (tail.length === 0) continue;
    if (!shown.has(head!)) shown.set(head!, new Set());
    shown.get(head!)!.add(tail.join("."));
  }
  for (const [head, keys] of shown) {
    const nested = o[head];
    if (nested !== null && typeof nested === "object" && !Array.isArray(nested)) {
      const others = rest(nested as Record<string, unknown>, keys);
      if (Object.keys(others).length > 0) extra[head] = others;
    }
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---- form -> content ----

function setPath(o: Record<string, unknown>, path: string, v: unknown): void {
  const parts = path.split(".");
  let cur = o;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (next === null || typeof next !== "object" || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = v;
}

/** The content value of one field, or undefined to leave the key out. */
function fromValue(f: FieldSpec, raw: FieldValue | undefined, param: string): unknown {
  if (f.type === "checkbox") return raw === true;
  const s = typeof raw === "string" ? raw : "";
  const t = f.type === "textarea" ? s : s.trim();
  if (t.trim() === "") return f.required && f.type !== "secret" ? "" : undefined;
  switch (f.type) {
    case "number": {
      const n = Number(t);
      if (!/^-?\d+$/.test(t) || !Number.isSafeInteger(n)) throw new FieldError(param, `${f.label} must be a whole number`);
      return n;
    }
    case "fraction": {
      // a JSON number (the server names a value outside its range)
      if (!/^-?\d*\.?\d+$/.test(t)) throw new FieldError(param, `${f.label} must be a number such as 0.9`);
      return Number(t);
    }
    case "decimal":
      // prices travel as decimal strings, so that 0.15 stays exactly 0.15
      if (!/^\d+(\.\d+)?$/.test(t)) throw new FieldError(param, `${f.label} must be a decimal number such as 0.15`);
      return t;
    case "csv":
      return t.split(",").map((x) => x.trim()).filter((x) => x !== "");
    case "json":
      try {
        return JSON.parse(t);
      } catch (e) {
        throw new FieldError(param, `${f.label} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
    default:
      return t;
  }
}

/** The content the form describes; throws FieldError (naming content.<path>) for what cannot be sent at all. */
export function toContent(spec: KindSpec, form: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = structuredCloneJson(form.extra);
  for (const f of spec.fields) {
    const v = fromValue(f, form.values[f.key], `content.${f.key}`);
    if (f.type === "secret") {
      const pending = form.secrets ?? {};
      if (v !== undefined && f.key in pending && pending[f.key] === null) {
        throw new FieldError(`content.${f.key}`, `${f.label}: either type a new one or remove it, not both`);
      }
      if (v !== undefined) setPath(out, f.key, v);
      else if (f.key in pending) setPath(out, f.key, pending[f.key]);
      continue;
    }
    if (v !== undefined) setPath(out, f.key, v);
  }
  // the sandbox transport has one URL, the server's default: an empty field leaves it to the server
  if (spec.kind === "mcp_server" && out["transport"] === "sandbox" && out["url"] === "") delete out["url"];
  for (const g of spec.groups) {
    const items = form.groups[g.key] ?? [];
    out[g.key] = items.map((item, i) => {
      const o: Record<string, unknown> = structuredCloneJson(item.extra);
      for (const f of g.fields) {
        const v = fromValue(f, item.values[f.key], `content.${g.key}[${i}].${f.key}`);
        if (v !== undefined) setPath(o, f.key, v);
      }
      return o;
    });
  }
  return out;
}

/**
 * The content for the JSON editor: the secret fields' values taken out (a typed credential is never shown in
 * plain text there) and handed back separately, to be sent with the change unless the JSON sets them itself.
 */
export function splitSecrets(spec: KindSpec, content: Record<string, unknown>): { shown: Record<string, unknown>; held: Record<string, string | null> } {
  const shown = structuredCloneJson(content);
  const held: Record<string, string | null> = {};
  for (const f of spec.fields) {
    if (f.type === "secret" && !f.key.includes(".") && f.key in shown) {
      const v = shown[f.key];
      if (typeof v === "string" || v === null) held[f.key] = v;
      delete shown[f.key];
    }
  }
  return { shown, held };
}

/** The JSON editor's content with the held secrets added back where it does not set them itself. */
export function withSecrets(content: Record<string, unknown>, held: Record<string, string | null>): Record<string, unknown> {
  const out = { ...content };
  for (const [k, v] of Object.entries(held)) if (!(k in out)) out[k] = v;
  return out;
}

/** What will happen to a secret field's stored value, in words (null: it is kept). */
export function secretNote(form: FormValues, key: string): string | null {
  const typed = form.values[key];
  if (typeof typed === "string" && typed.trim() !== "") return "A new credential (typed here) will be sent.";
  const pending = form.secrets ?? {};
  if (!(key in pending)) return null;
  return pending[key] === null ? "The stored credential will be removed." : "A new credential (given in the JSON editor) will be sent.";
}

function structuredCloneJson(o: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(o)) as Record<string, unknown>;
}

// ---- validation messages -> fields ----

/** Every field's path in this form as the server names it (without "content."), e.g. messages[0].content. */
export function fieldPaths(spec: KindSpec, form: FormValues): string[] {
  const paths = spec.fields.map((f) => f.key);
  for (const g of spec.groups) {
    paths.push(g.key);
    (form.groups[g.key] ?? []).forEach((_, i) => {
      paths.push(`${g.key}[${i}]`);
      for (const f of g.fields) paths.push(`${g.key}[${i}].${f.key}`);
    });
  }
  return paths;
}

/**
 * Which of the form's fields a problem's param names: "target" for the target, else the longest field path
 * that is the param or contains it (content.rules[0].condition -> rules[0].condition; content.variables.properties
 * -> variables; content.rules[2] -> rules[2], the item as a whole). Null when none does (the message then stands
 * above the form).
 */
export function fieldForParam(param: string | undefined, paths: string[]): string | null {
  if (!param) return null;
  if (param === "target") return "target";
  if (!param.startsWith("content.")) return null;
  const p = param.slice("content.".length);
  let best: string | null = null;
  for (const k of paths) {
    if (p === k || p.startsWith(k + ".") || p.startsWith(k + "[")) {
      if (best === null || k.length > best.length) best = k;
    }
  }
  return best;
}

/** A DOM id for a field path (letters, digits and '-' only). */
export function fieldId(path: string): string {
  return "f-" + path.replace(/[^A-Za-z0-9]+/g, "-").replace(/-+$/, "");
}
