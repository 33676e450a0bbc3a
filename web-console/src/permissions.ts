// Which actions the console offers a person on a change, and why not when it does not. The server
// enforces every rule again (403/409); this only keeps people from pressing buttons that cannot work.
import { ADMIN_PAGES, type AdminPage } from "./routes.js";
import type { ChangeDetail, ChangeSummary, Me } from "./types.js";

export type ChangeActionName = "submit" | "approve" | "request-changes" | "reject" | "withdraw" | "publish";

export interface ActionOption {
  action: ChangeActionName;
  label: string;
  /** Shown at all (the person's roles make it relevant). */
  visible: boolean;
  /** Clickable now; when false, {@link reason} says why. */
  enabled: boolean;
  reason?: string;
  /** The comment box is required for this action (a rejection or a request for changes explains itself). */
  commentRequired: boolean;
}

export const LABELS: Record<ChangeActionName, string> = {
  submit: "Submit for review",
  approve: "Approve",
  "request-changes": "Request changes",
  reject: "Reject",
  withdraw: "Withdraw",
  publish: "Publish",
};

const STATE_WORDS: Record<string, string> = {
  draft: "a draft",
  in_review: "in review",
  approved: "approved",
  rejected: "rejected",
  changes_requested: "waiting for changes",
  published: "published",
  superseded: "superseded",
  withdrawn: "withdrawn",
};

export function hasRole(me: Me | null, ...roles: string[]): boolean {
  return !!me && roles.some((r) => me.roles.includes(r));
}

/** The change was written by this person (by id; by name when ids are missing). */
export function isAuthor(me: Me | null, change: ChangeSummary): boolean {
  if (!me || !change.author) return false;
  if (change.author.id && me.userId) return change.author.id === me.userId;
  return !!change.author.name && change.author.name === me.username;
}

/** This person authored a revision of the change (created, revised or rebased it). */
export function isCoAuthor(me: Me | null, change: ChangeSummary): boolean {
  if (isAuthor(me, change)) return true;
  if (!me) return false;
  return (change.authors ?? []).some((p) => (p.id && me.userId ? p.id === me.userId : p.name === me.username));
}

/** This person already approved the change's current revision. */
export function approvedCurrentRevision(me: Me | null, change: ChangeDetail): boolean {
  if (!me) return false;
  const reviews = change.reviews ?? [];
  if (reviews.length > 0) {
    return reviews.some(
      (r) =>
        r.decision === "approved" || r.decision === "approve"
          ? r.revision === change.revision && (r.reviewer.id === me.userId || r.reviewer.name === me.username)
          : false,
    );
  }
  return (change.approvedBy ?? []).some((x) => x === me.userId || x === me.username);
}

function stateWord(state: string): string {
  return STATE_WORDS[state] ?? state;
}

function option(action: ChangeActionName, visible: boolean, why: string | null): ActionOption {
  const o: ActionOption = {
    action,
    label: LABELS[action],
    visible,
    enabled: visible && why === null,
    commentRequired: action === "reject" || action === "request-changes",
  };
  if (visible && why !== null) o.reason = why;
  return o;
}

