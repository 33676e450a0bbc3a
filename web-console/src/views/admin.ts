// The administration pages. Who may use which is decided by the server (UsersResource, KeysResource,
// LimitsResource, WebhooksResource: admin; TenantsResource, EgressAllowListResource: platform-admin);
// the console only hides what a person's roles cannot use and says who may.
import { ApiError } from "../api.js";
import {
  buttonNamed, csv, egressDifference, focusOn, microsToUnits, optionalInt, rolesToSend, sessionsEndedText, simpleForm,
  unitsToMicros, utcInstant,
} from "../adminforms.js";
import { h, render } from "../dom.js";
import { formatInstant } from "../format.js";
import { showError, showInfo } from "../messages.js";
import { adminPages } from "../permissions.js";
import { hrefFor, type AdminPage } from "../routes.js";
// Keyboard (issue 21): every action is a button or a form reached by Tab and pressed with Enter or Space;
// after it the focus lands where the keyboard user continues: a row's control for its new state (Suspend ->
// Resume), a new row, a shown secret's heading, or the result message when the row is gone (focusOn).
import type { AppContext } from "../context.js";

interface Tenant { id: string; slug: string; displayName: string; status: string; createdAt: string | null }
interface User { id: string; username: string; roles: string[]; status: string; lockedUntil: string | null; createdAt: string | null }
interface Key {
  id: string; name: string; prefix: string; allowedRoutes: string[]; allowedCidrs: string[]; rpmLimit: number | null;
  tpmLimit: number | null; expiresAt: string | null; revokedAt?: string | null; rotatedFrom: string | null; status?: string;
  createdBy?: string; createdAt?: string | null;
}
interface CreatedKey extends Key { key: string }
interface Limits {
  rpmLimit: number | null; tpmLimit: number | null; dailyBudgetMicros: number | null; monthlyBudgetMicros: number | null;
  testCallsEnabled?: boolean; testCallsPerPersonPerMinute?: number | null; evaluationSharePercent?: number | null;
}
interface BudgetPeriod { spentMicros: number; limitMicros: number | null; remainingMicros: number | null }
interface Budget { daily: BudgetPeriod; monthly: BudgetPeriod }
interface Webhook { id: string; url: string; active: boolean; description?: string; createdBy?: string; createdAt?: string; secret?: string }
interface Delivery { id: string; changeId: string; event: string; status: string; attempts: number; lastOutcome?: string; createdAt?: string; deliveredAt?: string }
interface EgressEntry { destination: string; port?: number | null; note?: string | null }
interface EgressList { tenantId: string; entries: EgressEntry[]; updatedBy: string | null; updatedAt: string | null }

const ROLES = ["author", "reviewer", "auditor", "admin"] as const;

export async function adminView(ctx: AppContext, main: HTMLElement, page: AdminPage | null, tenant: string | null): Promise<void> {
  const pages = adminPages(ctx.session.me);
  const allowed = pages.filter((p) => p.allowed);
  const menu = h("nav", { "aria-label": "Administration" },
    h("ul", { class: "admin-nav" }, allowed.map((p) =>
      h("li", null, h("a", { href: hrefFor({ name: "admin", page: p.page }), "data-nav": "", "aria-current": p.page === page ? "page" : null }, p.label)))));
  if (page === null) {
    if (allowed.length === 0) {
      render(main, h("h1", { tabindex: "-1" }, "Not available"),
        h("p", { class: "message error", role: "alert" }, "Administration is for the tenant's admins and the platform admin."));
      return;
    }
    render(main, h("h1", { tabindex: "-1" }, "Administration"), menu,
      h("ul", null, allowed.map((p) => h("li", null, h("a", { href: hrefFor({ name: "admin", page: p.page }), "data-nav": "" }, p.label), ` — ${describe(p.page)}`))),
      pages.some((p) => !p.allowed)
        ? h("p", { class: "muted" }, "Not shown: ", pages.filter((p) => !p.allowed).map((p) => `${p.label} (${p.who.replace(/\.$/, "")})`).join("; "), ".")
        : null);
    return;
  }
  const access = pages.find((p) => p.page === page)!;
  if (!access.allowed) {
    render(main, h("h1", { tabindex: "-1" }, "Not available"), h("p", { class: "message error", role: "alert" }, access.who));
    return;
  }
  const body = h("div");
  render(main, h("h1", { tabindex: "-1" }, access.label), menu, body);
  switch (page) {
    case "tenants": return tenantsPage(ctx, body);
    case "egress": return egressPage(ctx, body, tenant);
    case "users": return usersPage(ctx, body);
    case "keys": return keysPage(ctx, body);
    case "limits": return limitsPage(ctx, body);
    case "webhooks": return webhooksPage(ctx, body);
  }
}

