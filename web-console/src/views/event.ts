// One audit event in detail: who (name, roles, id), what, the usage of a gateway request, its policy
// decisions, the content hash and whether that content is still retained. The content itself only
// on an explicit click: reading it is audited (audit.content.read).
import { h, render } from "../dom.js";
import { fieldRows } from "../auditfmt.js";
import { formatInstant } from "../format.js";
import { matchedRules } from "../lineage.js";
import { showError } from "../messages.js";
import { hrefFor } from "../routes.js";
import type { AppContext } from "../context.js";
import type { AuditEventDetail } from "../types.js";

function rowsTable(rows: [string, string][], caption: string, testid: string): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty", "data-testid": testid }, "None.");
  return h("table", { class: "data kv", "data-testid": testid },
    h("caption", { class: "visually-hidden" }, caption),
    h("tbody", null, rows.map(([k, v]) => h("tr", null, h("th", { scope: "row" }, h("code", null, k)), h("td", null, v)))),
  );
}

export async function eventView(ctx: AppContext, main: HTMLElement, id: string): Promise<void> {
  const d = await ctx.api.auditEvent(id);
  const e = d.event;
  const lineageLinks: HTMLElement[] = [];
  if (e.requestId) {
    lineageLinks.push(h("a", { href: hrefFor({ name: "lineage", from: { kind: "request", id: e.requestId } }), "data-nav": "", "data-testid": "lineage-link" }, `Lineage of request ${e.requestId}`));
  }
  if (e.targetType === "change" && e.targetId) {
    lineageLinks.push(h("a", { href: hrefFor({ name: "lineage", from: { kind: "change", id: e.targetId } }), "data-nav": "", "data-testid": "change-lineage-link" }, `Lineage of change ${e.targetId}`));
  }
  const rules = matchedRules([e]);
  const contentArea = h("div", { "data-testid": "content" });
  const drawContent = (c: AuditEventDetail["content"]) => {
    if (!d.contentHash || !c) {
      render(contentArea, h("p", { class: "empty" }, "This event names no content."));
      return;
    }
    const show = h("button", { type: "button" }, "Show the retained content (the read is audited)");
    show.addEventListener("click", async () => {
      show.disabled = true;
      try {
        const full = await ctx.api.auditEvent(id, true);
        render(contentArea,
          h("p", null, `Retained (${full.content?.form ?? "?"}), stored ${formatInstant(full.content?.storedAt)}.`),
          h("pre", { class: "json", tabindex: "0", "aria-label": "Retained content" }, JSON.stringify(full.content?.body ?? null, null, 2)));
      } catch (err) {
        show.disabled = false;
        showError(contentArea, err);
      }
    });
    render(contentArea,
      h("p", null, h("strong", null, "Content hash: "), h("code", { class: "wrap" }, d.contentHash)),
      c.retained
        ? h("div", null, h("p", null, `Still retained as ${c.form ?? "?"} since ${formatInstant(c.storedAt)}.`), show)
        : h("p", null, "No longer retained (purged by the retention setting, or never kept): the hash remains as evidence."),
    );
  };
  drawContent(d.content);

  render(main,
    h("p", null, h("a", { href: hrefFor({ name: "audit" }), "data-nav": "" }, "← Audit trail")),
    h("h1", { tabindex: "-1" }, `Event #${e.seq}: `, h("code", null, e.action)),
    h("dl", { class: "facts", "data-testid": "event-facts" },
      h("dt", null, "Time"), h("dd", null, formatInstant(e.time)),
      h("dt", null, "Outcome"), h("dd", null, e.outcome ?? "—"),
      h("dt", null, "Actor"), h("dd", { "data-testid": "event-actor" },
        d.actor.name ?? d.actor.kind ?? "—",
        d.actor.roles.length > 0 ? ` (${d.actor.roles.join(", ")})` : "",
        d.actor.id ? h("div", { class: "muted small" }, "id ", h("code", null, d.actor.id)) : null),
      h("dt", null, "Target"), h("dd", null, e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : "—"),
      h("dt", null, "Request"), h("dd", null, e.requestId ? h("code", null, e.requestId) : "—"),
      h("dt", null, "Event hash"), h("dd", null, h("code", { class: "wrap" }, e.hash ?? "—")),
    ),
    lineageLinks.length > 0 ? h("p", { class: "buttons" }, lineageLinks) : null,
    h("section", { class: "card", "aria-labelledby": "ev-usage" }, h("h2", { id: "ev-usage" }, "Usage"), rowsTable(fieldRows(d.usage), "Usage", "event-usage")),
    h("section", { class: "card", "aria-labelledby": "ev-policy" },
      h("h2", { id: "ev-policy" }, "Policy decisions"),
      rules.length > 0 ? h("ul", null, rules.map((r) => h("li", null, `${r.stage}: `, h("code", null, r.rule)))) : null,
      rowsTable(fieldRows(d.policy), "Policy decisions", "event-policy")),
    h("section", { class: "card", "aria-labelledby": "ev-content" }, h("h2", { id: "ev-content" }, "Content"), contentArea),
    h("section", { class: "card", "aria-labelledby": "ev-details" }, h("h2", { id: "ev-details" }, "Details"), rowsTable(fieldRows(e.details), "Details", "event-details")),
  );
}
