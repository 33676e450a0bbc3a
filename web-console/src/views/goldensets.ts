// Golden sets (issue 23): the tenant's live sets and one set's live content, read only. A set changes
// through a change request of kind golden_set (the authoring form), four-eyes like any change.
import { h, render } from "../dom.js";
import { formatInstant } from "../format.js";
import { bindsLabel, expectationLabel, inputLabel, minPassRateLabel } from "../goldensets.js";
import { CHARTED, canaryChart, canaryLine, driftLines, measureErrorLines, thresholdText, type CanarySeries } from "../canary.js";
import { formatNumber } from "../stats.js";
import { chart } from "./dashboard.js";
import { showError } from "../messages.js";
import { capabilities } from "../permissions.js";
import { hrefFor } from "../routes.js";
import type { AppContext } from "../context.js";

export async function goldenSetsView(ctx: AppContext, main: HTMLElement): Promise<void> {
  const caps = capabilities(ctx.session.me);
  const errors = h("div", { class: "messages" });
  const list = h("div", { class: "list", "aria-busy": "true" }, h("p", { class: "muted" }, "Loading golden sets…"));
  render(main,
    h("div", { class: "toolbar" },
      h("h1", { tabindex: "-1" }, "Golden sets"),
      caps.createChanges ? h("a", { href: hrefFor({ name: "new-change" }), class: "button", "data-nav": "" }, "New change") : null,
    ),
    h("p", { class: "muted" },
      "Cases with expectations that every change to a bound prompt, policy or route is evaluated on, next to what is live. ",
      "A golden set changes through a change request of kind golden_set, reviewed like any other."),
    errors,
    list,
  );
  try {
    const sets = await ctx.api.goldenSets();
    list.removeAttribute("aria-busy");
    if (sets.length === 0) {
      render(list, h("p", { class: "empty", "data-testid": "golden-sets-none" }, "No golden set is live in this tenant yet."));
      return;
    }
    render(list, h("table", { class: "changes", "data-testid": "golden-sets-table" },
      h("caption", { class: "visually-hidden" }, "Live golden sets, by name"),
      h("thead", null, h("tr", null, ["Name", "Version", "Binds", "Min pass rate", "Cases", "Published"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, sets.map((s) =>
        h("tr", { "data-golden-set": s.name },
          h("td", null, h("a", { href: hrefFor({ name: "golden-set", set: s.name }), "data-nav": "" }, s.name)),
          h("td", null, String(s.version)),
          h("td", null, bindsLabel(s.binds)),
          h("td", null, minPassRateLabel(s.minPassRate)),
          h("td", null, String(s.cases)),
          h("td", null, `${formatInstant(s.publishedAt)} by ${s.publishedBy}`),
        ))),
    ));
  } catch (e) {
    list.removeAttribute("aria-busy");
    render(list);
    showError(errors, e);
  }
}

export async function goldenSetView(ctx: AppContext, main: HTMLElement, name: string): Promise<void> {
  const errors = h("div", { class: "messages" });
  const back = h("p", null, h("a", { href: hrefFor({ name: "golden-sets" }), "data-nav": "" }, "← All golden sets"));
  render(main, back, h("p", { class: "muted", "aria-busy": "true" }, "Loading the golden set…"), errors);
  try {
    const g = await ctx.api.goldenSet(name);
    const row = (k: string, v: Node | string) => [h("dt", null, k), h("dd", null, v)];
    const cases = g.content.cases ?? [];
    const canarySlot = h("div", { "data-testid": "canary-slot" });
    render(main, back,
      h("h1", { tabindex: "-1" }, h("span", { class: "kind" }, "golden set"), " ", g.name),
      h("dl", { class: "facts", "data-testid": "golden-set-facts" },
        row("Version", String(g.version)),
        row("Binds", bindsLabel(g.content.binds)),
        row("Minimum pass rate", minPassRateLabel(g.content.minPassRate)),
        row("Cases", String(cases.length)),
        row("Published", `${formatInstant(g.publishedAt)} by ${g.publishedBy}`),
        row("Change", h("a", { href: hrefFor({ name: "change", id: g.changeId }), "data-nav": "" }, "The change that published it")),
      ),
      h("section", { class: "card", "aria-labelledby": "cases-title" },
        h("h2", { id: "cases-title" }, "Cases"),
        h("table", { class: "cases", "data-testid": "golden-set-cases" },
          h("caption", { class: "visually-hidden" }, "Cases with their input and expectations"),
          h("thead", null, h("tr", null, ["Case", "Input", "Expectations"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", null, cases.map((c) =>
            h("tr", { "data-case-row": c.id },
              h("th", { scope: "row" }, h("code", null, c.id), c.source ? h("span", { class: "muted" }, " (captured)") : null),
              h("td", null, h("span", { class: "wrap" }, inputLabel(c))),
              h("td", null, h("ul", { class: "checks" }, (c.expect ?? []).map((e) => h("li", null, expectationLabel(e))))),
            ))),
        ),
      ),
      canarySlot,
      h("details", { class: "card" },
        h("summary", null, "Full content (JSON)"),
        h("pre", { class: "json" }, JSON.stringify(g.content, null, 2)),
      ),
    );
    if (g.content["canary"]) await drawCanary(ctx, canarySlot, g.name);
  } catch (e) {
    render(main, back, h("h1", { tabindex: "-1" }, `Golden set ${name}`), errors);
    showError(errors, e);
  }
}

/** The drift canary's charts: pass rate, distance, latency p95 and cost over the recent runs per route and model. */
async function drawCanary(ctx: AppContext, slot: HTMLElement, name: string): Promise<void> {
  const errors = h("div", { class: "messages" });
  const section = h("section", { class: "card", "aria-labelledby": "canary-title", "data-testid": "canary" },
    h("h2", { id: "canary-title" }, "Drift canary"), errors);
  render(slot, section);
  let series: CanarySeries;
  try {
    series = await ctx.api.get<CanarySeries>(`/api/v1/golden-sets/${encodeURIComponent(name)}/canary`);
  } catch (e) {
    showError(errors, e);
    return;
  }
  const drift = driftLines(series, formatInstant);
  const unmeasured = measureErrorLines(series, formatInstant);
  section.append(
    h("p", { "data-testid": "canary-line" }, canaryLine(series)),
    drift.length === 0
      ? h("p", { "data-testid": "canary-drift-none" }, "No measure is past its threshold.")
      : h("div", { class: "message warning", "data-testid": "canary-drift" },
          h("strong", null, "Drift: "),
          h("ul", null, drift.map((d) => h("li", null, d)))),
    ...(unmeasured.length === 0 ? [] : [
      h("div", { class: "message warning", "data-testid": "canary-unmeasured" },
        h("strong", null, "Not measured: "),
        h("ul", null, unmeasured.map((d) => h("li", null, d)))),
    ]),
    ...CHARTED.map((c) => {
      const fig = chart(`canary-${c.measure}`, c.label, canaryChart(series, c.measure), {
        counts: false,
        format: c.measure === "costMicros" ? (v) => (v === null ? "—" : v.toFixed(6)) : formatNumber,
      });
      const t = thresholdText(series, c.measure);
      if (t) fig.append(h("p", { class: "muted", "data-threshold": c.measure }, t));
      return fig;
    }),
  );
}