function describe(page: AdminPage): string {
  switch (page) {
    case "tenants": return "create tenants, suspend and resume them";
    case "egress": return "the private addresses a tenant's providers, MCP servers and webhooks may reach";
    case "users": return "people, their roles, password resets, deactivation";
    case "keys": return "client API keys: create, rotate, revoke";
    case "limits": return "rate limits and cost budgets, what is spent, and test calls through drafts";
    case "webhooks": return "endpoints told about change requests, and their deliveries";
  }
}

function table(caption: string, head: string[], rows: HTMLElement[], testId: string): HTMLElement {
  return h("div", { class: "table-scroll" },
    h("table", { class: "data", "data-testid": testId },
      h("caption", null, caption),
      h("thead", null, h("tr", null, head.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, rows.length > 0 ? rows : h("tr", null, h("td", { colspan: head.length, class: "empty" }, "None yet.")))));
}

function status(s: string): HTMLElement {
  return h("span", { class: `status-${s}` }, s);
}

/** Shows text as the area's status message and moves the focus to it. */
function say(area: HTMLElement, text: string): void {
  showInfo(area, text);
  focusOn(area.querySelector("[data-testid=info]"));
}

/** Shows the error and moves the focus to it (the control pressed may be gone after a reload). */
function fail(area: HTMLElement, e: unknown): void {
  showError(area, e);
  focusOn(area.querySelector("[role=alert]"));
}

function when(t: string | null | undefined): string {
  return t ? formatInstant(t) : "—";
}

// ---- tenants (platform admin) ----

async function tenantsPage(ctx: AppContext, body: HTMLElement): Promise<void> {
  const messages = h("div", { class: "messages" });
  const list = h("div");
  async function load(): Promise<void> {
    const tenants = await ctx.api.get<Tenant[]>("/api/v1/tenants");
    render(list, table("Every tenant", ["Slug", "Name", "Status", "Created", "Actions"], tenants.map((t) => {
      const next = t.status === "suspended" ? "active" : "suspended";
      return h("tr", { "data-tenant": t.slug },
        h("td", null, h("code", null, t.slug)), h("td", null, t.displayName), h("td", null, status(t.status)), h("td", null, when(t.createdAt)),
        h("td", null, h("div", { class: "buttons" },
          h("button", {
            type: "button", class: next === "suspended" ? "danger" : null, "aria-label": `${next === "suspended" ? "Suspend" : "Resume"} ${t.slug}`,
            on: {
              click: async () => {
                if (next === "suspended" && !window.confirm(`Suspend ${t.slug}? Its keys and tokens stop working at once.`)) return;
                try {
                  await ctx.api.send("PATCH", `/api/v1/tenants/${encodeURIComponent(t.id)}`, { status: next });
                  showInfo(messages, `${t.slug} is ${next}.`);
                  await load();
                  focusOn(buttonNamed(list, `${next === "suspended" ? "Resume" : "Suspend"} ${t.slug}`));
                } catch (e) {
                  fail(messages, e);
                }
              },
            },
          }, next === "suspended" ? "Suspend" : "Resume"),
          h("a", { href: hrefFor({ name: "admin", page: "egress", tenant: t.id }), "data-nav": "", "aria-label": `Egress allow-list of ${t.slug}` }, "Egress allow-list"),
        )));
    }), "tenants"));
  }
  const form = simpleForm("Create a tenant", [
    { name: "slug", label: "Slug", required: true, hint: "Lower-case, as in URLs and tokens" },
    { name: "displayName", label: "Display name", required: true },
    { name: "admin.username", label: "First admin's username", hint: "Optional" },
    { name: "admin.password", label: "First admin's password", type: "password" },
  ], "Create tenant", async (f) => {
    const username = f.value("admin.username").trim();
    const t = await ctx.api.send<Tenant>("POST", "/api/v1/tenants", {
      slug: f.value("slug").trim(), displayName: f.value("displayName").trim(),
      admin: username === "" ? null : { username, password: f.value("admin.password") },
    });
    f.reset();
    showInfo(messages, `Tenant ${t.slug} created.`);
    await load();
    focusOn(buttonNamed(list, `Suspend ${t.slug}`));
  }, "tenant-form");
  render(body, messages, form.el, list);
  await load();
}

// ---- egress allow-list (platform admin, per tenant) ----

async function egressPage(ctx: AppContext, body: HTMLElement, tenantId: string | null): Promise<void> {
  const tenants = await ctx.api.get<Tenant[]>("/api/v1/tenants");
  const pick = h("select", { id: "egress-tenant", name: "tenant" },
    h("option", { value: "" }, "Choose a tenant"),
    tenants.map((t) => h("option", { value: t.id, selected: t.id === tenantId }, `${t.slug} (${t.displayName})`)));
  pick.addEventListener("change", () => ctx.navigate(pick.value === "" ? hrefFor({ name: "admin", page: "egress" }) : hrefFor({ name: "admin", page: "egress", tenant: pick.value })));
  const messages = h("div", { class: "messages" });
  const list = h("div");
  render(body,
    h("p", { class: "muted" }, "Private, loopback and link-local addresses are refused to providers, MCP servers and webhooks unless the tenant's allow-list names them. Saving replaces the whole list."),
    h("div", { class: "field" }, h("label", { for: "egress-tenant" }, "Tenant"), pick), messages, list);
  if (!tenantId) return;
  const path = `/api/v1/platform/tenants/${encodeURIComponent(tenantId)}/egress-allowlist`;
  let read = await ctx.api.getTagged<EgressList>(path);
  let current: EgressList = read.body;
  /**
   * Saves the whole list only if it is still the version this page shows (If-Match): when another admin
   * changed it meanwhile the server answers 409, and the page shows the list as it is now and what changed,
   * instead of undoing their change.
   */
  async function save(entries: EgressEntry[], what: string): Promise<void> {
    try {
      read = await ctx.api.sendIfMatch<EgressList>("PUT", path, { entries }, read.etag);
    } catch (e) {
      if (!(e instanceof ApiError) || e.problem.status !== 409) throw e;
      const shown = current.entries;
      read = await ctx.api.getTagged<EgressList>(path);
      current = read.body;
      draw();
      const d = egressDifference(shown, current.entries);
      const changes = [d.added.length > 0 ? `added ${d.added.join(", ")}` : "", d.removed.length > 0 ? `removed ${d.removed.join(", ")}` : ""]
        .filter((x) => x !== "").join("; ");
      render(messages, h("div", { class: "message error", role: "alert", "data-testid": "egress-stale" },
        h("strong", null, "Not saved. "),
        `${current.updatedBy ?? "Someone"} changed the allow-list meanwhile${changes === "" ? "" : ` (${changes})`}. `,
        "It is shown as it is now: make your change again."));
      focusOn(messages.querySelector("[data-testid=egress-stale]"));
      return;
    }
    current = read.body;
    draw();
    say(messages, what);
  }
  function draw(): void {
    const form = simpleForm("Add an entry", [
      { name: "destination", label: "Destination", required: true, hint: "CIDR (10.0.0.0/8), an address, a host (models.corp.example) or *.corp.example" },
      { name: "port", label: "Port", type: "number", hint: "Empty for every port" },
      { name: "note", label: "Note", hint: "Why it is allowed" },
    ], "Add entry", async (f) => {
      const entry: EgressEntry = { destination: f.value("destination").trim(), port: optionalInt(f.value("port"), "port", "Port"), note: f.value("note").trim() || null };
      const i = current.entries.length;
      try {
        await save([...current.entries, entry], `${entry.destination} added.`);
      } catch (e) {
        // the API names the entry (entries[3].destination): this form holds the new one
        if (e instanceof Error && "problem" in e) {
          const p = (e as { problem: { param?: string } }).problem;
          if (p.param?.startsWith(`entries[${i}].`)) p.param = p.param.slice(`entries[${i}].`.length);
        }
        throw e;
      }
    }, "egress-form");
    render(list,
      table(`Allow-list${current.updatedAt ? ` (set ${when(current.updatedAt)} by ${current.updatedBy ?? "?"})` : ""}`, ["Destination", "Port", "Note", "Actions"],
        current.entries.map((e, i) => h("tr", null,
          h("td", null, h("code", null, e.destination)), h("td", null, e.port == null ? "any" : String(e.port)), h("td", null, e.note ?? ""),
          h("td", null, h("button", {
            type: "button", "aria-label": `Remove ${e.destination}`,
            on: {
              click: async () => {
                try {
                  await save(current.entries.filter((_, j) => j !== i), `${e.destination} removed.`);
                } catch (err) {
                  fail(messages, err);
                }
              },
            },
          }, "Remove")))), "egress"),
      form.el);
  }
  draw();
}

// ---- users and roles (tenant admin) ----

async function usersPage(ctx: AppContext, body: HTMLElement): Promise<void> {
  const messages = h("div", { class: "messages" });
  const list = h("div");
  async function load(): Promise<void> {
    const users = await ctx.api.get<User[]>("/api/v1/users");
    render(list, table("The tenant's users", ["User", "Roles", "Status", "Actions"], users.map((u) => {
      const boxes = ROLES.map((r) => {
        const id = `role-${u.id}-${r}`;
        return h("span", { class: "field checkbox" },
          h("input", { type: "checkbox", id, name: r, checked: u.roles.includes(r) }), h("label", { for: id }, r));
      });
      const rolesForm = h("form", { class: "inline-form", "aria-label": `Roles of ${u.username}` },
        boxes, h("button", { type: "submit", "aria-label": `Save roles of ${u.username}` }, "Save roles"));
      rolesForm.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        const ticked = ROLES.filter((r) => (rolesForm.querySelector<HTMLInputElement>(`input[name="${r}"]`)!).checked);
        // roles without a box here (platform-admin) stay as they are
        const roles = rolesToSend(ROLES, ticked, u.roles);
        try {
          await ctx.api.send("PATCH", `/api/v1/users/${encodeURIComponent(u.id)}`, { roles });
          showInfo(messages, `${u.username}'s roles are now ${roles.join(", ") || "none"}.`);
          await load();
          focusOn(buttonNamed(list, `Save roles of ${u.username}`));
        } catch (e) {
          fail(messages, e);
        }
      });
      const next = u.status === "disabled" ? "active" : "disabled";
      // An inline form, not window.prompt: the password field is a real, labelled input (and never shown).
      const pwId = `reset-${u.id}`;
      const pw = h("input", { id: pwId, type: "password", name: "password", autocomplete: "new-password" });
      const resetForm = h("form", { class: "inline-form", hidden: true },
        h("div", { class: "field" }, h("label", { for: pwId }, `New password for ${u.username}`), pw),
        h("button", { type: "submit" }, "Set password"));
      resetForm.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        try {
          await ctx.api.send("POST", `/api/v1/users/${encodeURIComponent(u.id)}/reset-password`, { password: pw.value });
          pw.value = "";
          resetForm.hidden = true;
          const opener = buttonNamed(list, `Reset password of ${u.username}`);
          opener?.setAttribute("aria-expanded", "false");
          showInfo(messages, `${u.username}'s password was reset; their sessions ended.`);
          focusOn(opener);
        } catch (e) {
          showError(messages, e);
          pw.focus();
        }
      });
      return h("tr", { "data-user": u.username },
        h("td", null, h("strong", null, u.username), u.lockedUntil ? h("div", { class: "muted" }, `locked out until ${when(u.lockedUntil)}`) : null),
        h("td", null, u.roles.includes("platform-admin") ? h("div", { class: "muted" }, "platform-admin (kept when the roles are saved)") : null, rolesForm),
        h("td", null, status(u.status)),
        h("td", null, h("div", { class: "buttons" },
          h("button", {
            type: "button", "aria-label": `Reset password of ${u.username}`, "aria-expanded": "false",
            on: {
              click: (ev: Event) => {
                const b = ev.currentTarget as HTMLElement;
                resetForm.hidden = !resetForm.hidden;
                b.setAttribute("aria-expanded", String(!resetForm.hidden));
                if (!resetForm.hidden) resetForm.querySelector<HTMLInputElement>("input")!.focus();
              },
            },
          }, "Reset password"),
          h("button", {
            type: "button", class: next === "disabled" ? "danger" : null,
            "aria-label": `${next === "disabled" ? "Deactivate" : "Reactivate"} ${u.username}`,
            on: {
              click: async () => {
                try {
                  await ctx.api.send("PATCH", `/api/v1/users/${encodeURIComponent(u.id)}`, { status: next });
                  showInfo(messages, `${u.username} is ${next}.`);
                  await load();
                  focusOn(buttonNamed(list, `${next === "disabled" ? "Reactivate" : "Deactivate"} ${u.username}`));
                } catch (e) {
                  fail(messages, e);
                }
              },
            },
          }, next === "disabled" ? "Deactivate" : "Reactivate"),
          h("button", {
            type: "button", "aria-label": `End sessions of ${u.username}`,
            on: {
              click: async () => {
                try {
                  showInfo(messages, await endSessions(ctx, u.id, u.username));
                } catch (e) {
                  showError(messages, e);
                }
              },
            },
          }, "End sessions"),
        ), resetForm));
    }), "users"));
  }
  const form = simpleForm("Create a user", [
    { name: "username", label: "Username", required: true },
    { name: "password", label: "Password", type: "password", required: true },
    { name: "roles", label: "Roles", required: true, hint: `Comma-separated: ${ROLES.join(", ")}` },
  ], "Create user", async (f) => {
    const u = await ctx.api.send<User>("POST", "/api/v1/users", {
      username: f.value("username").trim(), password: f.value("password"), roles: csv(f.value("roles")),
    });
    f.reset();
    showInfo(messages, `${u.username} created with ${u.roles.join(", ")}.`);
    await load();
    // the new row: its first role box
    focusOn(list.querySelector(`tr[data-user="${CSS.escape(u.username)}"] input`));
  }, "user-form");
  // people of the single sign-on provider have no row here: they are named by their subject
  const ssoForm = simpleForm("End the sessions of a single sign-on person", [
    { name: "subject", label: "Subject", required: true, hint: "oidc:<their subject at the provider>, as the audit trail names them" },
  ], "End sessions", async (f) => {
    const subject = f.value("subject").trim();
    const text = await endSessions(ctx, subject, subject);
    f.reset();
    showInfo(messages, text);
  }, "sso-sessions-form");
  render(body, h("p", { class: "muted" }, "Users cannot be deleted (their history stays auditable): deactivate them. A password reset ends the user's sessions."),
    messages, form.el, list, ssoForm.el);
  await load();
}

