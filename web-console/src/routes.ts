// The console's own addresses under /console/ (the server answers index.html for all of them).

export type Route =
  | { name: "changes"; state: string | null }
  | { name: "change"; id: string }
  | { name: "new-change" }
  | { name: "golden-sets" }
  | { name: "golden-set"; set: string }
  | { name: "audit" }
  | { name: "audit-event"; id: string }
  | { name: "dashboard" }
  | { name: "lineage"; from: LineageStart | null }
  | { name: "held-calls"; filter: "held" | "all" }
  | { name: "admin"; page: AdminPage | null; tenant?: string }
  | { name: "login" }
  | { name: "not-found"; path: string };

/** The administration pages (docs/console.md "Administration"). */
export const ADMIN_PAGES = ["tenants", "egress", "users", "keys", "limits", "webhooks"] as const;
export type AdminPage = (typeof ADMIN_PAGES)[number];

/** Where a lineage graph starts: the kinds of object the lineage endpoints (and the trail) lead from. */
export type LineageStart =
  | { kind: "request"; id: string }
  | { kind: "prompt-version"; id: string }
  | { kind: "policy-version"; id: string }
  | { kind: "reviewer"; id: string }
  | { kind: "change"; id: string };

export const LINEAGE_KINDS = ["request", "prompt-version", "policy-version", "reviewer", "change"] as const;

export const BASE = "/console/";

export function parseRoute(pathname: string, search = ""): Route {
  let p = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname === "/console" ? "" : null;
  if (p === null) return { name: "not-found", path: pathname };
  p = p.replace(/\/+$/, "");
  const q = new URLSearchParams(search);
  if (p === "" || p === "changes") return { name: "changes", state: q.get("state") || null };
  if (p === "changes/new") return { name: "new-change" };
  const m = /^changes\/([A-Za-z0-9-]{1,64})$/.exec(p);
  if (m) return { name: "change", id: m[1]! };
  if (p === "golden-sets") return { name: "golden-sets" };
  const gs = /^golden-sets\/([a-z0-9][a-z0-9._-]{0,63})$/.exec(p);
  if (gs) return { name: "golden-set", set: gs[1]! };
  if (p === "audit") return { name: "audit" };
  const ev = /^audit\/events\/([A-Za-z0-9-]{1,64})$/.exec(p);
  if (ev) return { name: "audit-event", id: ev[1]! };
  if (p === "dashboard") return { name: "dashboard" };
  if (p === "lineage") {
    for (const kind of LINEAGE_KINDS) {
      const id = q.get(kind);
      if (id && id.trim() !== "") return { name: "lineage", from: { kind, id: id.trim() } };
    }
    return { name: "lineage", from: null };
  }
  if (p === "held-calls") return { name: "held-calls", filter: q.get("status") === "all" ? "all" : "held" };
  if (p === "login") return { name: "login" };
  if (p === "admin") return { name: "admin", page: null };
  const ad = /^admin\/([a-z]+)$/.exec(p);
  if (ad && (ADMIN_PAGES as readonly string[]).includes(ad[1]!)) {
    const page = ad[1] as AdminPage;
    const tenant = q.get("tenant");
    return page === "egress" && tenant && /^[A-Za-z0-9-]{1,64}$/.test(tenant) ? { name: "admin", page, tenant } : { name: "admin", page };
  }
  return { name: "not-found", path: pathname };
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case "changes":
      return route.state ? `${BASE}changes?state=${encodeURIComponent(route.state)}` : `${BASE}changes`;
    case "change":
      return `${BASE}changes/${encodeURIComponent(route.id)}`;
    case "new-change":
      return `${BASE}changes/new`;
    case "golden-sets":
      return `${BASE}golden-sets`;
    case "golden-set":
      return `${BASE}golden-sets/${encodeURIComponent(route.set)}`;
    case "audit":
      return `${BASE}audit`;
    case "audit-event":
      return `${BASE}audit/events/${encodeURIComponent(route.id)}`;
    case "dashboard":
      return `${BASE}dashboard`;
    case "lineage":
      return route.from ? `${BASE}lineage?${route.from.kind}=${encodeURIComponent(route.from.id)}` : `${BASE}lineage`;
    case "held-calls":
      return route.filter === "all" ? `${BASE}held-calls?status=all` : `${BASE}held-calls`;
    case "admin":
      if (route.page === null) return `${BASE}admin`;
      return route.tenant ? `${BASE}admin/${route.page}?tenant=${encodeURIComponent(route.tenant)}` : `${BASE}admin/${route.page}`;
    case "login":
      return `${BASE}login`;
    case "not-found":
      return route.path;
  }
}
