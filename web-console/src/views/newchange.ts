import { h, render } from "../dom.js";
import { showError } from "../messages.js";
import { hrefFor } from "../routes.js";
import type { AppContext } from "../context.js";

// A starting point per kind, so that an author sees the shape the server expects.
const TEMPLATES: Record<string, unknown> = {
  prompt: {
    messages: [{ role: "system", content: "You answer questions about {{product}}." }],
    variables: { type: "object", required: ["product"], properties: { product: { type: "string", maxLength: 100 } } },
    route: "sandbox",
    label: "production",
  },
  provider: {},
  route: {},
  policy: {},
};

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

export function newChangeView(ctx: AppContext, main: HTMLElement): void {
  const errors = h("div", { class: "messages" });
  const kind = h("select", { id: "new-kind", name: "kind" }, Object.keys(TEMPLATES).map((k) => h("option", { value: k }, k)));
  const target = h("input", { id: "new-target", name: "target", required: true, placeholder: "e.g. support-triage", autocomplete: "off" });
  const content = h("textarea", { id: "new-content", name: "content", rows: 14, class: "code", spellcheck: "false" });
  const comment = h("textarea", { id: "new-comment", name: "comment", rows: 2, placeholder: "What and why, for the reviewers" });
  const submit = h("input", { id: "new-submit", type: "checkbox", name: "submit", checked: true });
  content.value = JSON.stringify(TEMPLATES["prompt"], null, 2);
  kind.addEventListener("change", () => {
    content.value = JSON.stringify(TEMPLATES[kind.value] ?? {}, null, 2);
  });
  const button = h("button", { type: "submit", class: "primary" }, "Create change request");
  const form = h("form", { class: "card", "aria-labelledby": "new-title" },
    errors,
    h("div", { class: "field" }, h("label", { for: "new-kind" }, "Kind"), kind),
    h("div", { class: "field" }, h("label", { for: "new-target" }, "Target (name of the prompt, provider, route or policy)"), target),
    h("div", { class: "field" }, h("label", { for: "new-content" }, "Content (JSON)"), content),
    h("div", { class: "field" }, h("label", { for: "new-comment" }, "Comment"), comment),
    h("div", { class: "field checkbox" }, submit, h("label", { for: "new-submit" }, "Submit for review at once (otherwise it stays a draft)")),
    button,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    try {
      if (target.value.trim() === "") throw new Error("Target is required.");
      const parsed = parseContent(content.value);
      const created = await ctx.api.createChange(kind.value, target.value.trim(), parsed, comment.value.trim());
      if (submit.checked) await ctx.api.act(created.id, "submit", comment.value.trim());
      ctx.navigate(hrefFor({ name: "change", id: created.id }));
    } catch (e) {
      showError(errors, e);
      errors.querySelector<HTMLElement>("[role=alert]")?.setAttribute("tabindex", "-1");
      errors.querySelector<HTMLElement>("[role=alert]")?.focus();
    } finally {
      button.disabled = false;
    }
  });
  render(main, h("h1", { id: "new-title", tabindex: "-1" }, "New change request"), form);
}