/** Ends every console session of a person of this tenant (and the access tokens they issued). */
async function endSessions(ctx: AppContext, subject: string, name: string): Promise<string> {
  const r = await ctx.api.send<{ subject: string; sessions_ended: number }>("DELETE", `/api/v1/sessions?subject=${encodeURIComponent(subject)}`);
  return sessionsEndedText(name, r.sessions_ended);
}

// ---- API keys (tenant admin) ----

async function keysPage(ctx: AppContext, body: HTMLElement): Promise<void> {
  const messages = h("div", { class: "messages" });
  // not a live region: it would read the whole secret out; its heading gets the focus instead
  const secretArea = h("div");
  const list = h("div");
  function showSecret(k: CreatedKey, verb: string): void {
    const copied = h("span", { role: "status", class: "muted" });
    render(secretArea, h("div", { class: "secret-once", "data-testid": "key-secret" },
      h("h2", null, `Key ${k.name} ${verb}: copy it now`),
      h("p", null, "This is the only time the secret is shown. Afterwards only its prefix ", h("code", null, k.prefix), " is."),
      h("p", null, h("code", { "data-testid": "key-secret-value" }, k.key)),
      h("div", { class: "buttons" },
        h("button", {
          type: "button",
          on: {
            click: async () => {
              try {
                await navigator.clipboard.writeText(k.key);
                copied.textContent = "Copied.";
              } catch {
                copied.textContent = "The browser refused the clipboard: select the key and copy it by hand.";
              }
            },
          },
        }, "Copy key"),
        h("button", {
          type: "button",
          on: {
            click: () => {
              render(secretArea);
              // back to the key's row (its successor's after a rotation), else the list
              focusOn(buttonNamed(list, `Rotate ${k.name}`) ?? list.querySelector("caption"));
            },
          },
        }, "I have stored it: hide"),
        copied)));
    secretArea.querySelector<HTMLElement>("h2")?.setAttribute("tabindex", "-1");
    secretArea.querySelector<HTMLElement>("h2")?.focus();
  }
  async function load(): Promise<void> {
    const keys = await ctx.api.get<Key[]>("/api/v1/keys");
    render(list, table("The tenant's keys (prefixes only)", ["Name", "Prefix", "Scope", "Status", "Actions"], keys.map((k) =>
      h("tr", { "data-key": k.name },
        h("td", null, k.name, k.rotatedFrom ? h("div", { class: "muted" }, "successor of a rotated key") : null),
        h("td", null, h("code", null, k.prefix)),
        h("td", null,
          k.allowedRoutes.length > 0 ? `routes ${k.allowedRoutes.join(", ")}` : "every route",
          k.allowedCidrs.length > 0 ? `; from ${k.allowedCidrs.join(", ")}` : "",
          k.rpmLimit ? `; ${k.rpmLimit} req/min` : "", k.tpmLimit ? `; ${k.tpmLimit} tokens/min` : "",
          k.expiresAt ? `; expires ${when(k.expiresAt)}` : ""),
        h("td", null, status(k.status ?? "active")),
        h("td", null, k.status === "revoked" ? null : h("div", { class: "buttons" },
          h("button", {
            type: "button", "aria-label": `Rotate ${k.name}`,
            on: {
              click: async () => {
                try {
                  const n = await ctx.api.send<CreatedKey>("POST", `/api/v1/keys/${encodeURIComponent(k.id)}/rotate`, { overlapSeconds: 3600 });
                  showSecret(n, "rotated (the old one works for another hour)");
                  await load();
                } catch (e) {
                  fail(messages, e);
                }
              },
            },
          }, "Rotate"),
          h("button", {
            type: "button", class: "danger", "aria-label": `Revoke ${k.name}`,
            on: {
              click: async () => {
                if (!window.confirm(`Revoke ${k.name}? It stops working at once, on every instance.`)) return;
                try {
                  await ctx.api.send("POST", `/api/v1/keys/${encodeURIComponent(k.id)}/revoke`);
                  await load();
                  say(messages, `${k.name} is revoked.`);
                } catch (e) {
                  fail(messages, e);
                }
              },
            },
          }, "Revoke"))))), "keys"));
  }
  const form = simpleForm("Create a key", [
    { name: "name", label: "Name", required: true },
    { name: "allowedRoutes", label: "Allowed routes", hint: "Comma-separated route aliases; empty for every route" },
    { name: "allowedCidrs", label: "Allowed networks", hint: "Comma-separated CIDRs; empty for anywhere" },
    { name: "rpmLimit", label: "Requests per minute", type: "number" },
    { name: "tpmLimit", label: "Tokens per minute", type: "number" },
    { name: "expiresAt", label: "Expires (UTC)", type: "datetime-local" },
  ], "Create key", async (f) => {
    const k = await ctx.api.send<CreatedKey>("POST", "/api/v1/keys", {
      name: f.value("name").trim(),
      allowedRoutes: csv(f.value("allowedRoutes")),
      allowedCidrs: csv(f.value("allowedCidrs")),
      rpmLimit: optionalInt(f.value("rpmLimit"), "rpmLimit", "Requests per minute"),
      tpmLimit: optionalInt(f.value("tpmLimit"), "tpmLimit", "Tokens per minute"),
      expiresAt: utcInstant(f.value("expiresAt")),
    });
    f.reset();
    showSecret(k, "created");
    await load();
  }, "key-form");
  render(body, messages, secretArea, form.el, list);
  await load();
}

