// Which actions the console offers a person on a change, and why not when it does not. The server
// enforces every rule again (403/409); this only keeps people from pressing buttons that cannot work.
import { ADMIN_PAGES, type AdminPage } from "./routes.js";
import type { ChangeDetail, ChangeSummary, Me, Person } from "./types.js";

export type ChangeActionName =
  | "submit" | "approve" | "request-changes" | "reject" | "withdraw" | "publish"
  | "revise" | "rebase" | "rollback" | "post-hoc-review";

export interface ActionOption {
  action: ChangeActionName;
  label: string;
  /** Shown at all (the change's state admits the action and the person takes part in the workflow). */
  visible: boolean;
  /** Clickable now; when false, {@link reason} says why. */
  enabled: boolean;
  reason?: string;
  /** The comment box is required for this action (a rejection, a request for changes, a break-glass rollback explain themselves). */
  commentRequired: boolean;
}

export const LABELS: Record<ChangeActionName, string> = {
  revise: "Revise",
  submit: "Submit for review",
  rebase: "Rebase on live",
  approve: "Approve",
  "request-changes": "Request changes",
  reject: "Reject",
  withdraw: "Withdraw",
  publish: "Publish",
  rollback: "Roll back to this version",
  "post-hoc-review": "Sign off after the fact",
};

