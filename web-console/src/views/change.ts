import { h, newId, render } from "../dom.js";
import { diffRows, diffSummary, type DiffRow } from "../diff.js";
import { approvalsLabel, decisionLabel, formatInstant, shortId } from "../format.js";
import { showError, showInfo } from "../messages.js";
import { actionsFor, type ActionOption } from "../permissions.js";
import { hrefFor } from "../routes.js";
import type { AppContext } from "../context.js";
import type { ChangeDetail } from "../types.js";
import { riskBadge, stateBadge } from "./changes.js";

const DONE: Record<string, string> = {
  submit: "Submitted for review.",
  approve: "Approved.",
  "request-changes": "Sent back to the author.",
  reject: "Rejected.",
  withdraw: "Withdrawn.",
  publish: "Published: it is live now.",
};

export async function changeView(ctx: AppContext, main: HTMLElement, id: string, notice?: string): Promise<void> {
  const errors = h("div", { class: "messages" });
  render(main, h("p", { class: "muted", "aria-busy": "true" }, "Loading the change request…"), errors);
  let change: ChangeDetail;
  try {
    change = await ctx.api.change(id);
  } catch (e) {
    render(main, h("h1", { tabindex: "-1" }, "Change request"), errors, back());
    showError(errors, e);
    return;
  }
  draw(ctx, main, change, notice);
}

function back(): HTMLElement {
  return h("p", null, h("a", { href: hrefFor({ name: "changes", state: null }), "data-nav": "" }, "← All change requests"));
}

function draw(ctx: AppContext, main: HTMLElement, change: ChangeDetail, notice?: string): void {
  const messages = h("div", { class: "messages", "data-testid": "action-messages" });
  render(
    main,
    back(),
    h("div", { class: "toolbar" },
      h("h1", { tabindex: "-1" }, h("span", { class: "kind" }, change.kind), " ", change.target),
      stateBadge(change.state),
    ),
    facts(change),
    messages,
    actionsPanel(ctx, main, change, messages),
    h("section", { "aria-labelledby": "diff-title", class: "card" },
      h("h2", { id: "diff-title" }, "Diff against what is live"),
      h("p", { class: "muted" }, diffSummary(change.diff),
        change.baseVersion ? ` Base: version ${change.baseVersion}.` : " Nothing of this target is live yet."),
      diffTable(diffRows(change.diff)),
    ),
    h("section", { "aria-labelledby": "reviews-title", class: "card" },
      h("h2", { id: "reviews-title" }, "Reviews"),
      (change.reviews ?? []).length === 0
        ? h("p", { class: "empty" }, "No reviews yet.")
        : h("ul", { class: "timeline", "data-testid": "reviews" },
            (change.reviews ?? []).map((r) =>
              h("li", null,
                h("strong", null, r.reviewer.name), ` ${decisionLabel(r.decision)} revision ${r.revision}`,
                h("span", { class: "muted" }, ` · ${formatInstant(r.at)}`),
                r.comment ? h("blockquote", null, r.comment) : null,
              ),
            ),
          ),
    ),
    h("section", { "aria-labelledby": "comments-title", class: "card" },
      h("h2", { id: "comments-title" }, "Comments and history"),
      (change.comments ?? []).length === 0
        ? h("p", { class: "empty" }, "No comments.")
        : h("ul", { class: "timeline", "data-testid": "comments" },
            (change.comments ?? []).map((c) =>
              h("li", null,
                h("strong", null, c.author.name), ` (${c.action.replace(/_/g, " ")})`,
                h("span", { class: "muted" }, ` · ${formatInstant(c.at)}`),
                h("blockquote", null, c.body),
              ),
            ),
          ),
    ),
    h("details", { class: "card" },
      h("summary", null, "Full proposed content (JSON)"),
      h("pre", { class: "json" }, JSON.stringify(change.content ?? null, null, 2)),
    ),
  );
  if (notice) showInfo(messages, notice);
  main.querySelector<HTMLElement>("h1")?.focus();
}

function facts(c: ChangeDetail): HTMLElement {
  const row = (k: string, v: Node | string) => [h("dt", null, k), h("dd", null, v)];
  return h("dl", { class: "facts" },
    row("Risk", riskBadge(c.risk)),
    row("Approvals", approvalsLabel(c.approvals, c.requiredApprovals)),
    row("Author", c.author?.name ?? "—"),
    row("Revision", String(c.revision)),
    row("Created", formatInstant(c.createdAt)),
    row("Submitted", formatInstant(c.submittedAt)),
    c.publishedAt ? row("Published", `${formatInstant(c.publishedAt)}${c.publishedVersion ? ` as version ${c.publishedVersion}` : ""}`) : [],
    c.rollbackOf ? row("Rollback of", h("a", { href: hrefFor({ name: "change", id: c.rollbackOf }), "data-nav": "" }, shortId(c.rollbackOf))) : [],
    c.postHocReview ? row("Review after the fact", c.postHocReview) : [],
    c.rebaseRequired ? row("Rebase", `required: live is now version ${c.liveVersion ?? "?"}`) : [],
    row("Id", h("code", null, c.id)),
  );
}