// ---- limits and budgets (tenant admin) ----

async function limitsPage(ctx: AppContext, body: HTMLElement): Promise<void> {
  const messages = h("div", { class: "messages" });
  const use = h("div");
  async function loadBudget(): Promise<void> {
    try {
      const b = await ctx.api.get<Budget>("/api/v1/stats/budget");
      const row = (name: string, p: BudgetPeriod) => h("tr", null, h("th", { scope: "row" }, name),
        h("td", null, microsToUnits(p.spentMicros)), h("td", null, p.limitMicros == null ? "no budget" : microsToUnits(p.limitMicros)),
        h("td", null, p.remainingMicros == null ? "—" : microsToUnits(p.remainingMicros)));
      render(use, h("div", { class: "table-scroll" }, h("table", { class: "data", "data-testid": "budget" },
        h("caption", null, "Spent (UTC day and month, in the price list's currency)"),
        h("thead", null, h("tr", null, ["Period", "Spent", "Budget", "Left"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, row("Today", b.daily), row("This month", b.monthly)))));
    } catch (e) {
      showError(use, e);
    }
  }
  const limits = await ctx.api.get<Limits>("/api/v1/limits");
  const form = simpleForm("Rate limits and budgets of the tenant", [
    { name: "rpmLimit", label: "Requests per minute", type: "number", value: limits.rpmLimit == null ? "" : String(limits.rpmLimit), hint: "Empty: the platform default" },
    { name: "tpmLimit", label: "Tokens per minute", type: "number", value: limits.tpmLimit == null ? "" : String(limits.tpmLimit) },
    { name: "dailyBudgetMicros", label: "Daily budget", value: microsToUnits(limits.dailyBudgetMicros), hint: "Currency units, e.g. 25 or 12.50; empty: no budget" },
    { name: "monthlyBudgetMicros", label: "Monthly budget", value: microsToUnits(limits.monthlyBudgetMicros) },
    { name: "testCallsEnabled", label: "People may make test calls through drafts", type: "checkbox", checked: limits.testCallsEnabled !== false,
      hint: "Off: the change page's test call is refused (403) and says why" },
    { name: "testCallsPerPersonPerMinute", label: "Test calls per person per minute", type: "number",
      value: limits.testCallsPerPersonPerMinute == null ? "" : String(limits.testCallsPerPersonPerMinute), hint: "1 to 1000; empty: the platform default" },
    { name: "evaluationSharePercent", label: "Evaluation share (percent)", type: "number",
      value: limits.evaluationSharePercent == null ? "" : String(limits.evaluationSharePercent),
      hint: "The share of each rate and budget evaluation runs may use, 1 to 100; empty: the default, 10" },
  ], "Save limits", async (f) => {
    const next: Limits = {
      rpmLimit: optionalInt(f.value("rpmLimit"), "rpmLimit", "Requests per minute"),
      tpmLimit: optionalInt(f.value("tpmLimit"), "tpmLimit", "Tokens per minute"),
      dailyBudgetMicros: unitsToMicros(f.value("dailyBudgetMicros"), "dailyBudgetMicros", "Daily budget"),
      monthlyBudgetMicros: unitsToMicros(f.value("monthlyBudgetMicros"), "monthlyBudgetMicros", "Monthly budget"),
      testCallsEnabled: f.value("testCallsEnabled") === "true",
      testCallsPerPersonPerMinute: optionalInt(f.value("testCallsPerPersonPerMinute"), "testCallsPerPersonPerMinute", "Test calls per person per minute"),
      // sent as shown: a PUT without it would put the share back to the default
      evaluationSharePercent: optionalInt(f.value("evaluationSharePercent"), "evaluationSharePercent", "Evaluation share"),
    };
    await ctx.api.send<Limits>("PUT", "/api/v1/limits", next);
    showInfo(messages, "Limits saved; they apply on every instance within seconds.");
    await loadBudget();
  }, "limits-form");
  render(body, messages, form.el, use);
  await loadBudget();
}

// ---- webhooks and their deliveries (tenant admin) ----

async function webhooksPage(ctx: AppContext, body: HTMLElement): Promise<void> {
  const messages = h("div", { class: "messages" });
  // not a live region: it would read the whole secret out; its heading gets the focus instead
  const secretArea = h("div");
  const list = h("div");
  const deliveries = h("div");
  async function showDeliveries(w: Webhook): Promise<void> {
    try {
      const d = await ctx.api.get<{ data: Delivery[] }>(`/api/v1/webhooks/${encodeURIComponent(w.id)}/deliveries`);
      render(deliveries, h("h2", { tabindex: "-1", id: "deliveries-title" }, `Deliveries to ${w.url}`),
        table("Recent deliveries", ["Event", "Change", "Status", "Attempts", "Last outcome", "Created"], (d?.data ?? []).map((x) =>
          h("tr", null, h("td", null, x.event),
            h("td", null, h("a", { href: hrefFor({ name: "change", id: x.changeId }), "data-nav": "" }, x.changeId.slice(0, 8))),
            h("td", null, status(x.status)), h("td", null, String(x.attempts)), h("td", null, x.lastOutcome ?? ""), h("td", null, when(x.createdAt)))), "deliveries"));
      deliveries.querySelector<HTMLElement>("h2")?.focus();
    } catch (e) {
      showError(deliveries, e);
    }
  }
  async function load(): Promise<void> {
    const hooks = (await ctx.api.get<{ data: Webhook[] }>("/api/v1/webhooks"))?.data ?? [];
    render(list, table("The tenant's webhooks (secrets are never shown again)", ["URL", "Description", "Status", "Actions"], hooks.map((w) =>
      h("tr", { "data-webhook": w.url },
        h("td", null, h("code", null, w.url)), h("td", null, w.description ?? ""), h("td", null, status(w.active ? "active" : "inactive")),
        h("td", null, h("div", { class: "buttons" },
          h("button", { type: "button", "aria-label": `Deliveries to ${w.url}`, on: { click: () => void showDeliveries(w) } }, "Deliveries"),
          w.active ? h("button", {
            type: "button", class: "danger", "aria-label": `Deactivate ${w.url}`,
            on: {
              click: async () => {
                try {
                  await ctx.api.send("DELETE", `/api/v1/webhooks/${encodeURIComponent(w.id)}`);
                  await load();
                  say(messages, `${w.url} deactivated; its deliveries stay listed.`);
                } catch (e) {
                  fail(messages, e);
                }
              },
            },
          }, "Deactivate") : null)))), "webhooks"));
  }
  const form = simpleForm("Add a webhook", [
    { name: "url", label: "URL", required: true, hint: "https://...; private addresses need an egress allow-list entry" },
    { name: "description", label: "Description" },
    { name: "secret", label: "Signing secret", type: "password", hint: "16-200 characters; empty: one is generated and shown once" },
  ], "Add webhook", async (f) => {
    const secret = f.value("secret");
    const w = await ctx.api.send<Webhook>("POST", "/api/v1/webhooks", {
      url: f.value("url").trim(), description: f.value("description").trim() || null, secret: secret === "" ? null : secret,
    });
    f.reset();
    render(secretArea, h("div", { class: "secret-once", "data-testid": "webhook-secret" },
      h("h2", null, "Webhook added: its signing secret, shown this once"),
      h("p", null, h("code", { "data-testid": "webhook-secret-value" }, w.secret ?? "")),
      h("button", {
        type: "button",
        on: {
          click: () => {
            render(secretArea);
            focusOn(buttonNamed(list, `Deliveries to ${w.url}`) ?? list.querySelector("caption"));
          },
        },
      }, "I have stored it: hide")));
    secretArea.querySelector<HTMLElement>("h2")?.setAttribute("tabindex", "-1");
    secretArea.querySelector<HTMLElement>("h2")?.focus();
    await load();
  }, "webhook-form");
  render(body, h("p", { class: "muted" }, "Each endpoint is told (signed POST) when a change request is submitted, decided, published or rolled back."),
    messages, secretArea, form.el, list, deliveries);
  await load();
}
