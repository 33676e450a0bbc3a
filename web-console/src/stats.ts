// The dashboard's numbers: periods and steps for /api/v1/stats/*, series for the charts, and the
// same numbers as text (the charts' alternative for screen readers and for the browser tests).
import type { GatewayPoint, GatewayStats } from "./types.js";

export interface Period {
  id: string;
  label: string;
  /** Length of the period in seconds. */
  span: number;
  /** ISO-8601 step, at most 1000 buckets per period (docs/statistics.md). */
  step: string;
  stepSeconds: number;
}

export const PERIODS: readonly Period[] = [
  { id: "1h", label: "Last hour, per minute", span: 3600, step: "PT1M", stepSeconds: 60 },
  { id: "6h", label: "Last 6 hours, per 5 minutes", span: 6 * 3600, step: "PT5M", stepSeconds: 300 },
  { id: "24h", label: "Last 24 hours, per hour", span: 24 * 3600, step: "PT1H", stepSeconds: 3600 },
  { id: "7d", label: "Last 7 days, per 6 hours", span: 7 * 86400, step: "PT6H", stepSeconds: 6 * 3600 },
  { id: "30d", label: "Last 30 days, per day", span: 30 * 86400, step: "P1D", stepSeconds: 86400 },
];

export function periodById(id: string | null | undefined): Period {
  return PERIODS.find((p) => p.id === id) ?? PERIODS[0]!;
}

/**
 * The query of a period ending now: "to" is the end of the current step (so the newest bucket holds
 * the last requests), "from" one span before it.
 */
export function periodQuery(p: Period, now: Date): string {
  const step = p.stepSeconds * 1000;
  const to = Math.ceil((now.getTime() + 1) / step) * step;
  const from = to - p.span * 1000;
  return new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), step: p.step }).toString();
}

export type GatewayMetric = "requests" | "errors" | "tokens" | "cost" | "p50Ms" | "p95Ms" | "p99Ms";

export const METRIC_LABELS: Record<GatewayMetric, string> = {
  requests: "Requests",
  errors: "Errors (status 400 and above)",
  tokens: "Tokens (input + output)",
  cost: "Cost (currency units)",
  p50Ms: "Latency p50 (ms)",
  p95Ms: "Latency p95 (ms)",
  p99Ms: "Latency p99 (ms)",
};

export function metricValue(p: GatewayPoint, m: GatewayMetric): number | null {
  switch (m) {
    case "requests":
      return p.requests;
    case "errors":
      return p.errors;
    case "tokens":
      return p.inputTokens + p.outputTokens;
    case "cost":
      return p.costMicros / 1_000_000;
    default:
      return p[m];
  }
}

/** Chart data: x in Unix seconds (what uPlot takes) and one named line per series. */
export interface ChartData {
  x: number[];
  lines: { label: string; values: (number | null)[] }[];
}

export function toSeconds(iso: string): number {
  return Math.floor(new Date(iso).getTime() / 1000);
}

/** One line per group (route, provider or model) of one metric. */
export function gatewayChart(stats: GatewayStats, metric: GatewayMetric): ChartData {
  const first = stats.series[0];
  const x = first ? first.points.map((p) => toSeconds(p.time)) : [];
  return { x, lines: stats.series.map((s) => ({ label: s.group, values: s.points.map((p) => metricValue(p, metric)) })) };
}

/** The three latency percentiles of one series (groupBy=none gives the one series "all"). */
export function latencyChart(stats: GatewayStats): ChartData {
  const s = stats.series[0];
  if (!s) return { x: [], lines: [] };
  return {
    x: s.points.map((p) => toSeconds(p.time)),
    lines: (["p50Ms", "p95Ms", "p99Ms"] as const).map((m) => ({ label: m.replace("Ms", ""), values: s.points.map((p) => p[m]) })),
  };
}

export interface LineSummary {
  label: string;
  total: number;
  peak: number | null;
  latest: number | null;
  points: number;
}

/**
 * What a line amounts to, as text: the sum over the period (for counts), the highest value and the
 * newest non-empty value. Empty buckets (null) count for nothing.
 */
export function summarize(data: ChartData): LineSummary[] {
  return data.lines.map((l) => {
    let total = 0;
    let peak: number | null = null;
    let latest: number | null = null;
    let points = 0;
    for (const v of l.values) {
      if (v === null || Number.isNaN(v)) continue;
      total += v;
      peak = peak === null || v > peak ? v : peak;
      latest = v;
      points++;
    }
    return { label: l.label, total, peak, latest, points };
  });
}

/** Whether a chart has anything to draw (every value zero or empty draws nothing useful). */
export function hasData(data: ChartData): boolean {
  return data.lines.some((l) => l.values.some((v) => v !== null && v !== 0));
}

/**
 * The width (px) of a chart's value axis: room for its longest label at uPlot's 12 px axis font (about
 * 7.5 px a character) and the ticks, at least 60 (a cost's "0.000100" no longer loses its "0.").
 */
export function axisWidth(labels: readonly (string | null | undefined)[] | null | undefined): number {
  let longest = 0;
  for (const l of labels ?? []) if (l) longest = Math.max(longest, l.length);
  return Math.max(60, Math.ceil(longest * 7.5) + 20);
}

/** A number for people: integers as they are, fractions with up to 3 significant decimals. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 2 : 6;
  return v.toLocaleString("en-US", { maximumFractionDigits: digits });
}

/** Millionths of the currency unit as the unit ("0.00084"). */
export function formatMicros(micros: number | null | undefined): string {
  if (micros === null || micros === undefined) return "—";
  return formatNumber(micros / 1_000_000);
}

/** Seconds as "3 d 4 h", "2 h 5 min", "4 min 10 s" or "12 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return r > 0 ? `${m} min ${r} s` : `${m} min`;
  return `${r} s`;
}

/** A share (0..1) as a percentage; null (no requests) as a dash. */
export function formatShare(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  return `${(v * 100).toLocaleString("en-US", { maximumFractionDigits: 1 })} %`;
}

/** Budget use as a share of the limit, or null without a limit. */
export function budgetShare(spentMicros: number, limitMicros: number | null): number | null {
  if (limitMicros === null || limitMicros <= 0) return null;
  return spentMicros / limitMicros;
}
