import { test } from "node:test";
import assert from "node:assert/strict";
import {
  axisWidth, budgetShare, formatDuration, formatMicros, formatNumber, formatShare, gatewayChart, hasData, latencyChart,
  periodById, periodQuery, PERIODS, summarize,
} from "../src/stats.js";
import type { GatewayPoint, GatewayStats } from "../src/types.js";

function point(time: string, p: Partial<GatewayPoint> = {}): GatewayPoint {
  return { time, requests: 0, errors: 0, p50Ms: null, p95Ms: null, p99Ms: null, inputTokens: 0, outputTokens: 0, costMicros: 0, ...p };
}

const stats: GatewayStats = {
  tenant: "t", from: "2026-12-06T10:00:00Z", to: "2026-12-06T10:03:00Z", step: "PT1M", groupBy: "route",
  series: [
    { group: "sandbox", points: [
      point("2026-12-06T10:00:00Z", { requests: 5, errors: 1, p50Ms: 12, p95Ms: 20.4, p99Ms: 21.7, inputTokens: 40, outputTokens: 95, costMicros: 840 }),
      point("2026-12-06T10:01:00Z"),
      point("2026-12-06T10:02:00Z", { requests: 2, inputTokens: 10, outputTokens: 5, costMicros: 160, p50Ms: 9, p95Ms: 11, p99Ms: 11.5 }),
    ] },
    { group: "(none)", points: [point("2026-12-06T10:00:00Z", { requests: 1, errors: 1 }), point("2026-12-06T10:01:00Z"), point("2026-12-06T10:02:00Z")] },
  ],
};

test("periods: every choice stays within 1000 buckets; unknown ids fall back to the first", () => {
  for (const p of PERIODS) assert.ok(p.span / p.stepSeconds <= 1000, p.id);
  assert.equal(periodById("7d").step, "PT6H");
  assert.equal(periodById("nonsense").id, "1h");
  assert.equal(periodById(null).id, "1h");
});

test("a period ends at the end of the current step, so the newest bucket holds the newest requests", () => {
  const q = new URLSearchParams(periodQuery(periodById("1h"), new Date("2026-12-06T10:02:30.500Z")));
  assert.equal(q.get("to"), "2026-12-06T10:03:00.000Z");
  assert.equal(q.get("from"), "2026-12-06T09:03:00.000Z");
  assert.equal(q.get("step"), "PT1M");
  // exactly on a boundary: that bucket is included
  const exact = new URLSearchParams(periodQuery(periodById("24h"), new Date("2026-12-06T10:00:00.000Z")));
  assert.equal(exact.get("to"), "2026-12-06T11:00:00.000Z");
  assert.equal(exact.get("from"), "2026-12-05T11:00:00.000Z");
});

test("gateway series become one line per group, x in Unix seconds", () => {
  const c = gatewayChart(stats, "requests");
  assert.deepEqual(c.x, [1796551200, 1796551260, 1796551320]);
  assert.deepEqual(c.lines, [{ label: "sandbox", values: [5, 0, 2] }, { label: "(none)", values: [1, 0, 0] }]);
  assert.deepEqual(gatewayChart(stats, "tokens").lines[0]!.values, [135, 0, 15]);
  assert.deepEqual(gatewayChart(stats, "cost").lines[0]!.values, [0.00084, 0, 0.00016]);
  assert.deepEqual(gatewayChart(stats, "p95Ms").lines[0]!.values, [20.4, null, 11]);
  assert.deepEqual(gatewayChart({ ...stats, series: [] }, "errors"), { x: [], lines: [] });
});

test("latency: the three percentiles of the one series, empty buckets as gaps", () => {
  const c = latencyChart({ ...stats, series: [stats.series[0]!] });
  assert.deepEqual(c.lines.map((l) => l.label), ["p50", "p95", "p99"]);
  assert.deepEqual(c.lines[2]!.values, [21.7, null, 11.5]);
  assert.deepEqual(latencyChart({ ...stats, series: [] }), { x: [], lines: [] });
});

test("summaries: totals, highest and latest, ignoring empty buckets", () => {
  assert.deepEqual(summarize(gatewayChart(stats, "requests")), [
    { label: "sandbox", total: 7, peak: 5, latest: 2, points: 3 },
    { label: "(none)", total: 1, peak: 1, latest: 0, points: 3 },
  ]);
  assert.deepEqual(summarize({ x: [1, 2], lines: [{ label: "p50", values: [null, null] }] }), [
    { label: "p50", total: 0, peak: null, latest: null, points: 0 },
  ]);
  assert.equal(hasData(gatewayChart(stats, "requests")), true);
  assert.equal(hasData({ x: [1], lines: [{ label: "a", values: [0] }, { label: "b", values: [null] }] }), false);
});

test("numbers for people", () => {
  assert.equal(formatNumber(1234567), "1,234,567");
  assert.equal(formatNumber(20.456), "20.46");
  assert.equal(formatNumber(0.00084), "0.00084");
  assert.equal(formatNumber(null), "—");
  assert.equal(formatMicros(840), "0.00084");
  assert.equal(formatMicros(12_500_000), "12.5");
  assert.equal(formatDuration(12), "12 s");
  assert.equal(formatDuration(250), "4 min 10 s");
  assert.equal(formatDuration(7500), "2 h 5 min");
  assert.equal(formatDuration(3 * 86400 + 4 * 3600 + 5), "3 d 4 h");
  assert.equal(formatDuration(null), "—");
  assert.equal(formatShare(0.9876), "98.8 %");
  assert.equal(formatShare(null), "—");
  assert.equal(budgetShare(500, 1000), 0.5);
  assert.equal(budgetShare(500, null), null);
  assert.equal(budgetShare(500, 0), null);
});

test("a chart's value axis is as wide as its longest label, at least 60 px", () => {
  assert.equal(axisWidth(null), 60);
  assert.equal(axisWidth(["0", "50", "100"]), 60);
  // a cost per run in currency units: "0.000100" needs more than the old fixed 60 px
  assert.equal(axisWidth(["0.000000", null, "0.000100"]), 80);
  assert.ok(axisWidth(["60,000"]) >= 60);
});
