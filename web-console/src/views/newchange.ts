import { ApiError } from "../api.js";
import {
  emptyForm, FieldError, fieldForParam, fieldId, fieldPaths, fromContent, KINDS, kindSpec, secretNote, splitSecrets,
  toContent, withSecrets, type FieldSpec, type FieldValue, type FormValues, type KindSpec,
} from "../authoring.js";
import { readLive } from "../livecontent.js";
import { h, render } from "../dom.js";
import { errorText, showError, showInfo } from "../messages.js";
import { hrefFor } from "../routes.js";
import type { AppContext } from "../context.js";

/** Reads the content box: a JSON object, or a sentence saying what is wrong. */
export function parseContent(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`Content is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("Content must be a JSON object.");
  return v as Record<string, unknown>;
}

// A starting point for a prompt, so that an author sees a working example.
const PROMPT_START = {
  messages: [{ role: "system", content: "You answer questions about {{product}}." }],
  variables: { type: "object", required: ["product"], properties: { product: { type: "string", maxLength: 100 } } },
  route: "sandbox",
  label: "production",
};

// A golden set's starting point: one binding, one case with one expectation (docs/governance.md).
export const GOLDEN_SET_START = {
  binds: [{ kind: "prompt", target: "support-triage" }],
  minPassRate: 1,
  cases: [
    {
      id: "billing-1",
      input: { variables: { product: "Gatehouse" }, messages: [{ role: "user", content: "I was charged twice this month" }] },
      expect: [{ type: "contains", value: "charged twice" }],
    },
  ],
};

function startForm(spec: KindSpec): FormValues {
  if (spec.kind === "prompt") return fromContent(spec, PROMPT_START);
  if (spec.kind === "golden_set") return fromContent(spec, GOLDEN_SET_START);
  return emptyForm(spec);
}

/**
 * The authoring form: fields per kind (authoring.ts), the JSON editor as the advanced option, and the
 * server's validation message (problem.param) shown next to the field it names.
 */
export function newChangeView(ctx: AppContext, main: HTMLElement): void {
  const errors = h("div", { class: "messages" });
  const kind = h("select", { id: "new-kind", name: "kind" }, KINDS.map((k) => h("option", { value: k.kind }, k.kind)));
  const target = h("input", { id: "f-target", name: "target", required: true, autocomplete: "off", "aria-describedby": "f-target-hint" });
  const targetLabel = h("label", { for: "f-target" });
  const targetHint = h("span", { id: "f-target-hint", class: "muted hint" });
  const targetError = h("span", { id: "f-target-error", class: "field-error", hidden: true });
  const comment = h("textarea", { id: "new-comment", name: "comment", rows: 2, placeholder: "What and why, for the reviewers" });
  const submit = h("input", { id: "new-submit", type: "checkbox", name: "submit", checked: true });
  const advanced = h("input", { id: "new-advanced", type: "checkbox", name: "advanced" });
  const content = h("textarea", { id: "new-content", name: "content", rows: 16, class: "code", spellcheck: "false" });
  const contentError = h("span", { id: "new-content-error", class: "field-error", hidden: true });
  const fieldsArea = h("div", { class: "kind-fields", "data-testid": "kind-fields" });
  const heldNote = h("p", { class: "muted", id: "new-content-held", "data-testid": "held-secrets", hidden: true });
  const jsonArea = h("div", { class: "field", hidden: true },
    h("label", { for: "new-content" }, "Content (JSON)"), content, heldNote, contentError);
  const live = h("div", { class: "messages", "data-testid": "live-content" });

  let spec = kindSpec("prompt");
  let form = startForm(spec);
  /** Something was typed since the form was started or loaded (then loading live content asks first). */
  let dirty = false;
  /** Secret fields' values taken out of the JSON editor's text (never shown there), sent unless it sets them. */
  let held: Record<string, string | null> = {};
  /** Which live-content read is the latest (an older answer arriving late is ignored). */
  let liveSeq = 0;

  content.addEventListener("input", () => { dirty = true; });

  function showHeld(): void {
    const keys = Object.keys(held);
    heldNote.hidden = keys.length === 0;
    heldNote.textContent = keys.length === 0 ? "" : keys.map((k) => held[k] === null
      ? `The removal of the stored ${k} will be sent; write "${k}" here to change that.`
      : `A new ${k} is kept aside (never shown here) and will be sent; write "${k}" here to replace it, or null to remove it.`).join(" ");
  }

  function changed(): void {
    dirty = true;
    for (const f of spec.fields.filter((x) => x.type === "secret")) {
      const note = fieldsArea.querySelector<HTMLElement>(`#${fieldId(f.key)}-note`);
      if (note) {
        const text = secretNote(form, f.key);
        note.textContent = text ?? "";
        note.hidden = text === null;
      }
    }
  }

  /** A secret field: the write-only input, what will happen to the stored value, and a box to remove it. */
  function secretRow(f: FieldSpec): HTMLElement {
    const row = fieldRow(f, f.key, form.values, changed);
    const text = secretNote(form, f.key);
    const note = h("span", { id: `${fieldId(f.key)}-note`, class: "hint", role: "status", hidden: text === null }, text ?? "");
    const boxId = `${fieldId(f.key)}-remove`;
    const pending = form.secrets ?? {};
    const box = h("input", { id: boxId, type: "checkbox", name: `${f.key}-remove`, checked: f.key in pending && pending[f.key] === null });
    box.addEventListener("change", () => {
      const secrets = (form.secrets ??= {});
      if (box.checked) secrets[f.key] = null;
      else delete secrets[f.key];
      changed();
    });
    row.append(note, h("span", { class: "checkbox" }, box, h("label", { for: boxId }, `Remove the stored ${f.label.toLowerCase()}`)));
    return row;
  }

  /** Starts the form from content (a live version): fields, groups, and the JSON editor when it is open. */
  function load(c: Record<string, unknown>): void {
    form = fromContent(spec, c);
    held = {};
    dirty = false;
    clearFieldErrors();
    drawFields();
    if (advanced.checked) syncToJson();
  }

  /**
   * Reads the target's live content (every kind, GET /api/v1/changes/live/{kind}/{target}) and starts the form
   * from it, so that a change to an existing object does not replace what the form leaves empty; when something
   * was typed already, a button offers it instead.
   */
  async function checkLive(): Promise<void> {
    const seq = ++liveSeq;
    const name = target.value.trim();
    render(live);
    if (name === "") return;
    try {
      const r = await readLive(ctx.api, spec.kind, name);
      if (seq !== liveSeq) return;
      if (r.state !== "live") {
        render(live, h("p", { class: "muted", "data-testid": "live-none" }, `Nothing named ${name} is live: this change creates it.`));
        return;
      }
      const what = `${spec.kind.replace("_", " ")} ${name} (live version ${r.version})`;
      const kept = r.secretsSet.length > 0 ? ` Its stored ${r.secretsSet.join(", ")} is kept unless you type a new one.` : "";
      if (!dirty) {
        load(r.content);
        render(live, h("div", { class: "message info", role: "status", "data-testid": "live-loaded" },
          `The form holds the live content of ${what}: change what should be different.${kept}`));
        return;
      }
      render(live, h("div", { class: "message warning", "data-testid": "live-offer" },
        `${what} exists; this change replaces it as a whole. `,
        h("button", {
          type: "button",
          on: {
            click: () => {
              load(r.content);
              showInfo(live, `The form now holds the live content of ${what}.${kept}`);
            },
          },
        }, "Load its live content (replaces what you typed)")));
    } catch (e) {
      if (seq !== liveSeq) return;
      render(live, h("p", { class: "muted" }, `The live content could not be read (${errorText(e)}): if ${name} exists, this change replaces it as a whole.`));
    }
  }

  function showTarget(): void {
    targetLabel.textContent = `Target (${spec.targetLabel.toLowerCase()})`;
    targetHint.textContent = spec.targetHint;
  }

  function drawFields(): void {
    render(fieldsArea, spec.fields.map((f) => f.type === "secret" ? secretRow(f) : fieldRow(f, f.key, form.values, changed)),
      spec.groups.map((g) => {
        const items = form.groups[g.key] ?? [];
        return h("fieldset", { class: "group", id: fieldId(g.key), "data-group": g.key },
          h("legend", null, g.label),
          h("span", { id: `${fieldId(g.key)}-error`, class: "field-error", hidden: true }),
          items.map((item, i) =>
            h("fieldset", { class: "item", id: fieldId(`${g.key}[${i}]`), "data-item": `${g.key}[${i}]` },
              h("legend", null, `${cap(g.item)} ${i + 1}`),
              h("span", { id: `${fieldId(`${g.key}[${i}]`)}-error`, class: "field-error", hidden: true }),
              h("div", { class: "grid" }, g.fields.map((f) => fieldRow(f, `${g.key}[${i}].${f.key}`, item.values, changed, f.key))),
              h("button", {
                type: "button", class: "link", "aria-label": `Remove ${g.item} ${i + 1}`,
                on: { click: () => { items.splice(i, 1); dirty = true; drawFields(); } },
              }, `Remove ${g.item}`),
            )),
          h("button", {
            type: "button",
            on: {
              click: () => {
                items.push(emptyForm({ ...spec, groups: [{ ...g, minItems: 1 }] }).groups[g.key]![0]!);
                form.groups[g.key] = items;
                dirty = true;
                drawFields();
                fieldsArea.querySelector<HTMLElement>(`#${fieldId(`${g.key}[${items.length - 1}].${g.fields[0]!.key}`)}`)?.focus();
              },
            },
          }, `Add ${g.item}`),
        );
      }),
    );
  }

  function clearFieldErrors(): void {
    for (const el of main.querySelectorAll<HTMLElement>(".field-error")) {
      el.hidden = true;
      el.textContent = "";
    }
    for (const el of main.querySelectorAll<HTMLElement>("[aria-invalid]")) {
      el.removeAttribute("aria-invalid");
      const d = (el.getAttribute("aria-describedby") ?? "").split(" ").filter((x) => x !== "" && !x.endsWith("-error"));
      if (d.length > 0) el.setAttribute("aria-describedby", d.join(" "));
      else el.removeAttribute("aria-describedby");
    }
  }

  /** Puts the message next to the field the param names; true when there was such a field. */
  function markField(param: string | undefined, message: string): boolean {
    const path = advanced.checked ? (param === "target" ? "target" : null) : fieldForParam(param, fieldPaths(spec, form));
    if (advanced.checked && path === null && param?.startsWith("content")) {
      contentError.textContent = `${param}: ${message}`;
      contentError.hidden = false;
      invalid(content, contentError.id);
      content.focus();
      return true;
    }
    if (path === null) return false;
    const id = fieldId(path);
    const errorEl = main.querySelector<HTMLElement>(`#${id}-error`);
    const input = main.querySelector<HTMLElement>(`#${id}`);
    if (!errorEl || !input) return false;
    errorEl.textContent = message;
    errorEl.hidden = false;
    invalid(input, errorEl.id);
    const focusable = input.matches("input, select, textarea") ? input : input.querySelector<HTMLElement>("input, select, textarea");
    focusable?.focus();
    return true;
  }

  function syncToJson(): boolean {
    try {
      const split = splitSecrets(spec, toContent(spec, form));
      content.value = JSON.stringify(split.shown, null, 2);
      held = split.held;
      showHeld();
      return true;
    } catch (e) {
      clearFieldErrors();
      if (!(e instanceof FieldError) || !markField(e.param, e.message)) showError(errors, e);
      return false;
    }
  }

  showTarget();
  drawFields();

  let shownKind = kind.value;
  kind.addEventListener("change", () => {
    if (dirty && !window.confirm(`Switch to ${kind.value}? What you wrote for the ${shownKind} is discarded.`)) {
      kind.value = shownKind;
      return;
    }
    shownKind = kind.value;
    spec = kindSpec(kind.value);
    form = startForm(spec);
    held = {};
    dirty = false;
    showTarget();
    clearFieldErrors();
    drawFields();
    if (advanced.checked) syncToJson();
    void checkLive();
  });
  target.addEventListener("change", () => void checkLive());
  advanced.addEventListener("change", () => {
    clearFieldErrors();
    render(errors);
    if (advanced.checked) {
      if (!syncToJson()) {
        advanced.checked = false;
        return;
      }
    } else {
      try {
        form = fromContent(spec, withSecrets(parseContent(content.value), held));
        held = {};
        showHeld();
        drawFields();
      } catch (e) {
        advanced.checked = true;
        contentError.textContent = e instanceof FieldError ? `${e.param}: ${e.message}` : errorText(e);
        contentError.hidden = false;
        invalid(content, contentError.id);
        return;
      }
    }
    fieldsArea.hidden = advanced.checked;
    jsonArea.hidden = !advanced.checked;
  });

  const button = h("button", { type: "submit", class: "primary" }, "Create change request");
  const formEl = h("form", { class: "card", "aria-labelledby": "new-title", novalidate: true },
    errors,
    h("div", { class: "grid" },
      h("div", { class: "field" }, h("label", { for: "new-kind" }, "Kind"), kind),
      h("div", { class: "field" }, targetLabel, target, targetHint, targetError),
    ),
    live,
    h("div", { class: "field checkbox" }, advanced, h("label", { for: "new-advanced" }, "Edit the content as JSON (advanced)")),
    fieldsArea,
    jsonArea,
    h("div", { class: "field" }, h("label", { for: "new-comment" }, "Comment"), comment),
    h("div", { class: "field checkbox" }, submit, h("label", { for: "new-submit" }, "Submit for review at once (otherwise it stays a draft)")),
    button,
  );
  formEl.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    clearFieldErrors();
    render(errors);
    try {
      if (target.value.trim() === "") throw new FieldError("target", `${spec.targetLabel} is required.`);
      const parsed = advanced.checked ? withSecrets(parseContent(content.value), held) : toContent(spec, form);
      const created = await ctx.api.createChange(spec.kind, target.value.trim(), parsed, comment.value.trim());
      if (submit.checked) await ctx.api.act(created.id, "submit", comment.value.trim());
      ctx.navigate(hrefFor({ name: "change", id: created.id }));
    } catch (e) {
      const param = e instanceof FieldError ? e.param : e instanceof ApiError ? e.problem.param : undefined;
      const message = e instanceof ApiError ? e.problem.detail : errorText(e);
      if (!markField(param, message)) {
        showError(errors, e);
        errors.querySelector<HTMLElement>("[role=alert]")?.setAttribute("tabindex", "-1");
        errors.querySelector<HTMLElement>("[role=alert]")?.focus();
      } else {
        render(errors, h("div", { class: "message error", role: "alert", "data-testid": "error" },
          h("strong", null, "Not saved. "), "The marked field needs a change: ", message));
      }
    } finally {
      button.disabled = false;
    }
  });
  render(main, h("h1", { id: "new-title", tabindex: "-1" }, "New change request"),
    h("p", { class: "muted" }, "Fill in the fields of the kind of change; the server checks the content again and names the field it refuses."),
    formEl);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function invalid(el: HTMLElement, errorId: string): void {
  el.setAttribute("aria-invalid", "true");
  const d = (el.getAttribute("aria-describedby") ?? "").split(" ").filter((x) => x !== "");
  if (!d.includes(errorId)) d.push(errorId);
  el.setAttribute("aria-describedby", d.join(" "));
}

