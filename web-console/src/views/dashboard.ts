// The operators' and auditors' dashboard: gateway traffic, latency, tokens and cost by route,
// provider or model; SLA adherence; policy matches by rule; budget; breakers; reviews. Charts are
// drawn by uPlot (canvas); every chart has its numbers as a table beside it for screen readers.
import uPlot from "uplot";
import { h, newId, render } from "../dom.js";
import { formatInstant, shortId } from "../format.js";
import { showError } from "../messages.js";
import { hrefFor } from "../routes.js";
import {
  axisWidth, budgetShare, formatDuration, formatMicros, formatNumber, formatShare, gatewayChart, hasData, latencyChart,
  METRIC_LABELS, PERIODS, periodById, periodQuery, summarize, toSeconds, type ChartData, type GatewayMetric,
} from "../stats.js";
import type { AppContext } from "../context.js";
import type {
  BreakerStats, BudgetPeriod, BudgetStats, GatewayStats, PolicyStats, ReviewQueue, SlaStats, TimeToPublish,
} from "../types.js";

const COLORS = ["#24477a", "#c2410c", "#1f7a3f", "#7c3aed", "#a4231c", "#0e7490", "#8a6d00", "#be185d"];
const GROUPS = ["route", "provider", "model"] as const;

/** Charts of the page on screen (resized with the window, destroyed when the page is drawn again). */
let charts: uPlot[] = [];
let resizeWired = false;

function chartWidth(el: HTMLElement): number {
  return Math.max(280, Math.floor(el.getBoundingClientRect().width) - 4);
}

function wireResize(): void {
  if (resizeWired) return;
  resizeWired = true;
  window.addEventListener("resize", () => {
    charts = charts.filter((c) => c.root.isConnected);
    for (const c of charts) {
      const box = c.root.parentElement;
      if (box) c.setSize({ width: chartWidth(box), height: c.height });
    }
  });
}

/** A chart with its heading, the drawing (hidden from screen readers) and the same numbers as a table. */
export function chart(key: string, title: string, data: ChartData, opts: { format?: (v: number | null) => string; counts?: boolean } = {}): HTMLElement {
  const fmt = opts.format ?? formatNumber;
  const titleId = newId("chart");
  const box = h("div", { class: "chart-box", "aria-hidden": "true" });
  const summary = summarize(data);
  const fig = h("figure", { class: "chart", "data-chart": key, "aria-labelledby": titleId, "data-points": String(data.x.length) },
    h("figcaption", { id: titleId }, title),
    hasData(data) ? box : h("p", { class: "empty" }, "Nothing in this period."),
    h("table", { class: "chart-table", "data-testid": `chart-table-${key}` },
      h("caption", { class: "visually-hidden" }, `${title}: the numbers of the chart`),
      h("thead", null, h("tr", null,
        h("th", { scope: "col" }, "Series"),
        opts.counts === false ? null : h("th", { scope: "col" }, "Total"),
        h("th", { scope: "col" }, "Highest"),
        h("th", { scope: "col" }, "Latest"),
      )),
      h("tbody", null,
        summary.length === 0 ? h("tr", null, h("td", { colspan: 4 }, "No series")) : null,
        summary.map((s, i) => h("tr", { "data-series": s.label },
          h("th", { scope: "row" }, h("span", { class: `swatch swatch-${i % COLORS.length}`, "aria-hidden": "true" }), s.label),
          opts.counts === false ? null : h("td", { "data-total": String(s.total) }, fmt(s.total)),
          h("td", null, fmt(s.peak)),
          h("td", null, fmt(s.latest)),
        )),
      ),
    ),
  );
  if (hasData(data)) {
    // Drawn once the figure is on the page (uPlot measures its box).
    queueMicrotask(() => draw(box, data, fmt));
  }
  return fig;
}

function draw(box: HTMLElement, data: ChartData, fmt: (v: number | null) => string): void {
  if (!box.isConnected) return;
  const opts: uPlot.Options = {
    width: chartWidth(box),
    height: 220,
    legend: { show: false },
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    scales: { x: { time: true } },
    axes: [{}, { values: (_u, vals) => vals.map((v) => fmt(v)), size: (_u, labels) => axisWidth(labels) }],
    series: [
      {},
      ...data.lines.map((l, i) => ({ label: l.label, stroke: COLORS[i % COLORS.length]!, width: 2, spanGaps: false, points: { show: true, size: 5 } })),
    ],
  };
  const aligned = [data.x, ...data.lines.map((l) => l.values)] as uPlot.AlignedData;
  charts.push(new uPlot(opts, aligned, box));
  wireResize();
}

