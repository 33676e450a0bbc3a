import { h, render } from "../dom.js";
import { exportTicketRequest, searchPath, type AuditFilter } from "../auditquery.js";
import { actorName, actorRoles } from "../auditfmt.js";
import { formatInstant, shortId } from "../format.js";
import { showError, showInfo } from "../messages.js";
import { hrefFor } from "../routes.js";
import type { AppContext } from "../context.js";
import type { AuditEventFull, AuditKey, LegalHold, RetentionSetting, Verification } from "../types.js";

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

  let rows: AuditEventFull[] = [];
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

  // The export is the browser's own download of a ticket's URL: streamed to disk, never held in
  // this page's memory, and the bearer token never goes into a URL (the ticket works once, 60 s).
  const exportButton = (format: "jsonl" | "csv", label: string) => {
    const b = h("button", { type: "button", "data-export": format }, label);
    b.addEventListener("click", async () => {
      b.disabled = true;
      try {
        const ticket = await ctx.api.exportTicket(exportTicketRequest(format, from.input.value, to.input.value));
        const save = h("a", { href: ticket.url, download: "", class: "visually-hidden", rel: "noreferrer" }, "download");
        document.body.appendChild(save);
        save.click();
        save.remove();
        showInfo(exportErrors, `Downloading the ${format === "csv" ? "CSV" : "JSON Lines"} export${ticket.from || ticket.to ? ` of ${formatInstant(ticket.from) } to ${formatInstant(ticket.to)}` : ""} (single-use ticket, valid until ${formatInstant(ticket.expiresAt)}).`);
      } catch (e) {
        showError(exportErrors, e);
      } finally {
        b.disabled = false;
      }
    });
    return b;
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
      h("div", { class: "buttons" }, exportButton("jsonl", "Export JSON Lines"), exportButton("csv", "Export CSV")),
      exportErrors,
    ),
    keysSection(ctx),
    retentionSection(ctx),
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
    v.checkpointKeys && v.checkpointKeys.length > 0
      ? h("table", { class: "data", "data-testid": "checkpoint-keys" },
          h("caption", null, "Checkpoints by signing key"),
          h("thead", null, h("tr", null, ["Key", "Events", "Checkpoints", "Pinned"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", null, v.checkpointKeys.map((k) => h("tr", null,
            h("th", { scope: "row" }, h("code", null, k.keyId)),
            h("td", null, `#${k.fromSeq} to #${k.toSeq}`),
            h("td", null, String(k.checkpoints)),
            h("td", null, k.pinned ? `yes, by ${k.pinnedBy ?? "?"}` : "NOT pinned"),
          ))))
      : null,
  );
}

/** Signing keys (what verifiers pin: the fingerprint) and a checkpoint signed on request. */
function keysSection(ctx: AppContext): HTMLElement {
  const list = h("div", { "data-testid": "audit-keys" }, h("p", { class: "muted" }, "Loading the keys…"));
  const messages = h("div", { class: "messages" });
  const load = async () => {
    try {
      render(list, keysTable((await ctx.api.keys()).keys));
    } catch (e) {
      showError(list, e);
    }
  };
  const sign = h("button", { type: "button" }, "Sign a checkpoint now");
  sign.addEventListener("click", async () => {
    sign.disabled = true;
    try {
      const cp = await ctx.api.checkpoint();
      showInfo(messages, `Signed checkpoint of event #${cp.headSeq} (${cp.count} events) with key ${cp.keyId} at ${formatInstant(cp.time)}.`);
    } catch (e) {
      showError(messages, e);
    } finally {
      sign.disabled = false;
    }
  });
  void load();
  return h("section", { class: "card", "aria-labelledby": "keys-title" },
    h("h2", { id: "keys-title" }, "Checkpoints and signing keys"),
    h("p", { class: "muted" }, "Verifiers pin a key's fingerprint obtained out of band (e.g. from /.well-known/gatehouse-audit-keys.json at setup); later keys are trusted through the signed introduction by a pinned key."),
    list,
    h("div", { class: "buttons" }, sign),
    messages,
  );
}

function keysTable(keys: AuditKey[]): HTMLElement {
  if (keys.length === 0) return h("p", { class: "empty" }, "No signing key yet (the first checkpoint creates one).");
  return h("table", { class: "data" },
    h("thead", null, h("tr", null, ["Key", "Fingerprint (SHA-256, pin this)", "Introduced by", "Created", "Retired"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", null, keys.map((k) => h("tr", null,
      h("th", { scope: "row" }, h("code", null, k.keyId), ` ${k.algorithm}`),
      h("td", null, h("code", { class: "wrap" }, k.fingerprint ?? "—")),
      h("td", null, k.introducedBy ? h("code", null, k.introducedBy) : "— (first key)"),
      h("td", null, formatInstant(k.createdAt)),
      h("td", null, k.retiredAt ? formatInstant(k.retiredAt) : "signs now"),
    ))),
  );
}

