// The change page's "Test call" panel (issue 21): one call through the gateway with this prompt or
// policy draft applied to that call only, over the tenant's published routes, audited and counted.
// The answer is shown as text only.
import { ApiError } from "../api.js";
import { h, newId, render } from "../dom.js";
import { showError } from "../messages.js";
import { hasRole } from "../permissions.js";
import { previewVariables } from "../promptpreview.js";
import { hrefFor } from "../routes.js";
import { testCallBlockers, testCallBody, testCallRefusal, testCallSummary } from "../testcall.js";
import type { AppContext } from "../context.js";
import type { ChangeDetail, TestCallAnswer } from "../types.js";

export function testCallSection(ctx: AppContext, change: ChangeDetail): HTMLElement {
  const blockers = testCallBlockers(change, ctx.session.me);
  const allowed = blockers.length === 0;
  const reasonId = newId("testcall-reason");
  const isPrompt = change.kind === "prompt";
  const isPolicy = change.kind === "policy";
  const vars = isPrompt ? previewVariables(change.content) : [];
  const inputs = new Map<string, HTMLInputElement>();
  const varFields = vars.map((v) => {
    const id = newId("tc-var");
    const input = h("input", { id, name: `tc-${v.name}`, type: "text", value: "", placeholder: v.defaultText, autocomplete: "off", disabled: !allowed });
    inputs.set(v.name, input);
    return h("div", { class: "field" }, h("label", { for: id }, `{{${v.name}}}`, v.required ? " (required)" : ""), input);
  });
  const systemId = newId("tc-system");
  const messageId = newId("tc-message");
  const modelId = newId("tc-model");
  const system = h("textarea", { id: systemId, rows: 2, maxlength: 20000, disabled: !allowed });
  // a prompt's own messages may end with the user's turn: then a system note is enough (one of the two)
  const message = h("textarea", { id: messageId, rows: 3, maxlength: 20000, required: !isPrompt, disabled: !allowed });
  const model = h("input", { id: modelId, type: "text", value: "sandbox", autocomplete: "off", required: true, disabled: !allowed });
  const run = h("button", { type: "submit", class: "primary", disabled: !allowed, "aria-describedby": allowed ? null : reasonId }, "Send the test call");
  const errors = h("div", { class: "messages" });
  const result = h("div", { "data-testid": "testcall-result", "aria-live": "polite" });
  const form = h("form", { class: "testcall" },
    varFields.length > 0 ? h("div", { class: "grid" }, varFields) : null,
    isPolicy ? h("div", { class: "field" }, h("label", { for: modelId }, "Route alias (or prompt:<name>@<label>)"), model) : null,
    h("div", { class: "field" }, h("label", { for: systemId }, "System message (optional)"), system),
    h("div", { class: "field" }, h("label", { for: messageId }, isPrompt ? "User message (optional; sent after the prompt's own)" : "User message"), message),
    h("div", { class: "buttons" }, run),
    allowed ? null : h("ul", { id: reasonId, class: "reasons", "data-testid": "testcall-reasons" }, blockers.map((b) => h("li", null, b))),
  );
  let turnedOff = false;
  // busy: aria-disabled, not disabled, so that the button pressed by keyboard keeps the focus
  let busy = false;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!allowed || turnedOff || busy) return;
    errors.replaceChildren();
    const body = testCallBody(change.kind, {
      message: message.value,
      system: system.value,
      variables: Object.fromEntries([...inputs].map(([k, i]) => [k, i.value])),
      model: model.value,
    }, Object.fromEntries(vars.map((v) => [v.name, v.type])));
    busy = true;
    run.setAttribute("aria-disabled", "true");
    form.setAttribute("aria-busy", "true");
    try {
      const a = await ctx.api.testCall(change.id, body);
      result.replaceChildren(...answerView(ctx, a));
    } catch (err) {
      const off = err instanceof ApiError ? testCallRefusal(err.problem) : null;
      if (off !== null) {
        // the tenant's switch: say why, keep the button off, and put the focus on the reason
        turnedOff = true;
        const offId = newId("testcall-off");
        render(errors, h("p", { id: offId, class: "message error", role: "alert", tabindex: "-1", "data-testid": "testcall-off" }, off));
        run.setAttribute("aria-describedby", offId);
        errors.querySelector<HTMLElement>("[data-testid=testcall-off]")?.focus();
      } else {
        showError(errors, err);
      }
    } finally {
      busy = false;
      run.removeAttribute("aria-disabled");
      run.disabled = turnedOff;
      form.removeAttribute("aria-busy");
    }
  });
  return h("section", { "aria-labelledby": "testcall-title", class: "card", "data-testid": "testcall" },
    h("h2", { id: "testcall-title" }, "Test call through the draft"),
    h("p", { class: "muted" },
      isPolicy
        ? "Sends your messages through the gateway with this draft in place of the live policy of its name, for this one call: "
        : "Renders this draft with your variables and sends it through the gateway, for this one call: ",
      "the tenant's limits and budget, the live policies, the published routes and failover apply; the call is audited (naming this change) and its cost is counted. Live traffic does not see the draft."),
    form,
    errors,
    result,
  );
}

function answerView(ctx: AppContext, a: TestCallAnswer): HTMLElement[] {
  const s = testCallSummary(a);
  const out: HTMLElement[] = [h("p", { "data-testid": "testcall-outcome" }, h("strong", null, s.outcome))];
  if (a.text !== null && a.text !== undefined) out.push(h("pre", { class: "value", "data-testid": "testcall-text" }, a.text));
  out.push(h("p", { "data-testid": "testcall-where" }, s.where), h("p", { class: "muted", "data-testid": "testcall-usage" }, s.usage));
  if (hasRole(ctx.session.me, "auditor")) {
    out.push(h("p", null, h("a", { href: hrefFor({ name: "lineage", from: { kind: "request", id: a.requestId } }), "data-nav": "" }, "Lineage of this call")));
  }
  return out;
}