/** Every action with whether it is shown and enabled for this person on this change. */
export function actionsFor(me: Me | null, change: ChangeDetail): ActionOption[] {
  const state = change.state;
  const admin = hasRole(me, "admin");
  const author = isAuthor(me, change);
  const canAuthor = hasRole(me, "author", "admin") && (author || admin);
  const reviewer = hasRole(me, "reviewer", "admin");
  const postHocPending = state === "published" && change.postHocReview === "pending";

  // Authoring: submit and withdraw belong to the change's author (or an admin).
  const submitWhy =
    state === "draft" || state === "changes_requested" ? null : `The change is ${stateWord(state)}; only drafts can be submitted.`;
  const withdrawWhy = ["draft", "in_review", "changes_requested", "approved"].includes(state)
    ? null
    : `The change is ${stateWord(state)} and can no longer be withdrawn.`;

  // Reviewing: shown to reviewers, and to the author so that the four-eyes rule is visible.
  const coAuthor = isCoAuthor(me, change);
  const reviewVisible = reviewer || coAuthor;
  const ownWhy = coAuthor
    ? "You wrote a revision of this change: someone else must review it (four-eyes rule)."
    : null;
  const roleWhy = reviewer ? null : "Reviewing needs the reviewer role.";
  let approveWhy: string | null = ownWhy ?? roleWhy;
  if (approveWhy === null) {
    if (state === "in_review" || state === "approved" || postHocPending) {
      if (approvedCurrentRevision(me, change) && !postHocPending) {
        approveWhy = `You already approved revision ${change.revision}.`;
      }
    } else {
      approveWhy = `The change is ${stateWord(state)}; only changes in review can be approved.`;
    }
  }
  const decideWhy = (verb: string): string | null =>
    ownWhy ?? roleWhy ?? (state === "in_review" ? null : `The change is ${stateWord(state)}; only changes in review can be ${verb}.`);

  let publishWhy: string | null = null;
  if (state !== "approved") {
    publishWhy = `The change is ${stateWord(state)}; only approved changes can be published.`;
  } else if (change.rebaseRequired) {
    publishWhy = "Something else went live since this change was made: it must be re-based and reviewed again.";
  } else if (change.approvals < change.requiredApprovals) {
    publishWhy = `It has ${change.approvals} of ${change.requiredApprovals} required approvals.`;
  }

  return [
    option("submit", canAuthor && (state === "draft" || state === "changes_requested"), submitWhy),
    option("approve", reviewVisible && (state === "in_review" || state === "approved" || postHocPending), approveWhy),
    option("request-changes", reviewVisible && state === "in_review", decideWhy("sent back")),
    option("reject", reviewVisible && state === "in_review", decideWhy("rejected")),
    option("publish", admin && (state === "approved"), publishWhy),
    option("withdraw", canAuthor && withdrawWhy === null, withdrawWhy),
  ];
}

/** One administration page: shown in the menu when allowed, else "not available" with the reason. */
export interface AdminPageAccess {
  page: AdminPage;
  label: string;
  allowed: boolean;
  /** Who may use it, said to everyone else. */
  who: string;
}

const ADMIN_LABELS: Record<AdminPage, [string, string[], string]> = {
  tenants: ["Tenants", ["platform-admin"], "Tenants are managed by the platform admin."],
  egress: ["Egress allow-list", ["platform-admin"], "The egress allow-list of a tenant is set by the platform admin."],
  users: ["Users and roles", ["admin"], "Users and their roles are managed by the tenant's admins."],
  keys: ["API keys", ["admin"], "API keys are managed by the tenant's admins."],
  limits: ["Limits and budgets", ["admin"], "Limits and budgets are set by the tenant's admins."],
  webhooks: ["Webhooks", ["admin"], "Webhooks are managed by the tenant's admins."],
};

/**
 * Whether the server grants this person one of the roles, as Caller.has does: the platform admin holds
 * every tenant role too (in its own tenant), so the tenant's administration pages are theirs as well.
 */
export function holdsRole(me: Me | null, ...roles: string[]): boolean {
  return hasRole(me, ...roles) || (hasRole(me, "platform-admin") && roles.some((r) => r !== "platform-admin"));
}

/** The administration pages with whether this person may use them (the server checks the same roles). */
export function adminPages(me: Me | null): AdminPageAccess[] {
  return ADMIN_PAGES.map((page) => {
    const [label, roles, who] = ADMIN_LABELS[page];
    return { page, label, allowed: holdsRole(me, ...roles), who };
  });
}

/** What a person may do in the console at all, from their roles. */
export interface Capabilities {
  createChanges: boolean;
  readChanges: boolean;
  readAudit: boolean;
  /** The dashboard's statistics (docs/statistics.md: admin and auditor). */
  readStats: boolean;
  /** The queue of held MCP tool calls: auditors read it (docs/mcp.md) ... */
  readHeldCalls: boolean;
  /** ... reviewers and admins decide them, as they decide changes. */
  decideHeldCalls: boolean;
  /** At least one administration page (tenant admins and the platform admin). */
  administer: boolean;
}

export function capabilities(me: Me | null): Capabilities {
  return {
    createChanges: hasRole(me, "author", "admin"),
    readChanges: hasRole(me, "author", "reviewer", "admin", "auditor"),
    readAudit: hasRole(me, "auditor"),
    readStats: hasRole(me, "admin", "auditor"),
    readHeldCalls: hasRole(me, "reviewer", "admin", "auditor"),
    decideHeldCalls: hasRole(me, "reviewer", "admin"),
    administer: hasRole(me, "admin", "platform-admin"),
  };
}
