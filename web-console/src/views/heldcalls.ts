// The queue of held MCP tool calls (docs/mcp.md "Oversight", docs/console.md): each call with its
// tool, server version, calling key, the key's owner and scope, how long it waits and its deadline,
// the arguments as policy left them; approve or refuse with a comment. The list refreshes itself
// every few seconds without losing what a reviewer is typing: cards are kept by id and only their
// facts are redrawn, the decision panel only when the call's status changed.
import { h, newId, render } from "../dom.js";
import { formatInstant, shortId } from "../format.js";
import {
  COMMENT_MAX, deadlineText, decisionBody, decisionsFor, heldFor, heldStatusLabel, mergeRefresh, personText, prettyArguments,
  REFRESH_MS, scopeText, type DecisionOption, type HeldCall, type HeldCallFilter,
} from "../heldcalls.js";
import { showError, showInfo } from "../messages.js";
import { hrefFor } from "../routes.js";
import { capabilities } from "../permissions.js";
import type { AppContext } from "../context.js";
import type { Me } from "../types.js";

const DONE: Record<string, string> = {
  approve: "Approved: the call runs now and its answer goes to the agent.",
  refuse: "Refused: the agent is told, with your comment.",
};

interface Card {
  call: HeldCall;
  el: HTMLElement;
  badge: HTMLElement;
  facts: HTMLElement;
  messages: HTMLElement;
  panel: HTMLElement;
}

export async function heldCallsView(ctx: AppContext, main: HTMLElement, filter: HeldCallFilter): Promise<void> {
  const select = h("select", { id: "held-filter", name: "status" },
    h("option", { value: "held", selected: filter === "held" }, "Waiting for a decision"),
    h("option", { value: "all", selected: filter === "all" }, "All recent calls"),
  );
  select.addEventListener("change", () => ctx.navigate(hrefFor({ name: "held-calls", filter: select.value === "all" ? "all" : "held" })));
  const refreshButton = h("button", { type: "button" }, "Refresh now");
  // Read out only when the count changes, not on every refresh.
  const summary = h("p", { class: "held-summary", "aria-live": "polite", "data-testid": "held-summary" });
  const updated = h("span", { class: "muted small", "data-testid": "held-updated" });
  const errors = h("div", { class: "messages" });
  const list = h("ul", { class: "held-calls", "data-testid": "held-calls", "aria-busy": "true" });
  const empty = h("p", { class: "empty", "data-testid": "held-empty", hidden: true },
    filter === "held" ? "No tool calls are waiting for a decision." : "No held tool calls in the recent past.");
  render(
    main,
    h("div", { class: "toolbar" }, h("h1", { tabindex: "-1" }, "Held tool calls"), refreshButton),
    h("p", { class: "muted" },
      "Calls of agents to tools registered with approval required wait here until a reviewer approves or refuses them. ",
      "Whoever created the calling key cannot decide its calls (four eyes). A call nobody decides is refused at its deadline.",
      capabilities(ctx.session.me).decideHeldCalls ? "" : " You can read the queue; reviewers and admins decide."),
    h("div", { class: "filters held-filters" }, h("label", { for: "held-filter" }, "Show"), select,
      h("span", { class: "muted small" }, `The list refreshes every ${REFRESH_MS / 1000} s.`), updated),
    summary,
    errors,
    empty,
    list,
  );

  const cards = new Map<string, Card>();
  // Calls decided on this page stay on it (with the decision) until the page is left.
  const decidedHere = new Map<string, HeldCall>();
  let loading = false;

  const show = (calls: HeldCall[]) => {
    const now = Date.now();
    const ids = new Set(calls.map((c) => c.id));
    for (const [id, card] of cards) {
      if (!ids.has(id)) {
        card.el.parentElement?.remove();
        cards.delete(id);
      }
    }
    for (const call of calls) {
      const card = cards.get(call.id);
      if (card) update(card, call, now);
      else cards.set(call.id, newCard(call, now));
    }
    // Keep the nodes in place when the order did not change: moving a node would take focus away.
    const wanted = calls.map((c) => cards.get(c.id)!.el.parentElement!);
    const inOrder = wanted.length === list.children.length && wanted.every((li, i) => list.children[i] === li);
    if (!inOrder) for (const li of wanted) list.appendChild(li);
    empty.hidden = calls.length > 0;
    const waiting = calls.filter((c) => c.status === "held").length;
    const text = filter === "held"
      ? `${waiting} ${waiting === 1 ? "call is" : "calls are"} waiting for a decision.`
      : `${calls.length} ${calls.length === 1 ? "call" : "calls"}, ${waiting} waiting for a decision.`;
    if (summary.textContent !== text) summary.textContent = text;
    updated.textContent = ` Updated ${new Date(now).toISOString().slice(11, 19)} UTC.`;
  };

  const refresh = async () => {
    if (loading) return;
    loading = true;
    try {
      show(mergeRefresh(await ctx.api.heldCalls(filter), decidedHere));
      render(errors);
    } catch (e) {
      showError(errors, e);
    } finally {
      loading = false;
      list.removeAttribute("aria-busy");
    }
  };

  const newCard = (call: HeldCall, now: number): Card => {
    const titleId = newId("held");
    const badge = statusBadge(call.status);
    const facts = h("div");
    const messages = h("div", { class: "messages", "data-testid": "held-messages" });
    const panel = h("div");
    const el = h("article", { class: "card held-call", "data-held-call": call.id, "data-status": call.status, "aria-labelledby": titleId },
      h("div", { class: "toolbar" }, h("h2", { id: titleId }, h("code", null, call.name)), badge),
      facts,
      h("h3", null, "Arguments, as policy left them"),
      h("pre", { class: "json", tabindex: "0", "aria-label": `Arguments of ${call.name}`, "data-testid": "held-arguments" },
        prettyArguments(call.arguments)),
      messages,
      panel,
    );
    list.appendChild(h("li", null, el));
    const card: Card = { call, el, badge, facts, messages, panel };
    render(facts, factsOf(ctx.session.me, call, now));
    drawPanel(card);
    return card;
  };

  const update = (card: Card, call: HeldCall, now: number) => {
    const statusChanged = card.call.status !== call.status;
    card.call = call;
    render(card.facts, factsOf(ctx.session.me, call, now));
    if (statusChanged) {
      card.el.setAttribute("data-status", call.status);
      const badge = statusBadge(call.status);
      card.badge.replaceWith(badge);
      card.badge = badge;
      drawPanel(card);
    }
  };

  const drawPanel = (card: Card) => {
    const options = decisionsFor(ctx.session.me, card.call);
    if (options.length === 0) {
      render(card.panel);
      return;
    }
    const commentId = newId("held-comment");
    const comment = h("textarea", {
      id: commentId, name: "comment", rows: 2, maxlength: COMMENT_MAX,
      placeholder: "Why? (sent to the agent when you refuse, kept in the audit trail)",
    });
    const buttons = options.map((o) => decisionButton(o, card.call));
    const reasons = [...new Set(options.filter((o) => !o.enabled && o.reason).map((o) => o.reason!))];
    render(card.panel,
      h("div", { class: "field" }, h("label", { for: commentId }, "Comment (required to refuse)"), comment),
      h("div", { class: "buttons" }, buttons),
      reasons.length === 0 ? null : h("ul", { class: "reasons", "data-testid": "disabled-reasons" }, reasons.map((r) => h("li", null, r))),
    );
    for (const [i, o] of options.entries()) {
      buttons[i]!.addEventListener("click", async () => {
        const d = decisionBody(o.decision, comment.value);
        if ("error" in d) {
          showError(card.messages, new Error(d.error));
          comment.focus();
          return;
        }
        buttons.forEach((b) => (b.disabled = true));
        card.panel.setAttribute("aria-busy", "true");
        try {
          const decided = await ctx.api.decideHeldCall(card.call.id, o.decision, d.body);
          decidedHere.set(decided.id, decided);
          update(card, decided, Date.now());
          showInfo(card.messages, DONE[o.decision]!);
          focusMessage(card.messages, "[role=status]");
        } catch (e) {
          card.panel.removeAttribute("aria-busy");
          // As they were: the server said no (403 four eyes, 409 someone else decided first).
          buttons.forEach((b, j) => (b.disabled = !options[j]!.enabled));
          showError(card.messages, e);
          focusMessage(card.messages, "[role=alert]");
          void refresh();
        }
      });
    }
  };

  refreshButton.addEventListener("click", () => void refresh());
  await refresh();
  const timer = window.setInterval(() => {
    // The page was left (another view drew main) or the person signed out: stop asking.
    if (!list.isConnected || !ctx.session.token()) {
      window.clearInterval(timer);
      return;
    }
    void refresh();
  }, REFRESH_MS);
}

