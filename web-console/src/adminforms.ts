// Small pieces shared by the administration pages: a labelled form whose fields are named like the API's
// body fields, so that a problem's param (roles, url, rpmLimit, ...) puts its message next to the input;
// and the conversions between what people type and what the API takes.
import { ApiError } from "./api.js";
import { h, newId, render } from "./dom.js";
import { errorText, showError } from "./messages.js";

export interface SimpleField {
  /** The API's body field (and the problem param naming it). */
  name: string;
  label: string;
  type?: "text" | "password" | "number" | "select" | "checkbox" | "datetime-local";
  options?: readonly string[];
  required?: boolean;
  hint?: string;
  value?: string;
  checked?: boolean;
}

export interface SimpleForm {
  el: HTMLFormElement;
  /** The current value of a field (checkboxes: "true"/"false"). */
  value(name: string): string;
  /** Clears the inputs back to their starting values. */
  reset(): void;
}

/**
 * A form of labelled fields; on submit, run(values) is awaited and its error shown next to the field the
 * problem's param names (aria-invalid, aria-describedby), or above the form when it names none.
 */
export function simpleForm(
  title: string, fields: SimpleField[], submitLabel: string, run: (f: SimpleForm) => Promise<void>,
  testId?: string,
): SimpleForm {
  const prefix = newId("af");
  const messages = h("div", { class: "messages" });
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const errorsBy = new Map<string, HTMLElement>();
  const rows = fields.map((f) => {
    const id = `${prefix}-${f.name}`;
    const errId = `${id}-error`;
    const hintId = f.hint ? `${id}-hint` : null;
    let input: HTMLInputElement | HTMLSelectElement;
    if (f.type === "select") {
      input = h("select", { id, name: f.name, "aria-describedby": hintId },
        (f.options ?? []).map((o) => h("option", { value: o, selected: o === f.value }, o)));
    } else {
      input = h("input", {
        id, name: f.name, type: f.type ?? "text", "aria-describedby": hintId, "aria-required": f.required ? "true" : null,
        autocomplete: f.type === "password" ? "new-password" : "off", checked: f.checked === true,
      });
      if (f.value !== undefined) input.value = f.value;
    }
    inputs.set(f.name, input);
    const err = h("span", { id: errId, class: "field-error", hidden: true });
    errorsBy.set(f.name, err);
    const label = h("label", { for: id }, f.label);
    const hint = hintId ? h("span", { id: hintId, class: "muted hint" }, f.hint!) : null;
    return f.type === "checkbox"
      ? h("div", { class: "field checkbox" }, input, label, hint, err)
      : h("div", { class: "field" }, label, input, hint, err);
  });
  const button = h("button", { type: "submit", class: "primary" }, submitLabel);
  const el = h("form", { class: "card", "aria-label": title, novalidate: true, "data-testid": testId ?? null },
    h("h2", null, title), messages, h("div", { class: "inline-form" }, rows), h("div", { class: "buttons" }, button));
  const api: SimpleForm = {
    el,
    value(name) {
      const i = inputs.get(name);
      if (!i) return "";
      return inputValue(i, name, fields.find((f) => f.name === name)?.label ?? name);
    },
    reset() {
      for (const f of fields) {
        const i = inputs.get(f.name)!;
        if (i instanceof HTMLInputElement && i.type === "checkbox") i.checked = f.checked === true;
        else i.value = f.value ?? (f.type === "select" ? (f.options ?? [""])[0]! : "");
      }
    },
  };
  function clearErrors(): void {
    render(messages);
    for (const [name, err] of errorsBy) {
      err.hidden = true;
      err.textContent = "";
      const i = inputs.get(name)!;
      i.removeAttribute("aria-invalid");
      const d = (i.getAttribute("aria-describedby") ?? "").split(" ").filter((x) => x !== "" && x !== err.id);
      if (d.length > 0) i.setAttribute("aria-describedby", d.join(" "));
      else i.removeAttribute("aria-describedby");
    }
  }
  // Busy while a submit runs: aria-disabled, not disabled, so that a button pressed with Enter or Space keeps
  // the focus (a disabled button drops it to the page's body, and a keyboard user loses their place).
  let busy = false;
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    clearErrors();
    button.setAttribute("aria-disabled", "true");
    try {
      await run(api);
    } catch (e) {
      const param = e instanceof ApiError ? e.problem.param : e instanceof InputError ? e.param : undefined;
      const name = param ? [...inputs.keys()].find((n) => param === n || param.startsWith(n + ".") || param.startsWith(n + "[")) : undefined;
      if (name) {
        const err = errorsBy.get(name)!;
        err.textContent = e instanceof ApiError ? e.problem.detail : errorText(e);
        err.hidden = false;
        const i = inputs.get(name)!;
        i.setAttribute("aria-invalid", "true");
        i.setAttribute("aria-describedby", [i.getAttribute("aria-describedby"), err.id].filter(Boolean).join(" "));
        render(messages, h("div", { class: "message error", role: "alert", "data-testid": "error" }, h("strong", null, "Not saved. "), errorText(e)));
        i.focus();
      } else {
        showError(messages, e);
      }
    } finally {
      busy = false;
      button.removeAttribute("aria-disabled");
    }
  });
  return api;
}

