// Trying a draft on its change page: a prompt rendered with sample variables, and for a policy the
// test bench (a sample request) with a replay of recent recorded traffic (POST /api/v1/policies/test).
import { h, newId } from "../dom.js";
import { formatInstant } from "../format.js";
import { showError } from "../messages.js";
import { hasRole } from "../permissions.js";
import { benchRequest, changedRequestLabel, outcomeLine, outcomeRows, replayedOverLabel, replaySummary, type PolicyTestResult, type SampleOutcome } from "../policybench.js";
import { formValues, previewVariables, renderPreview } from "../promptpreview.js";
import type { AppContext } from "../context.js";
import type { ChangeDetail } from "../types.js";

/** The prompt's messages rendered with sample values, redrawn as the values are typed. */
export function previewSection(change: ChangeDetail): HTMLElement {
  const vars = previewVariables(change.content);
  const inputs = new Map<string, HTMLInputElement>();
  const out = h("div", { class: "preview", "data-testid": "prompt-preview", "aria-live": "polite" });
  const redraw = () => {
    const p = renderPreview(change.content, formValues([...inputs].map(([k, i]) => [k, i.value] as const)));
    out.replaceChildren(
      p.missing.length === 0 ? "" : h("p", { class: "muted", "data-testid": "preview-missing" }, `Required and not given (a default does not count; the gateway would refuse the call): ${p.missing.join(", ")}.`),
      h("ol", { class: "rendered" },
        p.messages.map((m) => h("li", null, h("span", { class: "badge" }, m.role || "message"), h("pre", { class: "value" }, m.content))),
      ),
    );
  };
  const fields = vars.map((v) => {
    const id = newId("var");
    const input = h("input", { id, name: v.name, type: "text", autocomplete: "off", placeholder: v.defaultText === null ? null : `default: ${v.defaultText}` });
    input.addEventListener("input", redraw);
    inputs.set(v.name, input);
    return h("div", { class: "field" },
      h("label", { for: id }, `{{${v.name}}}`, v.required ? " (required)" : "", v.declared ? "" : " (not declared in variables)"),
      input,
    );
  });
  redraw();
  return h("section", { "aria-labelledby": "preview-title", class: "card" },
    h("h2", { id: "preview-title" }, "Preview with sample variables"),
    h("p", { class: "muted" },
      "The draft's messages as the gateway would render them. A field left empty is a variable not sent: it takes its schema's default (shown in the field), ",
      "or renders as nothing; a required variable must be sent even when it has a default. (A caller sending \"\" gets an empty text, not the default.) Nothing is sent to a model."),
    vars.length === 0 ? h("p", { class: "empty" }, "The prompt uses no variables.") : h("div", { class: "grid" }, fields),
    out,
  );
}

