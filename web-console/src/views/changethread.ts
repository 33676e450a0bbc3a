// The comment thread of the change page: comments (and the comments given with workflow actions)
// with their replies nested under them (up to four levels; deeper replies stand beside their parent
// and say whom they answer), a Reply button on each, and a form for a new comment.
import { h, newId } from "../dom.js";
import { formatInstant } from "../format.js";
import { showError } from "../messages.js";
import { hasRole } from "../permissions.js";
import { commentThread, MAX_REPLY_DEPTH, threadSize, type ThreadNode } from "../thread.js";
import type { AppContext } from "../context.js";
import type { ChangeDetail } from "../types.js";

/** Posts a comment (parentId null) or a reply; resolves once the page shows the change again. */
export type PostComment = (body: string, parentId: string | null) => Promise<void>;

export function threadSection(ctx: AppContext, change: ChangeDetail, post: PostComment): HTMLElement {
  const roots = commentThread(change.comments);
  const canComment = hasRole(ctx.session.me, "author", "reviewer", "admin");
  const errors = h("div", { class: "messages", "data-testid": "comment-messages" });
  return h("section", { "aria-labelledby": "comments-title", class: "card" },
    h("h2", { id: "comments-title", tabindex: "-1" }, "Comments and history"),
    h("p", { class: "muted" }, roots.length === 0 ? "" : `${threadSize(roots)} ${threadSize(roots) === 1 ? "comment" : "comments"}, replies under the comment they answer.`),
    errors,
    roots.length === 0
      ? h("p", { class: "empty" }, "No comments.")
      : h("ul", { class: "thread", "data-testid": "comments" }, roots.map((n) => node(n, canComment, post, errors))),
    canComment
      ? commentForm("New comment", "Post comment", (body) => post(body, null), errors, null)
      : h("p", { class: "muted" }, "Commenting needs the author, reviewer or admin role."),
  );
}

function node(n: ThreadNode, canComment: boolean, post: PostComment, errors: HTMLElement): HTMLElement {
  const c = n.comment;
  const slot = h("div", { class: "reply-slot" });
  const tooDeep = n.depth >= MAX_REPLY_DEPTH;
  const reply =
    canComment && c.id && !tooDeep
      ? h("button", {
          type: "button",
          class: "link",
          "data-reply-to": c.id,
          "aria-label": `Reply to ${c.author.name}`,
          "aria-expanded": "false",
        }, "Reply")
      : null;
  reply?.addEventListener("click", () => {
    if (slot.firstChild) {
      slot.replaceChildren();
      reply.setAttribute("aria-expanded", "false");
      reply.focus();
      return;
    }
    reply.setAttribute("aria-expanded", "true");
    const form = commentForm(`Your reply to ${c.author.name}`, "Post reply", (body) => post(body, c.id!), errors, () => {
      slot.replaceChildren();
      reply.setAttribute("aria-expanded", "false");
      reply.focus();
    });
    slot.replaceChildren(form);
    form.querySelector("textarea")?.focus();
  });
  return h("li", { "data-comment": c.id ?? null, "data-parent": c.parentId ?? null, "data-level": n.level },
    h("div", { class: "comment" },
      h("strong", null, c.author.name),
      c.action === "comment" ? null : h("span", null, ` (${c.action.replace(/[_-]/g, " ")})`),
      n.inReplyTo !== null
        ? h("span", { class: "muted", "data-in-reply-to": "" }, ` in reply to ${n.inReplyTo}`)
        : c.parentId ? h("span", { class: "muted" }, " replied") : null,
      h("span", { class: "muted" }, ` · ${formatInstant(c.at)}`),
      h("blockquote", null, c.body),
      reply,
      canComment && c.id && tooDeep
        ? h("span", { class: "muted", "data-no-reply": "" }, `Replies stop at ${MAX_REPLY_DEPTH} levels: answer a comment higher up.`)
        : null,
      slot,
    ),
    // nested at most MAX_NESTING levels (thread.ts), so this recursion is shallow however long the chain
    n.replies.length === 0 ? null : h("ul", { class: "thread replies" }, n.replies.map((r) => node(r, canComment, post, errors))),
  );
}

function commentForm(
  label: string, buttonLabel: string, send: (body: string) => Promise<void>, errors: HTMLElement, cancel: (() => void) | null,
): HTMLElement {
  const id = newId("comment-body");
  const text = h("textarea", { id, rows: 3, maxlength: 10000 });
  const button = h("button", { type: "submit" }, buttonLabel);
  const form = h("form", { class: "comment-form" },
    h("div", { class: "field" }, h("label", { for: id }, label), text),
    h("div", { class: "buttons" },
      button,
      cancel ? h("button", { type: "button", on: { click: () => cancel() } }, "Cancel") : null,
    ),
  );
  text.addEventListener("keydown", (e) => {
    if (cancel && e.key === "Escape") cancel();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (text.value.trim() === "") {
      showError(errors, new Error("Write something before you post it."));
      text.focus();
      return;
    }
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      await send(text.value.trim());
    } catch (err) {
      // what was typed stays where it was
      button.disabled = false;
      form.removeAttribute("aria-busy");
      showError(errors, err);
      text.focus();
    }
  });
  return form;
}