function section(title: string, testid: string, ...children: (HTMLElement | null)[]): HTMLElement {
  const id = newId("sec");
  return h("section", { class: "card", "aria-labelledby": id, "data-testid": testid }, h("h2", { id }, title), ...children);
}

function table(head: string[], rows: (string | HTMLElement)[][], testid?: string): HTMLElement {
  return h("table", { class: "data", ...(testid ? { "data-testid": testid } : {}) },
    h("thead", null, h("tr", null, head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", null,
      rows.length === 0 ? h("tr", null, h("td", { colspan: head.length, class: "empty" }, "None")) : null,
      rows.map((r) => h("tr", null, r.map((c, i) => (i === 0 ? h("th", { scope: "row" }, c) : h("td", null, c))))),
    ),
  );
}

export async function dashboardView(ctx: AppContext, main: HTMLElement): Promise<void> {
  const params = new URLSearchParams(location.search);
  const period = periodById(params.get("period"));
  const groupBy = (GROUPS as readonly string[]).includes(params.get("groupBy") ?? "") ? params.get("groupBy")! : "route";

  const periodSelect = h("select", { id: "dash-period", name: "period" },
    PERIODS.map((p) => h("option", { value: p.id, selected: p.id === period.id }, p.label)));
  const groupSelect = h("select", { id: "dash-group", name: "groupBy" },
    GROUPS.map((g) => h("option", { value: g, selected: g === groupBy }, `by ${g}`)));
  const apply = () => ctx.navigate(`${hrefFor({ name: "dashboard" })}?period=${periodSelect.value}&groupBy=${groupSelect.value}`);
  const controls = h("form", { class: "filters card", "aria-label": "Period and grouping" },
    h("div", { class: "field" }, h("label", { for: "dash-period" }, "Period and step"), periodSelect),
    h("div", { class: "field" }, h("label", { for: "dash-group" }, "Traffic grouped"), groupSelect),
    h("button", { type: "submit" }, "Show"),
  );
  controls.addEventListener("submit", (ev) => {
    ev.preventDefault();
    apply();
  });

  const areas = {
    traffic: h("div", { class: "charts" }, h("p", { class: "muted" }, "Loading…")),
    latency: h("div", { class: "charts" }),
    sla: h("div"),
    policy: h("div"),
    budget: h("div"),
    breakers: h("div"),
    reviews: h("div"),
    publish: h("div"),
  };
  for (const c of charts) c.destroy();
  charts = [];
  render(main,
    h("h1", { tabindex: "-1" }, "Dashboard"),
    h("p", { class: "muted" }, "Every number is read from the audit trail and the database (all instances), for the period chosen here. Times in UTC."),
    controls,
    section(`Gateway traffic by ${groupBy}`, "dash-traffic", areas.traffic),
    section("Latency percentiles (all requests)", "dash-latency", areas.latency),
    section("SLA adherence", "dash-sla", areas.sla),
    section("Policy denials and redactions by rule", "dash-policy", areas.policy),
    section("Budget use against limits", "dash-budget", areas.budget),
    section("Circuit breakers per instance", "dash-breakers", areas.breakers),
    section("Reviews waiting", "dash-reviews", areas.reviews),
    section("Time from submit to publish", "dash-publish", areas.publish),
  );

  const q = periodQuery(period, new Date());
  const load = async <T>(area: HTMLElement, path: string, draw: (v: T) => (HTMLElement | null)[]) => {
    try {
      const v = await ctx.api.get<T>(path);
      render(area, ...draw(v));
    } catch (e) {
      render(area, h("div", { class: "messages" }));
      showError(area.firstElementChild!, e);
    }
  };
  const metrics: GatewayMetric[] = ["requests", "errors", "tokens", "cost"];
  await Promise.all([
    load<GatewayStats>(areas.traffic, `/api/v1/stats/gateway?${q}&groupBy=${groupBy}`, (s) =>
      metrics.map((m) => chart(m, METRIC_LABELS[m], gatewayChart(s, m)))),
    load<GatewayStats>(areas.latency, `/api/v1/stats/gateway?${q}&groupBy=none`, (s) =>
      [chart("latency", "Latency p50, p95, p99 (ms)", latencyChart(s), { counts: false })]),
    load<SlaStats>(areas.sla, `/api/v1/stats/sla?${q}`, slaView),
    load<PolicyStats>(areas.policy, `/api/v1/stats/policy?${q}`, policyView),
    load<BudgetStats>(areas.budget, "/api/v1/stats/budget", budgetView),
    load<BreakerStats>(areas.breakers, "/api/v1/stats/breakers", breakersView),
    load<ReviewQueue>(areas.reviews, "/api/v1/stats/reviews", reviewsView),
    load<TimeToPublish>(areas.publish, `/api/v1/stats/reviews/time-to-publish?${q}`, publishView),
  ]);
}

function slaView(s: SlaStats): HTMLElement[] {
  const x = s.routes[0]?.points.map((p) => toSeconds(p.time)) ?? [];
  const data: ChartData = { x, lines: s.routes.map((r) => ({ label: r.route, values: r.points.map((p) => (p.adherence === null ? null : p.adherence * 100)) })) };
  return [
    h("p", null, `Objective: answered below status 500 within ${formatNumber(s.objectiveMs)} ms.`),
    table(["Route", "Requests", "Within objective", "Adherence"],
      s.routes.map((r) => [r.route, formatNumber(r.requests), formatNumber(r.withinObjective), formatShare(r.adherence)]), "sla-table"),
    chart("sla", "Adherence per route (% of requests within the objective)", data, { counts: false }),
  ];
}

function policyView(s: PolicyStats): HTMLElement[] {
  const x = s.rules[0]?.points.map((p) => toSeconds(p.time)) ?? [];
  const data: ChartData = { x, lines: s.rules.map((r) => ({ label: `${r.rule} (${r.effect})`, values: r.points.map((p) => p.count) })) };
  const totals = Object.entries(s.totals ?? {});
  return [
    h("p", null, totals.length === 0 ? "No enforced rule matched in this period." : totals.map(([k, v]) => `${k}: ${formatNumber(v)}`).join(" · ")),
    chart("policy", "Matches per rule", data),
  ];
}

function budgetRow(label: string, b: BudgetPeriod): (string | HTMLElement)[] {
  const share = budgetShare(b.spentMicros, b.limitMicros);
  return [
    label,
    formatMicros(b.spentMicros),
    b.limitMicros === null ? "no limit" : formatMicros(b.limitMicros),
    share === null
      ? "—"
      : h("span", null,
          h("meter", { min: 0, max: 1, value: Math.min(1, share), low: 0.8, high: 0.95, optimum: 0, "aria-label": `${label}: share of the limit used` }),
          ` ${formatShare(share)}`),
  ];
}

function budgetView(s: BudgetStats): HTMLElement[] {
  return [table(["Period", "Spent", "Limit", "Used"], [budgetRow("Today (UTC)", s.daily), budgetRow("This month (UTC)", s.monthly)], "budget-table")];
}

function breakersView(s: BreakerStats): HTMLElement[] {
  return [
    table(["Instance", "Provider", "State", "Since"],
      s.breakers.map((b) => [b.instance, b.provider, h("span", { class: `badge breaker-${b.state}` }, b.state.replace("_", "-")), formatInstant(b.changedAt)]), "breakers-table"),
    h("p", { class: "muted" }, `As of ${formatInstant(s.asOf)}. An instance that never called a provider has no entry for it.`),
  ];
}

function reviewsView(s: ReviewQueue): HTMLElement[] {
  return [
    h("p", { "data-testid": "reviews-waiting" }, `${formatNumber(s.waiting)} waiting; the oldest for ${formatDuration(s.oldestAgeSeconds)}.`),
    table(["Kind", "Waiting", "Oldest waits"], s.byKind.map((k) => [k.kind, formatNumber(k.waiting), formatDuration(k.oldestAgeSeconds)]), "reviews-table"),
    s.changes.length === 0
      ? null
      : h("details", null, h("summary", null, "The oldest waiting changes"),
          table(["Change", "Kind", "Author", "Waiting"],
            s.changes.slice(0, 20).map((c) => [
              h("a", { href: hrefFor({ name: "change", id: c.id }), "data-nav": "" }, `${c.target} (${shortId(c.id)})`),
              c.kind, c.author, formatDuration(c.ageSeconds),
            ]))),
  ].filter((e): e is HTMLElement => e !== null);
}

function publishView(s: TimeToPublish): HTMLElement[] {
  const x = s.kinds[0]?.points.map((p) => toSeconds(p.time)) ?? [];
  const data: ChartData = { x, lines: s.kinds.map((k) => ({ label: k.kind, values: k.points.map((p) => p.p50Seconds) })) };
  return [
    table(["Kind", "Published", "Median (p50) in the busiest bucket", "Longest"],
      s.kinds.map((k) => {
        const withData = k.points.filter((p) => p.published > 0);
        const busiest = withData.sort((a, b) => b.published - a.published)[0];
        const longest = withData.reduce<number | null>((m, p) => (p.maxSeconds !== null && (m === null || p.maxSeconds > m) ? p.maxSeconds : m), null);
        return [k.kind, formatNumber(k.published), formatDuration(busiest?.p50Seconds ?? null), formatDuration(longest)];
      }), "publish-table"),
    chart("publish", "Median seconds from submit to publish, per kind", data, { counts: false }),
  ];
}
