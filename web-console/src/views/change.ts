import { h, newId, render } from "../dom.js";
import { diffRows, diffSummary, type DiffRow } from "../diff.js";
import { approvalsLabel, decisionLabel, formatInstant, shortId } from "../format.js";
import { errorText, showError, showInfo } from "../messages.js";
import { actionsFor, type ActionOption, type ChangeActionName } from "../permissions.js";
import { messagePairs, touchesMessages, type SideCell } from "../promptdiff.js";
import { hrefFor } from "../routes.js";
import type { AppContext } from "../context.js";
import type { ChangeDetail } from "../types.js";
import { riskBadge, stateBadge } from "./changes.js";
import { threadSection } from "./changethread.js";
import { benchSection, previewSection } from "./changetools.js";
import { testCallSection } from "./changetestcall.js";
import { evidenceSection } from "./changeevidence.js";
import {
  evidenceRequiredLine, OVERRIDE_REASON_MAX, overridable, overrideBody, overrideFieldError, overrideView, publishRefusal,
} from "../evidence.js";

/** The kinds a golden set may bind (their ChangeKind offers evaluation): their changes carry evidence. */
const EVALUATED = ["prompt", "policy", "route"];

const DONE: Record<ChangeActionName, string> = {
  revise: "Saved as a new revision: submit it when it is ready.",
  submit: "Submitted for review.",
  rebase: "Rebased on what is live: review starts again.",
  approve: "Approved.",
  "request-changes": "Sent back to the author.",
  reject: "Rejected.",
  withdraw: "Withdrawn.",
  publish: "Published: it is live now.",
  rollback: "Rolled back: this rollback is live now and awaits its review after the fact.",
  "post-hoc-review": "Signed off: the rollback's review after the fact is done.",
};

const CONFIRM: Partial<Record<ChangeActionName, (c: ChangeDetail) => string>> = {
  publish: (c) => `Publish ${c.kind} "${c.target}"? It goes live at once.`,
  rollback: (c) => `Roll ${c.kind} "${c.target}" back to this version now, without review? It goes live at once (break-glass).`,
  withdraw: (c) => `Withdraw this change to ${c.kind} "${c.target}"? It cannot be reopened.`,
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

/** Reads the change again (a transition's answer lacks what is live now) and shows it with a notice. */
async function reload(ctx: AppContext, main: HTMLElement, id: string, notice: string, focus?: string): Promise<void> {
  const fresh = await ctx.api.change(id);
  draw(ctx, main, fresh, notice, focus);
}

function draw(ctx: AppContext, main: HTMLElement, change: ChangeDetail, notice?: string, focus?: string): void {
  const messages = h("div", { class: "messages", "data-testid": "action-messages" });
  const post = async (body: string, parentId: string | null) => {
    await ctx.api.addComment(change.id, body, parentId);
    await reload(ctx, main, change.id, parentId ? "Reply posted." : "Comment posted.", "#comments-title");
  };
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
      h("h2", { id: "diff-title" },
        change.rebaseRequired
          ? `Diff against its base (version ${change.baseVersion ?? "none"}; live is now version ${change.liveVersion ?? "?"})`
          : "Diff against what is live"),
      h("p", { class: "muted" }, diffSummary(change.diff),
        change.baseVersion ? ` Base: version ${change.baseVersion}.` : " Nothing of this target is live yet."),
      change.kind === "prompt" && touchesMessages(change.diff) ? messagesSideBySide(change) : null,
      diffTable(diffRows(change.diff)),
    ),
    EVALUATED.includes(change.kind) || (change.evidence ?? []).length > 0 ? evidenceSection(ctx, change) : null,
    change.kind === "prompt" ? previewSection(change) : null,
    change.kind === "policy" ? benchSection(ctx, change) : null,
    testCallSection(ctx, change),
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
    threadSection(ctx, change, post),
    h("details", { class: "card" },
      h("summary", null, "Full proposed content (JSON)"),
      h("pre", { class: "json" }, JSON.stringify(change.content ?? null, null, 2)),
    ),
  );
  if (notice) showInfo(messages, notice);
  main.querySelector<HTMLElement>(focus ?? "h1")?.focus();
}

