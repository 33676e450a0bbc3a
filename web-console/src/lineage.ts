// Lineage as a graph: nodes and edges from the lineage endpoints' answers, a layout in columns
// (request -> versions, provider, model -> changes and rules -> people), and the keyboard moves
// between neighbours. Pure: the view draws it as SVG and as a list.
import { shortId } from "./format.js";
import type { LineageStart } from "./routes.js";
import type { AuditEventFull, ChangeLineage, RequestLineage, ReviewerChanges } from "./types.js";

export type NodeKind =
  | "request"
  | "provider"
  | "model"
  | "route"
  | "prompt-version"
  | "policy-version"
  | "rule"
  | "change"
  | "person";

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** Where the node leads: its own lineage graph, when there is one. */
  start?: LineageStart;
}

export interface GraphEdge {
  from: string;
  to: string;
  label: string;
}

export interface Graph {
  root: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Left to right: what was asked, what served it, what made that live, who decided. */
const RANK: Record<NodeKind, number> = {
  request: 0,
  provider: 1,
  model: 1,
  route: 1,
  "prompt-version": 1,
  "policy-version": 1,
  change: 2,
  rule: 2,
  person: 3,
};

export const KIND_LABELS: Record<NodeKind, string> = {
  request: "request",
  provider: "provider",
  model: "model",
  route: "route",
  "prompt-version": "prompt version",
  "policy-version": "policy version",
  rule: "policy rule",
  change: "change",
  person: "person",
};

class Builder {
  readonly nodes = new Map<string, GraphNode>();
  readonly edges: GraphEdge[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly names: Map<string, string>) {}

  node(kind: NodeKind, key: string, label: string, start?: LineageStart): string {
    const id = `${kind}:${key}`;
    if (!this.nodes.has(id)) this.nodes.set(id, { id, kind, label, ...(start ? { start } : {}) });
    return id;
  }

  edge(from: string, to: string, label: string): void {
    const k = `${from}|${to}|${label}`;
    if (this.seen.has(k)) return;
    this.seen.add(k);
    this.edges.push({ from, to, label });
  }

  person(userId: string): string {
    return this.node("person", userId, this.names.get(userId) ?? shortId(userId), { kind: "reviewer", id: userId });
  }

  change(c: ChangeLineage): string {
    const id = this.node("change", c.changeId, `change ${shortId(c.changeId)}`, { kind: "change", id: c.changeId });
    if (c.author) this.edge(id, this.person(c.author), "authored by");
    for (const a of c.approvers ?? []) this.edge(id, this.person(a), "approved by");
    return id;
  }

