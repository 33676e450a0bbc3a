// The console's entry point: who is signed in, which address we are at, and which view draws it.
import { Api } from "./api.js";
import { h, render } from "./dom.js";
import { showError } from "./messages.js";
import { capabilities } from "./permissions.js";
import { BASE, hrefFor, parseRoute, type Route } from "./routes.js";
import { Renewal } from "./renewal.js";
import { loginCodeFrom, Session, takeLoginCode } from "./session.js";
import type { AppContext } from "./context.js";
import { adminView } from "./views/admin.js";
import { auditView } from "./views/audit.js";
import { changeView } from "./views/change.js";
import { changesView } from "./views/changes.js";
import { dashboardView } from "./views/dashboard.js";
import { eventView } from "./views/event.js";
import { goldenSetsView, goldenSetView } from "./views/goldensets.js";
import { heldCallsView } from "./views/heldcalls.js";
import { lineageView } from "./views/lineage.js";
import { loginView } from "./views/login.js";
import { newChangeView } from "./views/newchange.js";

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the token lives in memory only
  }
}

const session = new Session(storage());
const api = new Api((input, init) => window.fetch(input, init), () => session.token());
const locks = (navigator as Navigator & { locks?: { request(name: string, cb: () => Promise<unknown>): Promise<unknown> } }).locks;
const renewal = new Renewal(
  api,
  session,
  { set: (fn, ms) => window.setTimeout(fn, ms), clear: (t) => window.clearTimeout(t as number) },
  locks ? { request: <T>(name: string, fn: () => Promise<T>) => locks.request(name, fn) as Promise<T> } : null,
);
api.renew = () => renewal.renew();
const header = document.getElementById("app-header")!;
const main = document.getElementById("main")!;

const ctx: AppContext = {
  api,
  session,
  navigate(href: string) {
    if (href !== location.pathname + location.search) history.pushState(null, "", href);
    void show();
  },
  refreshChrome: drawHeader,
  beginSession(answer) {
    renewal.begin(answer);
  },
};

// The session could not be renewed: the header says so; the page (and whatever was typed) stays.
api.onUnauthorized = () => {
  renewal.stop();
  session.signOut();
  drawHeader();
};

function navLink(route: Route, label: string, current: Route): HTMLElement {
  const active =
    route.name === current.name ||
    (route.name === "changes" && current.name === "change") ||
    (route.name === "audit" && current.name === "audit-event") ||
    (route.name === "golden-sets" && current.name === "golden-set") ||
    (route.name === "admin" && current.name === "admin");
  return h("a", { href: hrefFor(route), "data-nav": "", "aria-current": active ? "page" : null }, label);
}

function drawHeader(): void {
  const me = session.me;
  const current = parseRoute(location.pathname, location.search);
  const caps = capabilities(me);
  render(
    header,
    h("a", { class: "skip", href: "#main" }, "Skip to content"),
    h("div", { class: "brand" }, h("img", { class: "logo", src: "/console/favicon.svg", alt: "", width: 22, height: 22 }), " Gatehouse ", h("span", { class: "muted" }, "review console")),
    me
      ? h("nav", { "aria-label": "Main" },
          caps.readChanges ? navLink({ name: "changes", state: null }, "Change requests", current) : null,
          caps.createChanges ? navLink({ name: "new-change" }, "New change", current) : null,
          caps.readChanges ? navLink({ name: "golden-sets" }, "Golden sets", current) : null,
          caps.readHeldCalls ? navLink({ name: "held-calls", filter: "held" }, "Held tool calls", current) : null,
          caps.readStats ? navLink({ name: "dashboard" }, "Dashboard", current) : null,
          caps.readAudit ? navLink({ name: "audit" }, "Audit", current) : null,
          caps.readAudit ? navLink({ name: "lineage", from: null }, "Lineage", current) : null,
          caps.administer ? navLink({ name: "admin", page: null }, "Administration", current) : null,
        )
      : null,
    me
      ? h("div", { class: "who", "data-testid": "who" },
          h("span", null, h("strong", null, me.username), ` · ${me.roles.join(", ")} · tenant ${me.tenant}`),
          h("button", { type: "button", class: "link", on: { click: signOut } }, "Sign out"),
        )
      : null,
  );
}

async function signOut(): Promise<void> {
  renewal.stop();
  let endSessionUrl: string | null = null;
  try {
    endSessionUrl = (await api.logout()).endSessionUrl;
  } catch {
    // The token may already be invalid; signing out locally is what matters.
  }
  session.signOut();
  if (endSessionUrl && /^https?:\/\//.test(endSessionUrl)) {
    // Single sign-on: the provider ends its session too, then sends the browser back to /console/.
    window.location.assign(endSessionUrl);
    return;
  }
  drawHeader();
  ctx.navigate(hrefFor({ name: "login" }));
}