/**
 * Prompt messages old | new, one table per message position. The left side is rebuilt from the
 * stored diff, so it is the version the change was based on: live only while no rebase is required.
 */
function messagesSideBySide(change: ChangeDetail): HTMLElement {
  const base = change.baseVersion ? `Base (version ${change.baseVersion})` : "Base (nothing live)";
  const cell = (c: SideCell) =>
    h("td", { class: `side side-${c.kind}` },
      c.kind === "empty" ? "" : h("span", { class: "visually-hidden" }, c.kind === "removed" ? "removed: " : c.kind === "added" ? "added: " : ""),
      c.text,
    );
  return h("div", { class: "side-by-side", "data-testid": "messages-side-by-side" },
    change.rebaseRequired
      ? h("p", { class: "muted", "data-testid": "base-not-live" },
          `The left side is the version this change was based on (${change.baseVersion ? `version ${change.baseVersion}` : "nothing"}), no longer what is live: live is now version ${change.liveVersion ?? "?"}. Rebase to compare with it.`)
      : null,
    messagePairs(change.content, change.diff).map((p) => {
      const role = p.roleBefore === p.roleAfter || p.roleBefore === null ? p.roleAfter : p.roleAfter === null ? p.roleBefore : `${p.roleBefore} → ${p.roleAfter}`;
      return h("table", { class: `sbs sbs-${p.status}`, "data-message": p.index },
        h("caption", null, `Message ${p.index + 1}${role ? ` (${role})` : ""}: ${p.status === "same" ? "unchanged" : p.status}`),
        h("thead", null, h("tr", null, h("th", { scope: "col" }, change.rebaseRequired ? base : change.baseVersion ? `Live (version ${change.baseVersion})` : "Live (nothing yet)"), h("th", { scope: "col" }, "Proposed"))),
        h("tbody", null, p.rows.map((r) => h("tr", null, cell(r.left), cell(r.right)))),
      );
    }),
  );
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
    c.rollbackOf && (c.rollbackOfAuthors ?? []).length > 0 ? row("Re-applied content by", (c.rollbackOfAuthors ?? []).map((p) => p.name).join(", ")) : [],
    (c.authors ?? []).length > 1 ? row("Revisions by", (c.authors ?? []).map((p) => p.name).join(", ")) : [],
    c.postHocReview ? row("Review after the fact", c.postHocReview) : [],
    evidenceRequiredLine(c) ? row("Evidence", h("span", { "data-testid": "fact-evidence-required" }, "Publishing needs evidence")) : [],
    c.evidenceOverride ? row("Evidence override", h("span", { "data-testid": "fact-evidence-override" }, overrideView(c.evidenceOverride).heading)) : [],
    c.rebaseRequired ? row("Rebase", `required: live is now version ${c.liveVersion ?? "?"}`) : [],
    row("Id", h("code", null, c.id)),
  );
}