function focusMessage(area: HTMLElement, selector: string): void {
  const m = area.querySelector<HTMLElement>(selector);
  m?.setAttribute("tabindex", "-1");
  m?.focus();
}

function statusBadge(status: string): HTMLElement {
  return h("span", { class: `badge held-${status.replace(/[^a-z_]/g, "")}`, "data-held-status": status }, heldStatusLabel(status));
}

function factsOf(me: Me | null, c: HeldCall, now: number): HTMLElement {
  const row = (k: string, ...v: (Node | string)[]) => [h("dt", null, k), h("dd", null, ...v)];
  const decided = c.status !== "held" && (c.decidedBy || c.decidedAt);
  return h("dl", { class: "facts", "data-testid": "held-facts" },
    row("Tool", h("code", null, c.tool)),
    row("Server", h("code", null, c.server), c.serverVersion ? ` · version ${shortId(c.serverVersion)}` : ""),
    row("Calling key", c.keyName ?? "—", h("span", { class: "muted" }, ` (${shortId(c.keyId)})`)),
    row("Key owner", personText(me, c.keyOwner, c.keyOwnerName)),
    row("Key scope", h("code", { "data-testid": "held-scope" }, scopeText(c.keyScope))),
    row("Request", c.requestId ? h("code", { class: "wrap" }, c.requestId) : "—"),
    row("Held since", formatInstant(c.createdAt), h("span", { class: "muted", "data-testid": "held-for" }, ` · ${heldFor(c, now)}`)),
    row("Deadline", formatInstant(c.deadline), c.status === "held" ? h("span", { class: "muted" }, ` · ${deadlineText(c, now)}`) : ""),
    decided ? row("Decided by", personText(me, c.decidedBy, c.decidedByName), ` · ${formatInstant(c.decidedAt)}`) : [],
    decided && c.comment ? row("Comment", h("span", { class: "held-comment" }, c.comment)) : [],
  );
}

function decisionButton(o: DecisionOption, call: HeldCall): HTMLButtonElement {
  return h("button", {
    type: "button",
    class: o.decision === "approve" ? "primary" : "danger",
    "data-decision": o.decision,
    disabled: !o.enabled,
    title: o.enabled ? null : o.reason ?? null,
    "aria-disabled": o.enabled ? null : "true",
    // The visible label is the verb; the accessible name says which call, since several are listed.
    "aria-label": `${o.label} ${call.name} (${shortId(call.id)})`,
  }, o.label);
}