/** The API path segment of each action (POST /api/v1/changes/{id}/<segment>); revise is PUT on the change. */
export const API_ACTION: Record<Exclude<ChangeActionName, "revise">, string> = {
  submit: "submit",
  rebase: "rebase",
  approve: "approve",
  "request-changes": "request-changes",
  reject: "reject",
  withdraw: "withdraw",
  publish: "publish",
  rollback: "rollback",
  // the review after a break-glass rollback is an approval of the published rollback change
  "post-hoc-review": "approve",
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

function samePerson(me: Me, p: Person): boolean {
  return p.id && me.userId ? p.id === me.userId : !!p.name && p.name === me.username;
}

/** The change was written by this person (by id; by name when ids are missing). */
export function isAuthor(me: Me | null, change: ChangeSummary): boolean {
  if (!me || !change.author) return false;
  return samePerson(me, change.author);
}

/** This person authored a revision of the change (created, revised or rebased it). */
export function isCoAuthor(me: Me | null, change: ChangeSummary): boolean {
  if (isAuthor(me, change)) return true;
  if (!me) return false;
  return (change.authors ?? []).some((p) => samePerson(me, p));
}

/** This person authored the change whose content a break-glass rollback re-applied (server: rollbackOfAuthors). */
export function authoredRolledBackContent(me: Me | null, change: ChangeDetail): boolean {
  if (!me) return false;
  return (change.rollbackOfAuthors ?? []).some((p) => samePerson(me, p));
}

/** This person already approved the change's current revision. */
export function approvedCurrentRevision(me: Me | null, change: ChangeDetail): boolean {
  if (!me) return false;
  const reviews = change.reviews ?? [];
  if (reviews.length > 0) {
    return reviews.some(
      (r) =>
        r.decision === "approved" || r.decision === "approve"
          ? r.revision === change.revision && samePerson(me, r.reviewer)
          : false,
    );
  }
  return (change.approvedBy ?? []).some((x) => x === me.userId || x === me.username);
}

function stateWord(state: string): string {
  return STATE_WORDS[state] ?? state;
}

function option(action: ChangeActionName, visible: boolean, why: string | null, label = LABELS[action]): ActionOption {
  const o: ActionOption = {
    action,
    label,
    visible,
    enabled: visible && why === null,
    commentRequired: action === "reject" || action === "request-changes" || action === "rollback",
  };
  if (visible && why !== null) o.reason = why;
  return o;
}

const OPEN = ["draft", "in_review", "changes_requested", "approved"];
const EDITABLE = ["draft", "changes_requested"];

/**
 * Every action with whether it is shown and enabled for this person on this change, and why not.
 * An action is shown to everyone who takes part in the workflow (author, reviewer or admin role)
 * whenever the change's state admits it, so that a refusal is explained (a missing role, the
 * four-eyes rule, a base that moved) rather than a button silently missing; auditors read only.
 * The rules are the server's (ChangeRequestService); it enforces them again.
 */
export function actionsFor(me: Me | null, change: ChangeDetail): ActionOption[] {
  const state = change.state;
  const participant = hasRole(me, "author", "reviewer", "admin");
  const admin = hasRole(me, "admin");
  const author = isAuthor(me, change);
  const authorName = change.author?.name ? `${change.author.name} (its author)` : "its author";

  // Authoring: revise, submit, rebase and withdraw belong to the change's author (or an admin).
  const authorWhy = (doing: string, verb: string): string | null =>
    !hasRole(me, "author", "admin")
      ? `${doing} needs the author role.`
      : author || admin
        ? null
        : `Only ${authorName} or an admin may ${verb} this change.`;

  const reviseWhy = EDITABLE.includes(state)
    ? authorWhy("Revising", "revise")
    : `The change is ${stateWord(state)}: its content is fixed once submitted (ask for changes, or withdraw it).`;
  const submitWhy = EDITABLE.includes(state)
    ? authorWhy("Submitting", "submit")
    : `The change is ${stateWord(state)}; only drafts can be submitted.`;
  const withdrawWhy = OPEN.includes(state)
    ? authorWhy("Withdrawing", "withdraw")
    : `The change is ${stateWord(state)} and can no longer be withdrawn.`;
  const rebaseWhy = !change.rebaseRequired
    ? `Nothing to rebase: it is based on what is live (${change.baseVersion ? `version ${change.baseVersion}` : "nothing yet"}).`
    : authorWhy("Rebasing", "rebase");

  // Reviewing: never by anyone who authored a revision (created, revised, rebased or rolled back).
  const coAuthor = isCoAuthor(me, change);
  const reviewer = hasRole(me, "reviewer", "admin");
  const ownWhy = coAuthor
    ? "You authored a revision of this change: someone else must review it (four-eyes rule)."
    : null;
  const roleWhy = reviewer ? null : "Reviewing needs the reviewer role.";
  let approveWhy: string | null = ownWhy ?? roleWhy;
  if (approveWhy === null) {
    if (state === "in_review" || state === "approved") {
      if (approvedCurrentRevision(me, change)) {
        approveWhy = `You already approved revision ${change.revision}.`;
      } else if (change.rebaseRequired) {
        // the server refuses it (409 rebase_required): an approval of a stale base would be void
        approveWhy = `Live moved to version ${change.liveVersion ?? "?"} since this change was based on ${change.baseVersion ? `version ${change.baseVersion}` : "nothing"}: it must be rebased before it can be approved (rejecting or requesting changes stays possible).`;
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
  } else if (!admin) {
    publishWhy = "Publishing needs the admin role.";
  } else if (change.rebaseRequired) {
    publishWhy = `Live moved to version ${change.liveVersion ?? "?"} since this change was based: rebase it first (review restarts).`;
  } else if (change.approvals < change.requiredApprovals) {
    publishWhy = `It needs another approval: it has ${change.approvals} of ${change.requiredApprovals} required.`;
  }

  // Break-glass: re-apply an earlier published (now superseded) version at once.
  const rollbackWhy = admin ? null : "A break-glass rollback needs the admin role.";

  // The review after the fact of a published rollback: nobody who rolled back, or who authored the
  // content it re-applied, signs it off.
  const postHocPending = state === "published" && change.postHocReview === "pending";
  let postHocWhy: string | null = null;
  if (coAuthor) postHocWhy = "You performed this rollback: someone else must review it after the fact.";
  else if (authoredRolledBackContent(me, change)) {
    postHocWhy = "You authored the change this rollback re-applied: someone else must review it after the fact.";
  } else if (!reviewer) postHocWhy = "The review after the fact needs the reviewer role.";

  return [
    option("revise", participant && OPEN.includes(state), reviseWhy),
    option("submit", participant && EDITABLE.includes(state), submitWhy),
    option("rebase", participant && OPEN.includes(state), rebaseWhy),
    option("approve", participant && (state === "in_review" || state === "approved"), approveWhy),
    option("request-changes", participant && state === "in_review", decideWhy("sent back")),
    option("reject", participant && state === "in_review", decideWhy("rejected")),
    option("publish", participant && state === "approved", publishWhy),
    option("withdraw", participant && OPEN.includes(state), withdrawWhy),
    option("rollback", participant && state === "superseded", rollbackWhy),
    option("post-hoc-review", participant && postHocPending, postHocWhy),
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
