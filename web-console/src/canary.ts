// A golden set's drift canary as GET /api/v1/golden-sets/{name}/canary gives it (issue 23): its settings,
// drift states and recent scheduled runs with their measures per route and model; mapped here to the
// dashboard's chart data (stats.ts ChartData) and to sentences. No DOM (unit-tested in Node).
import { toSeconds, type ChartData } from "./stats.js";

export interface CanaryMeasures {
  route: string;
  model: string;
  cases: number;
  passRate: number;
  distance?: number | null;
  meanLength?: number | null;
  lengthChange?: number | null;
  jsonValidRate?: number | null;
  refusalRate?: number | null;
  latencyP95Ms: number;
  costMicros: number;
  /** Measures that could not be computed in this run (e.g. the distance when an embedding failed): null above, never 0. */
  errors?: string[];
}

export interface CanaryRun {
  runId: string;
  version: number;
  status: string;
  scheduledFor: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  error?: string | null;
  measures: CanaryMeasures[];
}

export interface CanaryDrift {
  route: string;
  model: string;
  measure: string;
  crossed: boolean;
  value?: number | null;
  threshold: number;
  runId: string;
  since: string;
}

export interface CanarySeries {
  goldenSet: string;
  version: number;
  canary: { everyMinutes: number; routes: string[]; embeddings?: string | null; distance: string; thresholds: Record<string, number> } | null;
  baseline?: { runs: string[]; answers: number; recordedAt: string } | null;
  drift: CanaryDrift[];
  runs: CanaryRun[];
}

/** The charted measures: their label, the threshold that bounds them (CanarySettings.Threshold) and its sense. */
export const CHARTED = [
  { measure: "passRate", label: "Pass rate (%)", threshold: "minPassRate", min: true, scale: 100 },
  { measure: "distance", label: "Distance to the baseline", threshold: "maxDistance", min: false, scale: 1 },
  { measure: "latencyP95Ms", label: "Latency p95 (ms)", threshold: "maxLatencyMsP95", min: false, scale: 1 },
  { measure: "costMicros", label: "Cost per run (currency units)", threshold: "maxCostMicros", min: false, scale: 1 / 1_000_000 },
] as const;

export type ChartedMeasure = (typeof CHARTED)[number]["measure"];

function value(m: CanaryMeasures, measure: string): number | null {
  const v = (m as unknown as Record<string, unknown>)[measure];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** "sandbox · sandbox-small": one line per route and model. */
export function lineLabel(route: string, model: string): string {
  return `${route} · ${model}`;
}

/**
 * One chart of a measure over the runs (oldest first, at their scheduled time), a line per route and model
 * (a run without that route and model is a gap), scaled for display (pass rate in %, cost in units).
 */
export function canaryChart(series: CanarySeries, measure: ChartedMeasure): ChartData {
  const spec = CHARTED.find((c) => c.measure === measure)!;
  const runs = [...series.runs].filter((r) => r.measures.length > 0).reverse();
  const labels: string[] = [];
  for (const r of runs) for (const m of r.measures) {
    const l = lineLabel(m.route, m.model);
    if (!labels.includes(l)) labels.push(l);
  }
  return {
    x: runs.map((r) => toSeconds(r.scheduledFor)),
    lines: labels.map((label) => ({
      label,
      values: runs.map((r) => {
        const m = r.measures.find((x) => lineLabel(x.route, x.model) === label);
        const v = m ? value(m, measure) : null;
        return v === null ? null : v * spec.scale;
      }),
    })),
  };
}

/** The threshold of a charted measure as a sentence, or null when none is set. */
export function thresholdText(series: CanarySeries, measure: ChartedMeasure): string | null {
  const spec = CHARTED.find((c) => c.measure === measure)!;
  const t = series.canary?.thresholds?.[spec.threshold];
  if (typeof t !== "number") return null;
  return `Drift when ${spec.min ? "below" : "above"} ${formatScaled(t * spec.scale)} (${spec.threshold}).`;
}

function formatScaled(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

/** The crossed measures as sentences: "sandbox · m: passRate 0.5 below 0.9, drift since <time>". */
export function driftLines(series: CanarySeries, when: (iso: string) => string): string[] {
  return series.drift.filter((d) => d.crossed).map((d) => {
    const spec = CHARTED.find((c) => c.measure === d.measure);
    const min = spec ? spec.min : d.measure === "jsonValidRate" || d.measure === "passRate";
    const v = typeof d.value === "number" ? formatScaled(d.value) : "no value";
    return `${lineLabel(d.route, d.model)}: ${d.measure} ${v} ${min ? "below" : "above"} ${formatScaled(d.threshold)}, drift since ${when(d.since)}`;
  });
}

/** What the canary does, in one sentence. */
export function canaryLine(series: CanarySeries): string {
  const c = series.canary;
  if (!c) return "This golden set has no drift canary (content.canary).";
  const where = c.routes.length === 0 ? "the live side of its bindings" : `routes ${c.routes.join(", ")}`;
  const base = series.baseline ? `baseline of ${series.baseline.answers} answers` : "no baseline recorded yet";
  return `Runs every ${c.everyMinutes} minutes against ${where}; distance by ${c.distance}; ${base}; ${series.runs.length} recent runs.`;
}

/**
 * The measures the newest run of each route and model could not compute (CanaryMeasures' `errors`), as
 * sentences: "sandbox · m: distance not measured in the run of <time>". A missing value is said, never
 * charted as 0.
 */
export function measureErrorLines(series: CanarySeries, when: (iso: string) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  // the server lists runs newest first
  for (const r of series.runs) {
    for (const m of r.measures) {
      const l = lineLabel(m.route, m.model);
      if (seen.has(l)) continue;
      seen.add(l);
      if (m.errors && m.errors.length > 0) {
        out.push(`${l}: ${m.errors.join(", ")} not measured in the run of ${when(r.scheduledFor)}`);
      }
    }
  }
  return out;
}
