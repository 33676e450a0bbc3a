// Lineage drawn as a graph (plain SVG, no library): from a request, a prompt or policy version, a
// change or a reviewer to everything joined to it; every node that has a lineage of its own is a link to it, so
// the graph is navigable both ways. Arrow keys move between joined nodes; the same graph is listed
// as text below it (what a screen reader reads).
import { h, newId, render, svg } from "../dom.js";
import { searchPath } from "../auditquery.js";
import {
  changeGraph, KIND_LABELS, layout, move, NODE_H, NODE_W, policyVersionGraph, promptVersionGraph, requestGraph, reviewerGraph,
  type Graph, type GraphNode, type Layout,
} from "../lineage.js";
import { hrefFor, LINEAGE_KINDS, type LineageStart } from "../routes.js";
import type { AppContext } from "../context.js";
import type { AuditEventFull, AuditPage, RequestLineage, ReviewerChanges } from "../types.js";

const START_LABELS: Record<LineageStart["kind"], string> = {
  request: "Request id",
  "prompt-version": "Prompt version (name/vN)",
  "policy-version": "Policy version (name@vN)",
  reviewer: "Reviewer (user id)",
  change: "Change id",
};

async function load(ctx: AppContext, from: LineageStart): Promise<Graph> {
  // An id from the address bar must stay inside its own API path: the browser would resolve a "."
  // or ".." segment (encodeURIComponent keeps dots) into another /api/v1 path.
  if (from.id.split("/").some((seg) => seg === "" || seg === "." || seg === "..")) {
    throw new Error(`Not a valid ${START_LABELS[from.kind].toLowerCase()}: ${from.id}`);
  }
  const id = encodeURIComponent(from.id);
  switch (from.kind) {
    case "request":
      return requestGraph(await ctx.api.get<RequestLineage>(`/api/v1/lineage/requests/${id}`));
    case "prompt-version": {
      // The version's name keeps its slash ("support-triage/v3"): the path takes it as it is.
      const path = from.id.split("/").map(encodeURIComponent).join("/");
      const page = await ctx.api.get<AuditPage>(`/api/v1/lineage/prompt-versions/${path}/requests?limit=20`);
      const events = page.events as AuditEventFull[];
      // The changes that published it, from the lineage of the newest request it served.
      const newest = events.find((e) => e.requestId);
      const published = newest ? await ctx.api.get<RequestLineage>(`/api/v1/lineage/requests/${encodeURIComponent(newest.requestId!)}`) : null;
      return promptVersionGraph(from.id, events, published);
    }
    case "policy-version": {
      // "pii@v3", "global:baseline@v2": one path segment.
      const page = await ctx.api.get<AuditPage>(`/api/v1/lineage/policy-versions/${id}/requests?limit=20`);
      const events = page.events as AuditEventFull[];
      const newest = events.find((e) => e.requestId);
      const published = newest ? await ctx.api.get<RequestLineage>(`/api/v1/lineage/requests/${encodeURIComponent(newest.requestId!)}`) : null;
      return policyVersionGraph(from.id, events, published);
    }
    case "reviewer":
      return reviewerGraph(await ctx.api.get<ReviewerChanges>(`/api/v1/lineage/reviewers/${id}/changes?limit=50`));
    case "change": {
      const page = await ctx.api.auditEvents(searchPath({ target: from.id, limit: 200 }));
      return changeGraph(from.id, page.events as AuditEventFull[]);
    }
  }
}

function nodeHref(n: GraphNode): string | null {
  return n.start ? hrefFor({ name: "lineage", from: n.start }) : null;
}

