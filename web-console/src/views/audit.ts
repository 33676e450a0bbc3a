import { h, render } from "../dom.js";
import { exportPath, searchPath, type AuditFilter } from "../auditquery.js";
import { formatInstant } from "../format.js";
import { showError } from "../messages.js";
import type { AppContext } from "../context.js";
import type { AuditEventView, Verification } from "../types.js";

export function auditView(ctx: AppContext, main: HTMLElement): void {
  const verifyArea = h("div", { "data-testid": "verify-result", "aria-live": "polite" }, h("p", { class: "muted" }, "Verifying the chain…"));
  const verifyButton = h("button", { type: "button" }, "Verify again");
  const runVerify = async () => {
    verifyButton.disabled = true;
    render(verifyArea, h("p", { class: "muted" }, "Verifying the chain…"));
    try {
      render(verifyArea, verification(await ctx.api.verify()));
    } catch (e) {
      showError(verifyArea, e);
    } finally {
      verifyButton.disabled = false;
    }
  };
  verifyButton.addEventListener("click", runVerify);

  const field = (id: string, label: string, attrs: Record<string, string> = {}) => {
    const input = h("input", { id, name: id.replace(/^audit-/, ""), autocomplete: "off", ...attrs });
    return { input, el: h("div", { class: "field" }, h("label", { for: id }, label), input) };
  };
  const from = field("audit-from", "From (UTC)", { type: "datetime-local" });
  const to = field("audit-to", "To (UTC, exclusive)", { type: "datetime-local" });
  const action = field("audit-action", "Action", { placeholder: "e.g. change.approve" });
  const actor = field("audit-actor", "Actor");
  const outcome = field("audit-outcome", "Outcome", { placeholder: "e.g. success, denied" });
  const target = field("audit-target", "Target id");
  const searchErrors = h("div", { class: "messages" });
  const results = h("div", { "data-testid": "audit-results" });
  const more = h("div");
  const exportErrors = h("div", { class: "messages" });

  const filter = (): AuditFilter => ({
    from: from.input.value,
    to: to.input.value,
    action: action.input.value,
    actor: actor.input.value,
    outcome: outcome.input.value,
    target: target.input.value,
    limit: 50,
  });

  let rows: AuditEventView[] = [];
  const search = async (cursor: string | null) => {
    try {
      const page = await ctx.api.auditEvents(searchPath({ ...filter(), ...(cursor ? { cursor } : {}) }));
      rows = cursor ? rows.concat(page.events) : page.events;
      render(results, eventsTable(rows));
      render(more, page.nextCursor ? h("button", { type: "button", on: { click: () => search(page.nextCursor) } }, "Load older events") : null);
      render(searchErrors);
    } catch (e) {
      showError(searchErrors, e);
    }
  };
  const searchForm = h("form", { class: "card", "aria-labelledby": "search-title" },
    h("h2", { id: "search-title" }, "Search events"),
    h("div", { class: "grid" }, from.el, to.el, action.el, actor.el, outcome.el, target.el),
    h("button", { type: "submit", class: "primary" }, "Search"),
    searchErrors,
    results,
    more,
  );
  searchForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void search(null);
  });

  const exportLink = (format: "jsonl" | "csv", label: string) => {
    const a = h("a", { href: "/api/v1/audit/export?format=" + format, class: "button", "data-export": format }, label);
    a.addEventListener("click", async (ev) => {
      ev.preventDefault();
      try {
        // The export needs the bearer token, which a plain link would not send.
        const path = exportPath(format, from.input.value, to.input.value);
        a.setAttribute("href", path);
        const { blob, filename } = await ctx.api.download(path);
        const url = URL.createObjectURL(blob);
        const save = h("a", { href: url, download: filename, class: "visually-hidden" }, filename);
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        render(exportErrors, h("p", { class: "message info", role: "status" }, `Exported ${filename} (${blob.size} bytes).`));
      } catch (e) {
        showError(exportErrors, e);
      }
    });
    return a;
  };

  render(
    main,
    h("h1", { tabindex: "-1" }, "Audit trail"),
    h("section", { class: "card", "aria-labelledby": "verify-title" },
      h("h2", { id: "verify-title" }, "Integrity"),
      verifyArea,
      verifyButton,
    ),
    searchForm,
    h("section", { class: "card", "aria-labelledby": "export-title" },
      h("h2", { id: "export-title" }, "Export"),
      h("p", { class: "muted" }, "Exports the period chosen in From and To above (all of it when empty). JSON Lines can be verified offline; every export is itself audited."),
      h("div", { class: "buttons" }, exportLink("jsonl", "Export JSON Lines"), exportLink("csv", "Export CSV")),
      exportErrors,
    ),
  );
  void runVerify();
  void search(null);
}

function verification(v: Verification): HTMLElement {
  return h("div", { class: `verify ${v.valid ? "ok" : "broken"}`, "data-valid": String(v.valid) },
    h("p", { class: "verdict" }, v.valid ? "✔ The audit chain is intact." : "✘ The audit chain is BROKEN."),
    h("p", null, `${v.eventsChecked} events and ${v.checkpointsChecked ?? 0} signed checkpoints checked.`),
    v.firstBroken
      ? h("p", null, `First broken event: #${v.firstBroken.seq} (${v.firstBroken.reason})${v.firstBroken.detail ? `: ${v.firstBroken.detail}` : ""}`)
      : null,
    v.truncation?.detected
      ? h("p", null, `Truncation: the latest checkpoint names event #${v.truncation.checkpointSeq}, the chain ends at #${v.truncation.lastSeq}.`)
      : null,
  );
}

function eventsTable(events: AuditEventView[]): HTMLElement {
  if (events.length === 0) return h("p", { class: "empty" }, "No events match.");
  return h("table", { class: "events" },
    h("thead", null, h("tr", null, ["#", "Time", "Actor", "Action", "Target", "Outcome", "Request"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", null,
      events.map((e) =>
        h("tr", null,
          h("td", null, String(e.seq)),
          h("td", null, formatInstant(e.time)),
          h("td", null, e.actor ?? e.actorKind ?? "—"),
          h("td", null, h("code", null, e.action)),
          h("td", null, e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : "—"),
          h("td", null, e.outcome ?? "—"),
          h("td", null, e.requestId ? h("code", null, e.requestId) : "—"),
        ),
      ),
    ),
  );
}
