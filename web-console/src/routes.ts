// The console's own addresses under /console/ (the server answers index.html for all of them).

export type Route =
  | { name: "changes"; state: string | null }
  | { name: "change"; id: string }
  | { name: "new-change" }
  | { name: "audit" }
  | { name: "login" }
  | { name: "not-found"; path: string };

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
  if (p === "audit") return { name: "audit" };
  if (p === "login") return { name: "login" };
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
    case "audit":
      return `${BASE}audit`;
    case "login":
      return `${BASE}login`;
    case "not-found":
      return route.path;
  }
}