/** What readInput needs of an input (an HTMLInputElement or HTMLSelectElement; plain objects in tests). */
export interface InputLike {
  type: string;
  value: string;
  checked?: boolean;
  validity?: { badInput?: boolean };
}

/**
 * An input's value (checkboxes: "true"/"false"). A number or date input whose text the browser cannot
 * read has the value "" (as if empty): that is a mistake to name, never "no limit" or "no expiry".
 */
export function inputValue(i: InputLike, name: string, label: string): string {
  if (i.type === "checkbox") return String(i.checked === true);
  if (i.validity?.badInput) {
    throw new InputError(name, i.type === "number"
      ? `${label}: what was typed is not a number`
      : `${label}: what was typed is not a complete date and time`);
  }
  return i.value;
}

/** A mistake in what was typed, found before sending, named like the API's field. */
export class InputError extends Error {
  constructor(readonly param: string, message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** The largest number the API's integer fields take (a Java int). */
export const MAX_INT = 2_147_483_647;

/** "" -> null; else a whole number from 0 to MAX_INT (or InputError naming the field). */
export function optionalInt(text: string, param: string, label: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  if (!/^\d+$/.test(t)) throw new InputError(param, `${label} must be a whole number`);
  if (!Number.isSafeInteger(Number(t)) || Number(t) > MAX_INT) throw new InputError(param, `${label} must be at most ${MAX_INT}`);
  return Number(t);
}

/** "12.5" (currency units) -> 12500000 micros; "" -> null. */
export function unitsToMicros(text: string, param: string, label: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(t);
  if (!m) throw new InputError(param, `${label} must be an amount such as 25 or 12.50 (at most 6 decimals)`);
  const micros = Number(m[1]) * 1_000_000 + Number((m[2] ?? "").padEnd(6, "0"));
  if (!Number.isSafeInteger(micros)) throw new InputError(param, `${label} is too large`);
  return micros;
}

/** 12500000 -> "12.5"; null -> "". */
export function microsToUnits(micros: number | null | undefined): string {
  if (micros === null || micros === undefined) return "";
  const sign = micros < 0 ? "-" : "";
  const abs = Math.abs(micros);
  const whole = Math.trunc(abs / 1_000_000);
  const frac = String(abs % 1_000_000).padStart(6, "0").replace(/0+$/, "");
  return frac === "" ? `${sign}${whole}` : `${sign}${whole}.${frac}`;
}

/**
 * The roles to send when a user's role boxes are saved: the boxes' roles as ticked, and every role the
 * boxes do not show (platform-admin) kept as the user has it, so that saving never drops one silently.
 */
export function rolesToSend(shown: readonly string[], ticked: readonly string[], current: readonly string[]): string[] {
  return [...shown.filter((r) => ticked.includes(r)), ...current.filter((r) => !shown.includes(r))];
}

/** One egress allow-list entry as the API shows it. */
export interface EgressEntryLike { destination: string; port?: number | null; note?: string | null }

function egressText(e: EgressEntryLike): string {
  return e.port == null ? e.destination : `${e.destination}:${e.port}`;
}

/** What changed between two reads of an allow-list (entries as "destination" or "destination:port"). */
export function egressDifference(before: readonly EgressEntryLike[], after: readonly EgressEntryLike[]): { added: string[]; removed: string[] } {
  const was = before.map(egressText);
  const is = after.map(egressText);
  return { added: is.filter((x) => !was.includes(x)), removed: was.filter((x) => !is.includes(x)) };
}

/** "a, b ,c" -> ["a","b","c"]. */
export function csv(text: string): string[] {
  return text.split(",").map((x) => x.trim()).filter((x) => x !== "");
}

/** A datetime-local value taken as UTC -> ISO instant; "" -> null. */
export function utcInstant(text: string): string | null {
  const t = text.trim();
  if (t === "") return null;
  return new Date(`${t.length === 16 ? t + ":00" : t}Z`).toISOString();
}

/** What the users page says after ending a person's sessions. */
export function sessionsEndedText(name: string, ended: number): string {
  if (ended === 0) return `${name} had no live session; nothing to end.`;
  return `${ended === 1 ? "1 session" : `${ended} sessions`} of ${name} ended; their access tokens no longer work.`;
}

/**
 * Moves the keyboard focus to el after an action (the new row's control, the result message), making it
 * focusable by script only when it is not focusable already.
 */
export function focusOn(el: Element | null | undefined): void {
  if (!(el instanceof HTMLElement)) return;
  if (el.tabIndex < 0 && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
  el.focus();
}

/** The button in area whose accessible name (aria-label, else its text) is name, or null. */
export function buttonNamed(area: ParentNode, name: string): HTMLButtonElement | null {
  for (const b of Array.from(area.querySelectorAll("button"))) {
    if ((b.getAttribute("aria-label") ?? b.textContent?.trim()) === name) return b;
  }
  return null;
}