  graph(root: string): Graph {
    return { root, nodes: [...this.nodes.values()], edges: this.edges };
  }
}

/** User id -> name, from the display data recorded beside each event (actor.name). */
export function namesFrom(events: readonly AuditEventFull[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const e of events) {
    const name = e.display?.["actor.name"];
    if (e.actor && typeof name === "string" && name !== "") names.set(e.actor, name);
  }
  return names;
}

/** Every event a request's lineage mentions (its own and its changes'). */
export function lineageEvents(l: RequestLineage): AuditEventFull[] {
  const out = [...l.events];
  for (const v of [...l.promptVersions, ...l.policyVersions]) for (const c of v.changes) out.push(...c.events);
  return out;
}

/** The rules a request's policy decisions matched (details.policy.<stage>.matched), per stage. */
export function matchedRules(events: readonly AuditEventFull[]): { stage: string; rule: string }[] {
  const out: { stage: string; rule: string }[] = [];
  for (const e of events) {
    const policy = (e.details as Record<string, unknown> | null | undefined)?.["policy"];
    if (!policy || typeof policy !== "object") continue;
    for (const [stage, d] of Object.entries(policy as Record<string, unknown>)) {
      const matched = (d as Record<string, unknown> | null)?.["matched"];
      if (!Array.isArray(matched)) continue;
      for (const r of matched) if (typeof r === "string" && !out.some((o) => o.stage === stage && o.rule === r)) out.push({ stage, rule: r });
    }
  }
  return out;
}

export function requestGraph(l: RequestLineage): Graph {
  const events = lineageEvents(l);
  const b = new Builder(namesFrom(events));
  const root = b.node("request", l.requestId, `request ${shortId(l.requestId)}`, { kind: "request", id: l.requestId });
  for (const s of l.servedBy) {
    if (s.provider) b.edge(root, b.node("provider", s.provider, s.provider), "served by provider");
    if (s.model) b.edge(root, b.node("model", `${s.provider ?? ""}/${s.model}`, s.model), "model");
    if (s.route) b.edge(root, b.node("route", s.route, s.route), "route");
  }
  for (const v of l.promptVersions) {
    const id = b.node("prompt-version", v.version, v.version, { kind: "prompt-version", id: v.version });
    b.edge(root, id, "prompt version");
    for (const c of v.changes) b.edge(id, b.change(c), "published by");
  }
  const policies = new Map<string, string>();
  for (const v of l.policyVersions) {
    const id = b.node("policy-version", v.version, v.version, { kind: "policy-version", id: v.version });
    policies.set(v.version, id);
    b.edge(root, id, "policy version");
    for (const c of v.changes) b.edge(id, b.change(c), "published by");
  }
  for (const { stage, rule } of matchedRules(l.events)) {
    const rid = b.node("rule", rule, `${rule} (${stage})`);
    // "pii@v3/no-email" belongs to policy version "pii@v3" (scoped names: "global:baseline@v2/…").
    const owner = [...policies.keys()].find((v) => rule.startsWith(`${v}/`));
    b.edge(owner ? policies.get(owner)! : root, rid, `matched (${stage})`);
  }
  return b.graph(root);
}

/** A prompt or policy version, the requests it served and (from one of them) the changes that published it. */
function versionGraph(
  kind: "prompt-version" | "policy-version",
  version: string,
  requests: readonly AuditEventFull[],
  published: RequestLineage | null | undefined,
): Graph {
  const events = published ? lineageEvents(published) : [];
  const b = new Builder(namesFrom(events));
  const root = b.node(kind, version, version, { kind, id: version });
  for (const e of requests) {
    if (!e.requestId) continue;
    b.edge(b.node("request", e.requestId, `request ${shortId(e.requestId)}`, { kind: "request", id: e.requestId }), root, KIND_LABELS[kind]);
  }
  const versions = kind === "prompt-version" ? published?.promptVersions : published?.policyVersions;
  const v = versions?.find((p) => p.version === version);
  for (const c of v?.changes ?? []) b.edge(root, b.change(c), "published by");
  return b.graph(root);
}

/** A prompt version, the requests it served and (from one of them) the changes that published it. */
export function promptVersionGraph(version: string, requests: readonly AuditEventFull[], published?: RequestLineage | null): Graph {
  return versionGraph("prompt-version", version, requests, published);
}

/** A policy version, the requests served under it and (from one of them) the changes that published it. */
export function policyVersionGraph(version: string, requests: readonly AuditEventFull[], published?: RequestLineage | null): Graph {
  return versionGraph("policy-version", version, requests, published);
}

/** A reviewer and the changes they approved (each with its author and other approvers). */
export function reviewerGraph(r: ReviewerChanges): Graph {
  const events = r.changes.flatMap((c) => c.change?.events ?? []);
  const b = new Builder(namesFrom(events));
  const root = b.person(r.reviewer);
  for (const a of r.changes) {
    if (a.change) b.change(a.change);
    else b.edge(b.node("change", a.changeId, `change ${shortId(a.changeId)}`, { kind: "change", id: a.changeId }), root, "approved by");
  }
  return b.graph(root);
}

/**
 * A change from its own events in the trail: who created and who approved it, and the prompt or
 * policy version its publish made live (details.promptVersion / details.policyVersion).
 */
export function changeGraph(changeId: string, events: readonly AuditEventFull[]): Graph {
  const b = new Builder(namesFrom(events));
  const mine = events.filter((e) => e.targetId === changeId || (e.details as Record<string, unknown> | null)?.["changeId"] === changeId);
  const author = mine.find((e) => e.action === "change.create")?.actor ?? null;
  const approvers = [...new Set(mine.filter((e) => e.action === "change.approve" && (e.outcome ?? "success") === "success" && e.actor).map((e) => e.actor!))];
  const root = b.change({ changeId, author, approvers, events: mine });
  for (const e of mine) {
    const d = (e.details ?? {}) as Record<string, unknown>;
    if (e.action !== "change.publish" && e.action !== "change.rollback") continue;
    if (typeof d["promptVersion"] === "string") {
      const v = d["promptVersion"];
      b.edge(b.node("prompt-version", v, v, { kind: "prompt-version", id: v }), root, "published by");
    }
    if (typeof d["policyVersion"] === "string") {
      const v = d["policyVersion"];
      b.edge(b.node("policy-version", v, v, { kind: "policy-version", id: v }), root, "published by");
    }
  }
  return b.graph(root);
}

export interface Placed {
  node: GraphNode;
  col: number;
  row: number;
  x: number;
  y: number;
}

export interface Layout {
  placed: Map<string, Placed>;
  columns: string[][];
  width: number;
  height: number;
}

export const NODE_W = 190;
export const NODE_H = 44;
const GAP_X = 70;
const GAP_Y = 18;
const PAD = 10;

/** Columns by kind (only the columns in use), rows in the order the nodes were found. */
export function layout(g: Graph): Layout {
  const ranks = [...new Set(g.nodes.map((n) => RANK[n.kind]))].sort((a, b) => a - b);
  const columns: string[][] = ranks.map(() => []);
  const placed = new Map<string, Placed>();
  for (const n of g.nodes) {
    const col = ranks.indexOf(RANK[n.kind]);
    const row = columns[col]!.length;
    columns[col]!.push(n.id);
    placed.set(n.id, { node: n, col, row, x: PAD + col * (NODE_W + GAP_X), y: PAD + row * (NODE_H + GAP_Y) });
  }
  const rows = Math.max(1, ...columns.map((c) => c.length));
  return {
    placed,
    columns,
    width: PAD * 2 + columns.length * NODE_W + Math.max(0, columns.length - 1) * GAP_X,
    height: PAD * 2 + rows * NODE_H + (rows - 1) * GAP_Y,
  };
}

/** The nodes an edge joins to this one: "out" along edges, "in" against them. */
export function neighbours(g: Graph, id: string, dir: "in" | "out"): string[] {
  return g.edges.filter((e) => (dir === "out" ? e.from === id : e.to === id)).map((e) => (dir === "out" ? e.to : e.from));
}

/**
 * Arrow keys on the graph: right/left to the first node joined by an edge further right/left,
 * up/down within the column; Home to the root. null when there is nowhere to go.
 */
export function move(g: Graph, l: Layout, id: string, key: string): string | null {
  const here = l.placed.get(id);
  if (!here) return null;
  const joined = [...neighbours(g, id, "out"), ...neighbours(g, id, "in")]
    .map((n) => l.placed.get(n)!)
    .filter(Boolean);
  const byRow = (a: Placed, b: Placed) => Math.abs(a.row - here.row) - Math.abs(b.row - here.row) || a.row - b.row;
  switch (key) {
    case "ArrowRight":
      return joined.filter((p) => p.col > here.col).sort(byRow)[0]?.node.id ?? null;
    case "ArrowLeft":
      return joined.filter((p) => p.col < here.col).sort(byRow)[0]?.node.id ?? null;
    case "ArrowDown":
      return l.columns[here.col]![here.row + 1] ?? null;
    case "ArrowUp":
      return here.row > 0 ? l.columns[here.col]![here.row - 1]! : null;
    case "Home":
      return g.root === id ? null : g.root;
    default:
      return null;
  }
}
