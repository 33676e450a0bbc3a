import { test } from "node:test";
import assert from "node:assert/strict";
import { canaryChart, canaryLine, driftLines, measureErrorLines, thresholdText, type CanarySeries } from "../src/canary.js";

const m = (route: string, model: string, passRate: number, extra: Record<string, number | null> = {}) => ({
  route, model, cases: 4, passRate, distance: 0.1, latencyP95Ms: 120, costMicros: 2500, ...extra,
});
const series: CanarySeries = {
  goldenSet: "support",
  version: 2,
  canary: { everyMinutes: 15, routes: ["sandbox", "backup"], embeddings: "embed", distance: "embedding", thresholds: { minPassRate: 0.75, maxDistance: 0.3 } },
  baseline: { runs: ["r1"], answers: 8, recordedAt: "2026-12-07T10:00:00Z" },
  drift: [
    { route: "sandbox", model: "small", measure: "passRate", crossed: true, value: 0.5, threshold: 0.75, runId: "r3", since: "2026-12-07T10:30:00Z" },
    { route: "backup", model: "big", measure: "distance", crossed: false, value: 0.1, threshold: 0.3, runId: "r3", since: "2026-12-07T10:00:00Z" },
  ],
  // newest first, as the server lists them
  runs: [
    { runId: "r3", version: 2, status: "failed", scheduledFor: "2026-12-07T10:30:00Z", measures: [m("sandbox", "small", 0.5, { distance: 0.6 })] },
    { runId: "r2", version: 2, status: "running", scheduledFor: "2026-12-07T10:15:00Z", measures: [] },
    { runId: "r1", version: 2, status: "passed", scheduledFor: "2026-12-07T10:00:00Z", measures: [m("sandbox", "small", 1, { distance: null }), m("backup", "big", 1)] },
  ],
};

test("a canary's series becomes chart data: oldest run first, a line per route and model, gaps where a run has none", () => {
  const pass = canaryChart(series, "passRate");
  assert.deepEqual(pass.x, [Date.parse("2026-12-07T10:00:00Z") / 1000, Date.parse("2026-12-07T10:30:00Z") / 1000]);
  assert.deepEqual(pass.lines, [
    { label: "sandbox · small", values: [100, 50] },
    { label: "backup · big", values: [100, null] },
  ]);
  assert.deepEqual(canaryChart(series, "distance").lines[0], { label: "sandbox · small", values: [null, 0.6] });
  assert.deepEqual(canaryChart(series, "costMicros").lines[1], { label: "backup · big", values: [0.0025, null] });
  assert.deepEqual(canaryChart(series, "latencyP95Ms").lines[0]!.values, [120, 120]);
  assert.deepEqual(canaryChart({ ...series, runs: [] }, "passRate"), { x: [], lines: [] });
});

test("thresholds, drift and the canary's settings as sentences", () => {
  assert.equal(thresholdText(series, "passRate"), "Drift when below 75 (minPassRate).");
  assert.equal(thresholdText(series, "distance"), "Drift when above 0.3 (maxDistance).");
  assert.equal(thresholdText(series, "latencyP95Ms"), null);
  assert.deepEqual(driftLines(series, (iso) => `at ${iso}`), ["sandbox · small: passRate 0.5 below 0.75, drift since at 2026-12-07T10:30:00Z"]);
  assert.equal(canaryLine(series), "Runs every 15 minutes against routes sandbox, backup; distance by embedding; baseline of 8 answers; 3 recent runs.");
  assert.equal(canaryLine({ ...series, canary: null }), "This golden set has no drift canary (content.canary).");
});

test("a measure the newest run could not compute is said, per route and model, never as 0", () => {
  const when = (iso: string) => iso.slice(11, 16);
  assert.deepEqual(measureErrorLines(series, when), []);
  const failedEmbedding: CanarySeries = {
    ...series,
    runs: [
      { runId: "r4", version: 2, status: "passed", scheduledFor: "2026-12-07T10:45:00Z",
        measures: [{ ...m("sandbox", "small", 1, { distance: null }), errors: ["distance"] }] },
      // an older run's error for a line the newer run measured is history, not said
      { runId: "r3", version: 2, status: "passed", scheduledFor: "2026-12-07T10:30:00Z",
        measures: [{ ...m("backup", "big", 1, { distance: null }), errors: ["distance"] }, m("sandbox", "small", 1)] },
    ],
  };
  assert.deepEqual(measureErrorLines(failedEmbedding, when), [
    "sandbox · small: distance not measured in the run of 10:45",
    "backup · big: distance not measured in the run of 10:30",
  ]);
});