function actionsPanel(ctx: AppContext, main: HTMLElement, change: ChangeDetail, messages: HTMLElement): HTMLElement | null {
  const options = actionsFor(ctx.session.me, change).filter((o) => o.visible);
  if (options.length === 0) return null;
  const commentId = newId("comment");
  const comment = h("textarea", { id: commentId, name: "comment", rows: 3, maxlength: 4000, placeholder: "Why? (kept with the change and in the audit trail)" });
  const reasonIds = new Map(options.map((o) => [o.action, newId("reason")] as const));
  const buttons = options.map((o) => actionButton(o, o.enabled ? null : reasonIds.get(o.action)!));
  const reasons = options.filter((o) => !o.enabled && o.reason);
  const editorSlot = h("div", { class: "revise-slot" });
  // a refused publish (evidence missing or failed, or anything else) is said at the publish button
  const refusalId = newId("publish-refusal");
  const refusal = h("div", { id: refusalId, class: "messages", "data-testid": "publish-refusal" });
  const panel = h(
    "section",
    { class: "card actions", "aria-labelledby": "actions-title" },
    h("h2", { id: "actions-title" }, "Your decision"),
    h("div", { class: "field" }, h("label", { for: commentId }, "Comment"), comment),
    h("div", { class: "buttons" }, buttons),
    refusal,
    editorSlot,
    reasons.length === 0
      ? null
      : h("ul", { class: "reasons", "data-testid": "disabled-reasons" },
          // each disabled button is described by its own reason (aria-describedby)
          reasons.map((o) => h("li", { id: reasonIds.get(o.action)!, "data-reason-for": o.action }, h("strong", null, `${o.label}: `), o.reason!)),
        ),
  );
  const restore = () => {
    panel.removeAttribute("aria-busy");
    // Put the buttons back as they were: the server said no, the reasons have not changed.
    buttons.forEach((x, j) => (x.disabled = !options[j]!.enabled));
  };
  const fail = (e: unknown) => {
    restore();
    showError(messages, e);
    messages.querySelector<HTMLElement>("[role=alert]")?.setAttribute("tabindex", "-1");
    messages.querySelector<HTMLElement>("[role=alert]")?.focus();
  };
  for (const [i, o] of options.entries()) {
    const b = buttons[i]!;
    b.addEventListener("click", async () => {
      if (o.action === "revise") {
        openEditor(ctx, main, change, editorSlot, comment, b, fail);
        return;
      }
      if (o.commentRequired && comment.value.trim() === "") {
        showError(messages, new Error(`Please say why in the comment before you choose "${o.label}".`));
        comment.focus();
        return;
      }
      const ask = CONFIRM[o.action];
      if (ask && !window.confirm(ask(change))) return;
      buttons.forEach((x) => (x.disabled = true));
      panel.setAttribute("aria-busy", "true");
      try {
        const answer = await ctx.api.act(change.id, o.action as Exclude<ChangeActionName, "revise">, comment.value);
        if (o.action === "rollback") {
          // the answer is the new rollback change: go there
          history.pushState(null, "", hrefFor({ name: "change", id: answer.id }));
          await changeView(ctx, main, answer.id, DONE.rollback);
        } else {
          await reload(ctx, main, change.id, DONE[o.action]);
        }
      } catch (e) {
        const refused = o.action === "publish" ? publishRefusal(e) : null;
        if (!refused) {
          fail(e);
          return;
        }
        restore();
        render(refusal, h("div", { class: "message error", role: "alert", tabindex: "-1", "data-testid": "error", "data-evidence": refused.evidence ? "true" : null },
          h("strong", null, `${refused.heading} `),
          h("span", { class: "detail" }, refused.detail),
          refused.evidence
            ? h("span", null, " ", h("button", {
                type: "button", class: "link",
                on: { click: () => main.querySelector<HTMLElement>("#evidence-title")?.focus() },
              }, "See the evidence"))
            : null,
        ));
        // a failed run (never a missing one) may be overridden with a reason: the form goes with the refusal
        if (overridable(e)) refusal.append(overrideForm(ctx, main, change, comment));
        b.setAttribute("aria-describedby", [b.getAttribute("aria-describedby"), refusalId].filter(Boolean).join(" "));
        refusal.querySelector<HTMLElement>("[role=alert]")?.focus();
      }
    });
  }
  return panel;
}

/**
 * "Publish over the failed evaluation" (issue 23): a required reason (1..2000 characters) sent with the
 * publication; the server decides (one more distinct approval than the rule needs, a publisher who
 * authored no revision) and its refusal is said at the reason field.
 */
