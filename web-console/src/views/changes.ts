import { h, render } from "../dom.js";
import { approvalsLabel, evidenceStatusLabel, formatInstant, riskLabel, STATE_FILTERS, stateLabel } from "../format.js";
import { showError } from "../messages.js";
import { capabilities } from "../permissions.js";
import { hrefFor } from "../routes.js";
import type { AppContext } from "../context.js";

export function stateBadge(state: string): HTMLElement {
  return h("span", { class: `badge state-${state.replace(/[^a-z_]/g, "")}`, "data-state": state }, stateLabel(state));
}

export function riskBadge(risk: string): HTMLElement {
  return h("span", { class: `badge risk-${risk.toLowerCase().replace(/[^a-z]/g, "")}` }, riskLabel(risk));
}

export function evidenceBadge(status: string | undefined): HTMLElement {
  const s = (status ?? "none").replace(/[^a-z_]/g, "");
  return h("span", { class: `badge evidence-${s}`, "data-evidence": s }, evidenceStatusLabel(status ?? "none"));
}

export async function changesView(ctx: AppContext, main: HTMLElement, state: string | null): Promise<void> {
  const caps = capabilities(ctx.session.me);
  const select = h(
    "select",
    { id: "state-filter", name: "state" },
    h("option", { value: "" }, "All states"),
    STATE_FILTERS.map((s) => h("option", { value: s, selected: s === state }, stateLabel(s))),
  );
  select.addEventListener("change", () => ctx.navigate(hrefFor({ name: "changes", state: select.value || null })));
  const errors = h("div", { class: "messages" });
  const list = h("div", { class: "list", "aria-busy": "true" }, h("p", { class: "muted" }, "Loading change requests…"));
  render(
    main,
    h("div", { class: "toolbar" },
      h("h1", { tabindex: "-1" }, "Change requests"),
      caps.createChanges ? h("a", { href: hrefFor({ name: "new-change" }), class: "button", "data-nav": "" }, "New change") : null,
    ),
    h("div", { class: "filters" }, h("label", { for: "state-filter" }, "State"), select),
    errors,
    list,
  );
  try {
    const changes = await ctx.api.changes(state);
    list.removeAttribute("aria-busy");
    if (changes.length === 0) {
      render(list, h("p", { class: "empty" }, state ? `No change requests are ${stateLabel(state).toLowerCase()}.` : "No change requests yet."));
      return;
    }
    render(
      list,
      // a narrow window scrolls the table in its box, never the page (800 px)
      h("div", { class: "table-scroll" }, h("table", { class: "changes", "data-testid": "changes-table" },
        h("caption", { class: "visually-hidden" }, "Change requests, newest first"),
        h("thead", null, h("tr", null, ["Target", "Kind", "State", "Risk", "Approvals", "Evidence", "Author", "Updated"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null,
          changes.map((c) =>
            h("tr", { "data-change-id": c.id },
              h("td", null, h("a", { href: hrefFor({ name: "change", id: c.id }), "data-nav": "" }, c.target)),
              h("td", null, c.kind),
              h("td", null, stateBadge(c.state)),
              h("td", null, riskBadge(c.risk)),
              h("td", null, approvalsLabel(c.approvals, c.requiredApprovals)),
              h("td", { "data-testid": "evidence-status" }, evidenceBadge(c.evidenceStatus)),
              h("td", null, c.author?.name ?? "—"),
              h("td", null, formatInstant(c.updatedAt ?? c.createdAt)),
            ),
          ),
        ),
      )),
    );
  } catch (e) {
    list.removeAttribute("aria-busy");
    render(list);
    showError(errors, e);
  }
}