/** The policy test bench and the replay of recent traffic, for the change's content as the draft. */
export function benchSection(ctx: AppContext, change: ChangeDetail): HTMLElement {
  const allowed = hasRole(ctx.session.me, "author", "admin");
  const sampleId = newId("sample");
  const answerId = newId("answer");
  const limitId = newId("limit");
  const sample = h("textarea", { id: sampleId, rows: 3, maxlength: 20000 });
  const answer = h("textarea", { id: answerId, rows: 2, maxlength: 20000 });
  const limit = h("input", { id: limitId, type: "number", min: 1, max: 1000, value: 100, inputmode: "numeric" });
  const reasonId = newId("bench-reason");
  const run = h("button", { type: "submit", class: "primary", disabled: !allowed, "aria-describedby": allowed ? null : reasonId }, "Run the draft");
  const errors = h("div", { class: "messages" });
  const result = h("div", { "data-testid": "bench-result", "aria-live": "polite" });
  const form = h("form", { class: "bench" },
    h("div", { class: "field" }, h("label", { for: sampleId }, "Sample request (a user message; optional)"), sample),
    h("div", { class: "field" }, h("label", { for: answerId }, "Sample answer for the output stage (optional)"), answer),
    h("div", { class: "field" }, h("label", { for: limitId }, "Replay the last N recorded requests"), limit),
    h("div", { class: "buttons" }, run),
    allowed ? null : h("p", { id: reasonId, class: "reasons" }, "The test bench needs the author or admin role."),
  );
  // busy: aria-disabled, not disabled, so that the button pressed by keyboard keeps the focus
  let busy = false;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (busy) return;
    busy = true;
    run.setAttribute("aria-disabled", "true");
    form.setAttribute("aria-busy", "true");
    errors.replaceChildren();
    try {
      const r = await ctx.api.policyTest(benchRequest(change.target, change.content, sample.value, answer.value, Number(limit.value)));
      result.replaceChildren(...benchResult(r));
    } catch (err) {
      showError(errors, err);
    } finally {
      busy = false;
      run.removeAttribute("aria-disabled");
      form.removeAttribute("aria-busy");
    }
  });
  return h("section", { "aria-labelledby": "bench-title", class: "card" },
    h("h2", { id: "bench-title" }, "Test bench and replay of recent traffic"),
    h("p", { class: "muted" },
      "Runs this change's policy as if enforced, beside the live policies, on a sample request and on the tenant's recent recorded requests. ",
      "Where the tenant retains requests' content (retention mode full or redacted), the replay scans that text again under the live policies and the draft; reading it is recorded in the audit trail. Requests without retained content are evaluated over the entity summaries the policy stage recorded. Each changed row says which. Nothing goes live."),
    form,
    errors,
    result,
  );
}

function benchResult(r: PolicyTestResult): HTMLElement[] {
  const out: HTMLElement[] = [
    h("p", null, r.replaces ? `The draft replaces the live ${r.replaces}.` : `No live policy is named ${r.name}: the draft is added to the live ones.`),
  ];
  if (r.sample) {
    const col = (o: SampleOutcome) => h("td", null, h("div", null, outcomeLine(o)), o.messages.length > 0 ? h("pre", { class: "value" }, o.messages.join("\n")) : null, o.answer ? h("pre", { class: "value" }, o.answer) : null);
    out.push(h("table", { class: "bench-sample", "data-testid": "bench-sample" },
      h("caption", null, r.sample.changed ? "The sample request: the draft changes what happens" : "The sample request: the draft changes nothing"),
      h("thead", null, h("tr", null, h("th", { scope: "col" }, "Live policies"), h("th", { scope: "col" }, "With the draft"))),
      h("tbody", null, h("tr", null, col(r.sample.live), col(r.sample.draft))),
    ));
  }
  out.push(...replayTraffic(r.traffic));
  return out;
}

/**
 * A traffic replay as the bench shows it: its sentence, the outcomes side by side and the changed
 * requests. Also the change's evidence panel's for the replay the server computed (issue 23).
 */
export function replayTraffic(traffic: PolicyTestResult["traffic"]): HTMLElement[] {
  const out: HTMLElement[] = [h("p", { "data-testid": "replay-summary" }, replaySummary(traffic))];
  const rows = outcomeRows(traffic.outcomes);
  if (rows.length > 0) {
    out.push(h("table", { class: "bench-outcomes" },
      h("caption", null, "Outcomes of the replayed requests"),
      h("thead", null, h("tr", null, h("th", { scope: "col" }, "Outcome"), h("th", { scope: "col" }, "Live"), h("th", { scope: "col" }, "Draft"))),
      h("tbody", null, rows.map(([k, l, d]) => h("tr", null, h("th", { scope: "row" }, k), h("td", null, String(l)), h("td", null, String(d))))),
    ));
  }
  if (traffic.changes.length > 0) {
    out.push(h("ul", { class: "timeline" }, traffic.changes.map((c) =>
      h("li", { "data-replayed-over": c.replayedOver ?? "summary" }, h("code", null, changedRequestLabel(c).requestId), h("span", { class: "muted" }, ` · ${formatInstant(changedRequestLabel(c).occurredAt)}`),
        h("div", { class: "muted", "data-testid": "replayed-over" }, replayedOverLabel(c.replayedOver)),
        h("div", null, `live: ${JSON.stringify(c.live)}`), h("div", null, `draft: ${JSON.stringify(c.draft)}`)))));
  }
  return out;
}