function overrideForm(ctx: AppContext, main: HTMLElement, change: ChangeDetail, comment: HTMLTextAreaElement): HTMLElement {
  const titleId = newId("override-form-title");
  const reasonId = newId("override-reason");
  const hintId = newId("override-hint");
  const errorId = `${reasonId}-error`;
  const reason = h("textarea", {
    id: reasonId, name: "reason", rows: 3, maxlength: OVERRIDE_REASON_MAX, required: true, "aria-required": "true",
    "aria-describedby": `${hintId} ${errorId}`, "data-testid": "override-reason",
  });
  const error = h("p", { id: errorId, class: "field-error", hidden: true, "data-testid": "override-error" });
  const send = h("button", { type: "submit", class: "danger", "data-testid": "override-publish" }, "Publish over the failed evaluation");
  const form = h("form", { class: "override-form", "aria-labelledby": titleId, "data-testid": "override-form", novalidate: true },
    h("h3", { id: titleId }, "Publish over the failed evaluation"),
    h("p", { id: hintId, class: "muted" },
      "A failed run can be overridden when one more reviewer than the rule needs has approved this revision, by an admin who authored none of it. ",
      `The reason (up to ${OVERRIDE_REASON_MAX} characters) is recorded on the change and in the audit trail; the comment above goes with it.`),
    h("div", { class: "field" }, h("label", { for: reasonId }, "Reason for publishing over the failed evaluation (required)"), reason, error),
    h("div", { class: "buttons" }, send),
  );
  const say = (text: string | null) => {
    if (text === null) {
      error.hidden = true;
      error.replaceChildren();
      reason.removeAttribute("aria-invalid");
      error.removeAttribute("role");
      return;
    }
    error.replaceChildren(text);
    error.hidden = false;
    error.setAttribute("role", "alert");
    reason.setAttribute("aria-invalid", "true");
    reason.focus();
  };
  let busy = false;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (busy) return;
    const b = overrideBody(comment.value, reason.value);
    if (b.error !== null) {
      say(b.error);
      return;
    }
    say(null);
    busy = true;
    send.setAttribute("aria-disabled", "true");
    form.setAttribute("aria-busy", "true");
    try {
      await ctx.api.publishOverride(change.id, b.body);
      await reload(ctx, main, change.id, "Published over the failed evaluation: the override is recorded on the change.", "#evidence-title");
    } catch (err) {
      say(overrideFieldError(err) ?? errorText(err));
    } finally {
      busy = false;
      send.removeAttribute("aria-disabled");
      form.removeAttribute("aria-busy");
    }
  });
  return form;
}

/** The revise form: the content as JSON, saved as a new revision with the panel's comment. */
function openEditor(
  ctx: AppContext, main: HTMLElement, change: ChangeDetail, slot: HTMLElement, comment: HTMLTextAreaElement,
  opener: HTMLButtonElement, fail: (e: unknown) => void,
): void {
  if (slot.firstChild) {
    slot.replaceChildren();
    opener.setAttribute("aria-expanded", "false");
    return;
  }
  opener.setAttribute("aria-expanded", "true");
  const id = newId("content");
  const hint = newId("content-hint");
  const content = h("textarea", { id, class: "code", rows: 16, spellcheck: "false", "aria-describedby": hint }, JSON.stringify(change.content ?? {}, null, 2));
  const save = h("button", { type: "submit", class: "primary" }, "Save revision");
  const form = h("form", { class: "revise", "aria-label": "Revise the content" },
    h("div", { class: "field" },
      h("label", { for: id }, "Content (JSON)"),
      h("p", { id: hint, class: "muted" },
        `Revision ${change.revision + 1} replaces this content; the comment above goes with it. Approvals given so far do not carry over.`),
      content,
    ),
    h("div", { class: "buttons" },
      save,
      h("button", { type: "button", on: { click: () => { slot.replaceChildren(); opener.setAttribute("aria-expanded", "false"); opener.focus(); } } }, "Cancel"),
    ),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(content.value);
    } catch (err) {
      fail(new Error(`The content is not valid JSON: ${err instanceof Error ? err.message : String(err)}`));
      content.focus();
      return;
    }
    save.disabled = true;
    try {
      await ctx.api.revise(change.id, parsed, comment.value);
      await reload(ctx, main, change.id, DONE.revise);
    } catch (err) {
      save.disabled = false;
      fail(err);
    }
  });
  slot.replaceChildren(form);
  content.focus();
}

function actionButton(o: ActionOption, describedBy: string | null): HTMLButtonElement {
  const cls =
    o.action === "reject" || o.action === "rollback" ? "danger"
      : o.action === "approve" || o.action === "publish" || o.action === "submit" || o.action === "post-hoc-review" ? "primary" : "";
  return h("button", {
    type: "button",
    class: cls,
    "data-action": o.action,
    disabled: !o.enabled,
    title: o.enabled ? null : o.reason ?? null,
    "aria-disabled": o.enabled ? null : "true",
    "aria-describedby": describedBy,
    "aria-expanded": o.action === "revise" ? "false" : null,
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