/** One labelled input bound to values[key]; path names it for errors (id f-<path>). */
function fieldRow(
  f: FieldSpec, path: string, values: Record<string, FieldValue>, changed: () => void, key = path,
): HTMLElement {
  const id = fieldId(path);
  const hintId = f.hint ? `${id}-hint` : null;
  const common = { id, name: path, "aria-describedby": hintId, "aria-required": f.required ? "true" : null };
  const label = h("label", { for: id }, f.label, f.required ? h("span", { "aria-hidden": "true" }, " *") : null);
  const errorEl = h("span", { id: `${id}-error`, class: "field-error", hidden: true });
  const hint = hintId ? h("span", { id: hintId, class: "muted hint" }, f.hint!) : null;
  if (f.type === "checkbox") {
    const box = h("input", { ...common, type: "checkbox", checked: values[key] === true });
    box.addEventListener("change", () => { values[key] = box.checked; changed(); });
    return h("div", { class: "field checkbox" }, box, label, hint, errorEl);
  }
  let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  if (f.type === "select") {
    const current = String(values[key] ?? "");
    // a required select with no value says so (and sends "", which the server names), never shows a first
    // option it would not send
    input = h("select", common,
      f.required ? (current === "" ? h("option", { value: "", selected: true }, "(choose)") : null) : h("option", { value: "" }, "(default)"),
      (f.options ?? []).map((o) => h("option", { value: o, selected: o === current }, o)));
    if (current !== "" && !(f.options ?? []).includes(current)) input.append(h("option", { value: current, selected: true }, current));
  } else if (f.type === "textarea" || f.type === "json") {
    input = h("textarea", { ...common, rows: f.type === "json" ? 5 : 3, class: f.type === "json" ? "code" : null, spellcheck: f.type === "json" ? "false" : null });
    input.value = String(values[key] ?? "");
  } else {
    input = h("input", {
      ...common,
      type: f.type === "secret" ? "password" : "text",
      inputmode: f.type === "number" ? "numeric" : f.type === "decimal" || f.type === "fraction" ? "decimal" : null,
      autocomplete: f.type === "secret" ? "new-password" : "off",
    });
    input.value = String(values[key] ?? "");
  }
  input.addEventListener("input", () => { values[key] = input.value; changed(); });
  input.addEventListener("change", () => { values[key] = input.value; changed(); });
  return h("div", { class: `field${f.type === "textarea" || f.type === "json" ? " wide" : ""}` }, label, input, hint, errorEl);
}