function drawGraph(g: Graph, l: Layout): SVGElement {
  const titleId = newId("graph");
  const edges = g.edges.map((e) => {
    const a = l.placed.get(e.from)!;
    const b = l.placed.get(e.to)!;
    const [left, right] = a.col <= b.col ? [a, b] : [b, a];
    const x1 = left.x + NODE_W;
    const y1 = left.y + NODE_H / 2;
    const x2 = right.x;
    const y2 = right.y + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    return svg("path", { class: "edge", d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, "marker-end": "url(#arrow)" });
  });
  const nodes = [...l.placed.values()].map((p) => {
    const n = p.node;
    const href = nodeHref(n);
    const shown = n.label.length > 26 ? `${n.label.slice(0, 25)}…` : n.label;
    // The accessible name starts with exactly the text on screen (axe: label-content-name-mismatch).
    const visible = `${KIND_LABELS[n.kind]} ${shown}`;
    const body = [
      svg("rect", { x: p.x, y: p.y, width: NODE_W, height: NODE_H, rx: 6, class: `node-box kind-${n.kind}${n.id === g.root ? " root" : ""}` }),
      svg("text", null,
        svg("tspan", { x: p.x + 10, y: p.y + 16, class: "node-kind" }, KIND_LABELS[n.kind]),
        " ",
        svg("tspan", { x: p.x + 10, y: p.y + 34, class: "node-label" }, shown)),
    ];
    const common = { "data-node": n.id, "data-kind": n.kind, class: "node", "aria-label": shown === n.label ? visible : `${visible} (${n.label})` };
    return href
      ? svg("a", { ...common, href, "data-nav": "" }, body)
      : svg("g", { ...common, tabindex: "0", role: "img" }, body);
  });
  return svg("svg", { class: "graph", width: l.width, height: l.height, viewBox: `0 0 ${l.width} ${l.height}`, role: "group", "aria-labelledby": titleId },
    svg("title", { id: titleId }, "Lineage graph (arrow keys move between joined nodes)"),
    svg("defs", null, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
      svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow" }))),
    svg("g", { class: "edges", "aria-hidden": "true" }, edges),
    svg("g", { class: "nodes" }, nodes),
  );
}

/** The graph as text: each node with what it is joined to, the joined nodes as links. */
function graphList(g: Graph): HTMLElement {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const link = (n: GraphNode) => {
    const href = nodeHref(n);
    return href ? h("a", { href, "data-nav": "", "data-node-link": n.id }, n.label) : h("span", null, n.label);
  };
  return h("ul", { class: "lineage-list", "data-testid": "lineage-list" },
    g.nodes.map((n) => {
      const out = g.edges.filter((e) => e.from === n.id);
      return h("li", { "data-node": n.id },
        `${KIND_LABELS[n.kind]} `, link(n),
        out.length > 0
          ? h("ul", null, out.map((e) => h("li", { "data-edge": e.label }, `${e.label}: ${KIND_LABELS[byId.get(e.to)!.kind]} `, link(byId.get(e.to)!))))
          : null,
      );
    }),
  );
}

export async function lineageView(ctx: AppContext, main: HTMLElement, from: LineageStart | null): Promise<void> {
  const kind = h("select", { id: "lineage-kind", name: "kind" },
    LINEAGE_KINDS.map((k) => h("option", { value: k, selected: from?.kind === k }, START_LABELS[k])));
  const idInput = h("input", { id: "lineage-id", name: "id", autocomplete: "off", value: from?.id ?? "", required: true });
  const form = h("form", { class: "filters card", "aria-label": "Start the lineage from" },
    h("div", { class: "field" }, h("label", { for: "lineage-kind" }, "Start from"), kind),
    h("div", { class: "field" }, h("label", { for: "lineage-id" }, "Id"), idInput),
    h("button", { type: "submit" }, "Show lineage"),
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (idInput.value.trim() === "") return;
    ctx.navigate(hrefFor({ name: "lineage", from: { kind: kind.value as LineageStart["kind"], id: idInput.value.trim() } }));
  });
  const title = from ? `Lineage of ${START_LABELS[from.kind].replace(/ \(.*\)$/, "").replace(/ id$/, "").toLowerCase()} ${from.id}` : "Lineage";
  if (!from) {
    render(main, h("h1", { tabindex: "-1" }, title),
      h("p", { class: "muted" }, "Follow a request to the prompt and policy versions that shaped it, the changes that made them live and the people who wrote and approved them, or start from any of those."),
      form);
    return;
  }
  const g = await load(ctx, from);
  const l = layout(g);
  const picture = drawGraph(g, l);
  picture.addEventListener("keydown", (ev) => {
    const here = (ev.target as Element).closest?.("[data-node]")?.getAttribute("data-node");
    if (!here) return;
    const next = move(g, l, here, (ev as KeyboardEvent).key);
    if (next === null) return;
    ev.preventDefault();
    picture.querySelector<SVGElement>(`[data-node="${CSS.escape(next)}"]`)?.focus();
  });
  render(main,
    h("h1", { tabindex: "-1" }, title),
    form,
    h("section", { class: "card", "aria-labelledby": "lineage-graph-title", "data-testid": "lineage-graph" },
      h("h2", { id: "lineage-graph-title" }, "Graph"),
      h("p", { class: "muted" }, "Tab to a node; arrow keys follow its edges (right: what it led to, left: where it came from, up/down: same column); Enter opens a node's own lineage."),
      h("div", { class: "graph-scroll" }, picture),
    ),
    h("section", { class: "card", "aria-labelledby": "lineage-text-title" },
      h("h2", { id: "lineage-text-title" }, "As a list"),
      graphList(g),
    ),
  );
}