/** Retention of content and legal holds: auditors place and release holds here. */
function retentionSection(ctx: AppContext): HTMLElement {
  const setting = h("div", { "data-testid": "retention-setting" });
  const holds = h("div", { "data-testid": "holds" });
  const messages = h("div", { class: "messages" });
  const reason = h("input", { id: "hold-reason", name: "reason", autocomplete: "off", maxlength: 2000, required: true });
  const loadSetting = async () => {
    try {
      render(setting, retentionText(await ctx.api.retention()));
    } catch (e) {
      showError(setting, e);
    }
  };
  const loadHolds = async () => {
    try {
      render(holds, holdsTable((await ctx.api.holds()).holds, release));
    } catch (e) {
      showError(holds, e);
    }
  };
  const release = async (hold: LegalHold, button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      await ctx.api.releaseHold(hold.id);
      showInfo(messages, `Released the hold "${hold.reason}".`);
      await loadHolds();
    } catch (e) {
      button.disabled = false;
      showError(messages, e);
    }
  };
  const form = h("form", { "aria-labelledby": "hold-title" },
    h("h3", { id: "hold-title" }, "Place a legal hold"),
    h("div", { class: "field" }, h("label", { for: "hold-reason" }, "Reason"), reason),
    h("button", { type: "submit" }, "Place hold"),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (reason.value.trim() === "") {
      showError(messages, new Error("A hold needs a reason."));
      return;
    }
    try {
      const hold = await ctx.api.placeHold(reason.value.trim());
      reason.value = "";
      showInfo(messages, `Placed the hold "${hold.reason}": no content is purged while it is in force.`);
      await loadHolds();
    } catch (e) {
      showError(messages, e);
    }
  });
  void loadSetting();
  void loadHolds();
  return h("section", { class: "card", "aria-labelledby": "retention-title" },
    h("h2", { id: "retention-title" }, "Retention and legal holds"),
    setting,
    holds,
    form,
    messages,
  );
}

function retentionText(s: RetentionSetting): HTMLElement {
  return h("p", null,
    `Content retention: ${s.mode}, kept ${s.retentionDays} days`,
    s.updatedAt ? ` (set ${formatInstant(s.updatedAt)}${s.updatedBy ? ` by ${s.updatedBy}` : ""})` : " (never set: the default)",
    ". Admins change it; it cannot be shortened while a hold is in force.",
  );
}

function holdsTable(holds: LegalHold[], release: (h: LegalHold, b: HTMLButtonElement) => void): HTMLElement {
  if (holds.length === 0) return h("p", { class: "empty" }, "No legal holds.");
  return h("table", { class: "data" },
    h("caption", null, "Legal holds"),
    h("thead", null, h("tr", null, ["Reason", "Placed", "State", ""].map((c, i) => h("th", { scope: "col" }, i === 3 ? h("span", { class: "visually-hidden" }, "Action") : c)))),
    h("tbody", null, holds.map((hold) => {
      const b = h("button", { type: "button", "aria-label": `Release the hold: ${hold.reason}` }, "Release");
      b.addEventListener("click", () => release(hold, b));
      return h("tr", { "data-hold": hold.id, "data-active": String(hold.active) },
        h("th", { scope: "row" }, hold.reason),
        h("td", null, `${formatInstant(hold.createdAt)} by ${shortId(hold.createdBy)}`),
        h("td", null, hold.active ? "in force" : `released ${formatInstant(hold.releasedAt)}${hold.releasedBy ? ` by ${shortId(hold.releasedBy)}` : ""}`),
        h("td", null, hold.active ? b : ""),
      );
    })),
  );
}

function eventsTable(events: AuditEventFull[]): HTMLElement {
  if (events.length === 0) return h("p", { class: "empty" }, "No events match.");
  return h("div", { class: "table-scroll" }, h("table", { class: "events" },
    h("thead", null, h("tr", null, ["#", "Time", "Actor", "Action", "Target", "Outcome", "Request"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", null,
      events.map((e) => {
        const name = actorName(e);
        const roles = actorRoles(e);
        return h("tr", { "data-event": e.id },
          h("td", null, h("a", { href: hrefFor({ name: "audit-event", id: e.id }), "data-nav": "", "aria-label": `Event ${e.seq}: details` }, String(e.seq))),
          h("td", null, formatInstant(e.time)),
          h("td", { class: "actor" },
            name ?? e.actorKind ?? "—",
            roles.length > 0 ? h("span", { class: "muted" }, ` (${roles.join(", ")})`) : null,
            e.actor ? h("div", { class: "muted small", title: "The actor's id, as hashed in the chain" }, h("code", null, shortId(e.actor))) : null,
          ),
          h("td", null, h("code", null, e.action)),
          h("td", null, e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : "—"),
          h("td", null, e.outcome ?? "—"),
          h("td", null, e.requestId
            ? h("a", { href: hrefFor({ name: "lineage", from: { kind: "request", id: e.requestId } }), "data-nav": "", "data-request": e.requestId, title: `Lineage of request ${e.requestId}` },
                h("span", { class: "visually-hidden" }, "Lineage of request "), h("code", null, shortId(e.requestId)))
            : "—"),
        );
      }),
    ),
  ));
}