/** A completed single sign-on comes back with #login_code=…: redeemed once, then gone from the address. */
async function redeemLoginCode(): Promise<unknown> {
  if (!loginCodeFrom(location.hash)) return null;
  const code = takeLoginCode(location.hash, storage());
  history.replaceState(null, "", location.pathname + location.search);
  if (!code) return null; // not started in this tab: ignored
  try {
    renewal.begin(await api.redeem(code));
    session.me = null;
    return null;
  } catch (e) {
    session.signOut();
    return e;
  }
}

let started = false;

async function show(): Promise<void> {
  const route = parseRoute(location.pathname, location.search);
  try {
    if (!started) {
      started = true;
      const failed = await redeemLoginCode();
      if (failed) {
        drawHeader();
        loginView(ctx, main, route.name === "login" ? hrefFor({ name: "changes", state: null }) : location.pathname + location.search);
        showError(main.querySelector(".messages")!, failed);
        return;
      }
      renewal.schedule(); // a reload: the token kept in this tab is renewed on time
    }
    if (session.token() && !session.me) {
      try {
        session.me = await api.me();
      } catch (e) {
        session.signOut();
        if (route.name !== "login") {
          drawHeader();
          loginView(ctx, main, location.pathname + location.search);
          showError(main.querySelector(".messages")!, e);
          return;
        }
      }
    }
    drawHeader();
    if (!session.me) {
      loginView(ctx, main, route.name === "login" ? defaultHome() : location.pathname + location.search);
      return;
    }
    const caps = capabilities(session.me);
    switch (route.name) {
      case "login":
        ctx.navigate(defaultHome());
        return;
      case "changes":
        // the start page of someone who only administers (the platform admin) is the administration
        if (!caps.readChanges && caps.administer && route.state === null) return ctx.navigate(hrefFor({ name: "admin", page: null }));
        if (!caps.readChanges) return forbidden("Your roles do not include reading change requests.");
        await changesView(ctx, main, route.state);
        break;
      case "change":
        await changeView(ctx, main, route.id);
        break;
      case "new-change":
        if (!caps.createChanges) return forbidden("Creating change requests needs the author or admin role.");
        newChangeView(ctx, main);
        break;
      case "golden-sets":
        if (!caps.readChanges) return forbidden("Golden sets are for authors, reviewers, auditors and admins of a tenant.");
        await goldenSetsView(ctx, main);
        break;
      case "golden-set":
        if (!caps.readChanges) return forbidden("Golden sets are for authors, reviewers, auditors and admins of a tenant.");
        await goldenSetView(ctx, main, route.set);
        break;
      case "audit":
        if (!caps.readAudit) return forbidden("The audit trail is for auditors.");
        auditView(ctx, main);
        break;
      case "audit-event":
        if (!caps.readAudit) return forbidden("The audit trail is for auditors.");
        await eventView(ctx, main, route.id);
        break;
      case "lineage":
        if (!caps.readAudit) return forbidden("Lineage is read from the audit trail, which is for auditors.");
        await lineageView(ctx, main, route.from);
        break;
      case "dashboard":
        if (!caps.readStats) return forbidden("The dashboard is for admins and auditors.");
        await dashboardView(ctx, main);
        break;
      case "held-calls":
        if (!caps.readHeldCalls) return forbidden("Held tool calls are for reviewers and admins (who decide them) and auditors.");
        await heldCallsView(ctx, main, route.filter);
        break;
      case "admin":
        await adminView(ctx, main, route.page, route.tenant ?? null);
        break;
      case "not-found":
        render(main, h("h1", { tabindex: "-1" }, "Not found"), h("p", null, "There is no such page in the console. ", h("a", { href: BASE, "data-nav": "" }, "Go to the start page")));
        break;
    }
    main.querySelector<HTMLElement>("h1")?.focus();
  } catch (e) {
    // Never a blank page: whatever went wrong is said where the view would have been.
    render(main, h("h1", { tabindex: "-1" }, "Something went wrong"), h("div", { class: "messages" }));
    showError(main.querySelector(".messages")!, e);
  }
}

function defaultHome(): string {
  const caps = capabilities(session.me);
  if (!caps.readChanges && !caps.readAudit && caps.administer) return hrefFor({ name: "admin", page: null });
  return caps.readChanges || !caps.readAudit ? hrefFor({ name: "changes", state: null }) : hrefFor({ name: "audit" });
}

function forbidden(text: string): void {
  render(main, h("h1", { tabindex: "-1" }, "Not available"), h("p", { class: "message error", role: "alert" }, text));
}

// Internal links move within the app without a page load (keyboard Enter works the same as a click).
document.addEventListener("click", (ev) => {
  const a = (ev.target as Element | null)?.closest?.("a[data-nav]") as HTMLAnchorElement | null;
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  ctx.navigate(a.getAttribute("href")!);
});
window.addEventListener("popstate", () => void show());
window.addEventListener("unhandledrejection", (ev) => {
  const area = main.querySelector(".messages") ?? main;
  showError(area, ev.reason);
});

void show();
