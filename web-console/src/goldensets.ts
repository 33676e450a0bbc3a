// Golden sets as GET /api/v1/golden-sets[/{name}] gives them (issue 23), and the words the list and
// detail pages show for them. No DOM here (unit-tested in Node).

export interface Binding {
  kind: string;
  target: string;
}

export interface GoldenSetSummary {
  name: string;
  version: number;
  changeId: string;
  publishedBy: string;
  publishedAt: string;
  binds: Binding[];
  minPassRate: number;
  cases: number;
}

export interface GoldenSetDetail {
  name: string;
  version: number;
  changeId: string;
  publishedBy: string;
  publishedAt: string;
  content: { binds?: Binding[]; minPassRate?: number; cases?: GoldenCase[] } & Record<string, unknown>;
}

export interface GoldenCase {
  id: string;
  input?: { variables?: Record<string, unknown>; messages?: { role: string; content: unknown }[]; model?: string };
  expect?: Record<string, unknown>[];
  source?: Record<string, unknown>;
}

export function bindsLabel(binds: Binding[] | undefined): string {
  const b = binds ?? [];
  return b.length === 0 ? "—" : b.map((x) => `${x.kind} ${x.target}`).join(", ");
}

export function minPassRateLabel(rate: number | undefined): string {
  return typeof rate === "number" ? `${Math.round(rate * 1000) / 10}%` : "—";
}

/** One line per expectation: its type and what it checks ("contains "refund"", "judge over judge ≥ 0.7"). */
export function expectationLabel(e: Record<string, unknown>): string {
  const t = String(e["type"] ?? "?");
  const q = (k: string) => JSON.stringify(e[k] ?? "");
  switch (t) {
    case "contains":
    case "not_contains":
      return `${t} ${q("value")}`;
    case "regex":
      return `regex ${q("pattern")}`;
    case "json_schema":
      return `json_schema ${JSON.stringify(e["schema"] ?? {})}`;
    case "similarity":
      return `similarity to ${q("reference")} over ${String(e["route"] ?? "?")} ≥ ${String(e["threshold"] ?? "?")}`;
    case "policy":
      return `policy outcome ${String(e["outcome"] ?? "?")}`;
    case "judge":
      return `judge over ${String(e["route"] ?? "?")} ≥ ${String(e["threshold"] ?? "?")}: ${q("rubric")}`;
    default:
      return `${t} ${JSON.stringify(e)}`;
  }
}

/** What a case sends, in one line: its variables, its messages (role: text), its model. */
export function inputLabel(c: GoldenCase): string {
  const parts: string[] = [];
  const i = c.input ?? {};
  if (i.variables && Object.keys(i.variables).length > 0) parts.push(`variables ${JSON.stringify(i.variables)}`);
  for (const m of i.messages ?? []) parts.push(`${m.role}: ${typeof m.content === "string" ? m.content : JSON.stringify(m.content)}`);
  if (i.model) parts.push(`model ${i.model}`);
  return parts.length === 0 ? "—" : parts.join(" · ");
}