function actionsPanel(ctx: AppContext, main: HTMLElement, change: ChangeDetail, messages: HTMLElement): HTMLElement | null {
  const options = actionsFor(ctx.session.me, change).filter((o) => o.visible);
  if (options.length === 0) return null;
  const commentId = newId("comment");
  const comment = h("textarea", { id: commentId, name: "comment", rows: 3, maxlength: 4000, placeholder: "Why? (kept with the change and in the audit trail)" });
  const buttons = options.map((o) => actionButton(o));
  const reasons = options.filter((o) => !o.enabled && o.reason);
  const panel = h(
    "section",
    { class: "card actions", "aria-labelledby": "actions-title" },
    h("h2", { id: "actions-title" }, "Your decision"),
    h("div", { class: "field" }, h("label", { for: commentId }, "Comment"), comment),
    h("div", { class: "buttons" }, buttons),
    reasons.length === 0
      ? null
      : h("ul", { class: "reasons", "data-testid": "disabled-reasons" },
          // The same sentence for several actions (e.g. "you wrote this change") is said once.
          [...new Set(reasons.map((o) => o.reason!))].map((r) => h("li", null, r)),
        ),
  );
  for (const [i, o] of options.entries()) {
    const b = buttons[i]!;
    b.addEventListener("click", async () => {
      if (o.commentRequired && comment.value.trim() === "") {
        showError(messages, new Error(`Please say why in the comment before you choose "${o.label}".`));
        comment.focus();
        return;
      }
      if (o.action === "publish" && !window.confirm(`Publish ${change.kind} "${change.target}"? It goes live at once.`)) {
        return;
      }
      buttons.forEach((x) => (x.disabled = true));
      panel.setAttribute("aria-busy", "true");
      try {
        const updated = await ctx.api.act(change.id, o.action, comment.value);
        draw(ctx, main, updated, DONE[o.action]);
      } catch (e) {
        panel.removeAttribute("aria-busy");
        // Put the buttons back as they were: the server said no, the reasons have not changed.
        buttons.forEach((x, j) => (x.disabled = !options[j]!.enabled));
        showError(messages, e);
        messages.querySelector<HTMLElement>("[role=alert]")?.setAttribute("tabindex", "-1");
        messages.querySelector<HTMLElement>("[role=alert]")?.focus();
      }
    });
  }
  return panel;
}

function actionButton(o: ActionOption): HTMLButtonElement {
  const cls = o.action === "reject" ? "danger" : o.action === "approve" || o.action === "publish" || o.action === "submit" ? "primary" : "";
  return h("button", {
    type: "button",
    class: cls,
    "data-action": o.action,
    disabled: !o.enabled,
    title: o.enabled ? null : o.reason ?? null,
    "aria-disabled": o.enabled ? null : "true",
  }, o.label);
}

function diffTable(rows: DiffRow[]): HTMLElement | null {
  if (rows.length === 0) return null;
  return h("table", { class: "diff", "data-testid": "diff" },
    h("thead", null, h("tr", null, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Change"), h("th", { scope: "col" }, "Before"), h("th", { scope: "col" }, "After"))),
    h("tbody", null,
      rows.map((r) =>
        h("tr", { class: `op-${r.op}` },
          h("th", { scope: "row" }, h("code", null, r.path)),
          h("td", null, h("span", { class: `badge op-${r.op}` }, r.op)),
          r.secret
            ? h("td", { colspan: 2, class: "muted" }, "Secret value: changed, not shown.")
            : r.lines
              ? h("td", { colspan: 2 },
                  h("pre", { class: "lines" },
                    r.lines.map((l) => h("span", { class: `line line-${l.kind}` }, `${l.kind === "added" ? "+ " : l.kind === "removed" ? "- " : "  "}${l.text}\n`)),
                  ),
                )
              : [
                  h("td", null, r.before === undefined ? h("span", { class: "muted" }, "—") : h("pre", { class: "value before" }, r.before)),
                  h("td", null, r.after === undefined ? h("span", { class: "muted" }, "—") : h("pre", { class: "value after" }, r.after)),
                ],
        ),
      ),
    ),
  );
}
