// The change page's "Evidence" panel (issue 23), right after the diff: each evaluation run of a golden
// set that binds the change (status, both sides' pass rates, the cases whose outcome differs from live,
// each case's detail on demand), a "Run evaluation" button, and a running run read again until it ends.
// Text only (h() never parses markup); the view model is evidence.ts.
import { h, newId, render } from "../dom.js";
import {
  anyRunning, blockingFailures, blockingLabel, caseRows, caseSides, checkLabel, currentRuns, evidenceOf, outcomeLabel, passRateLabel,
  overrideView, pollDelayMs, replayEntry, replayFacts, replaySentence, resultFacts, runBlocker, runSummary, statusLabel,
  triggerLabel, evidenceRequiredLine, type CaseResult, type EvidenceRun, type OtherEvidence, type ReplayEntry,
  type RunDetail,
} from "../evidence.js";
import { replayTraffic } from "./changetools.js";
import { formatInstant } from "../format.js";
import { showError, showInfo } from "../messages.js";
import { hrefFor } from "../routes.js";
import type { AppContext } from "../context.js";
import type { ChangeDetail } from "../types.js";

/** The evidence panel; it reads the change again by itself while a run is under way. */
export function evidenceSection(ctx: AppContext, change: ChangeDetail): HTMLElement {
  const status = h("div", { class: "messages", "data-testid": "evidence-status" });
  const body = h("div", { "data-testid": "evidence-runs" });
  const runs = new Map<string, Promise<RunDetail>>();
  /** A run's detail, read once per run and status (a finished run does not change). */
  const detail = (r: EvidenceRun): Promise<RunDetail> => {
    const key = `${r.runId}:${r.status}`;
    let p = runs.get(key);
    if (!p) {
      p = ctx.api.evaluation(r.runId);
      p.catch(() => runs.delete(key));
      runs.set(key, p);
    }
    return p;
  };
  let current = change;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const draw = () => {
    const { runs: all, others } = evidenceOf(current);
    render(body,
      current.evidenceOverride ? overrideNote(current.evidenceOverride) : null,
      evidenceRequiredLine(current)
        ? h("p", { class: "message info", "data-testid": "evidence-required" }, h("strong", null, "Publishing needs evidence. "),
            evidenceRequiredLine(current)!.replace(/^Publishing needs evidence: /, "It needs "))
        : null,
      all.length === 0
        ? h("p", { class: "empty", "data-testid": "evidence-none" },
            "No evaluation runs yet. A run starts when a change bound by a live golden set is submitted, revised or rebased, or on demand.")
        : [
            h("p", { "data-testid": "evidence-summary" }, summaryLine(all, current.revision)),
            ...all.map((r) => runView(r, current.revision, detail)),
          ],
      others.map((e) => otherView(e, current.revision)),
    );
  };

  const poll = () => {
    if (timer !== null || !anyRunning(evidenceOf(current).runs)) return;
    timer = setTimeout(async () => {
      timer = null;
      if (!section.isConnected) return;
      try {
        const fresh = await ctx.api.change(current.id);
        if (!section.isConnected) return;
        const wasRunning = evidenceOf(current).runs.filter((r) => r.status === "running").map((r) => r.runId);
        current = { ...current, evidence: fresh.evidence ?? [], evidenceOverride: fresh.evidenceOverride ?? null };
        const now = evidenceOf(current).runs;
        const ended = now.filter((r) => wasRunning.includes(r.runId) && r.status !== "running");
        draw();
        if (ended.length > 0) showInfo(status, ended.map((r) => runSummary(r, current.revision)).join(" "));
        attempt += 1;
      } catch (e) {
        showError(status, e);
        attempt += 3;
      }
      poll();
    }, pollDelayMs(attempt));
  };

  const blocker = runBlocker(ctx.session.me, change);
  const reasonId = newId("evaluate-reason");
  const runButton = h("button", {
    type: "button", "data-testid": "run-evaluation", disabled: blocker !== null,
    "aria-disabled": blocker ? "true" : null, "aria-describedby": blocker ? reasonId : null, title: blocker,
  }, "Run evaluation");
  runButton.addEventListener("click", async () => {
    if (blocker) return;
    runButton.disabled = true;
    section.setAttribute("aria-busy", "true");
    try {
      const queued = await ctx.api.evaluate(current.id);
      const fresh = await ctx.api.change(current.id);
      current = { ...current, evidence: fresh.evidence ?? [], evidenceOverride: fresh.evidenceOverride ?? null };
      attempt = 0;
      draw();
      // a quick run may have ended already: then say how it ended at once (the poll only reports endings it sees)
      const ids = queued.map((q) => q.runId);
      const ended = evidenceOf(current).runs.filter((r) => ids.includes(r.runId) && r.status !== "running");
      showInfo(status, (queued.length === 1
        ? `Evaluation started: golden set ${queued[0]!.goldenSet} runs against revision ${queued[0]!.revision}.`
        : `Evaluation started: ${queued.length} golden sets run against this revision.`)
        + ended.map((r) => ` ${runSummary(r, current.revision)}`).join(""));
      poll();
    } catch (e) {
      showError(status, e);
    } finally {
      runButton.disabled = false;
      section.removeAttribute("aria-busy");
    }
  });

  const section = h("section", { "aria-labelledby": "evidence-title", class: "card evidence", "data-testid": "evidence" },
    h("div", { class: "toolbar" },
      h("h2", { id: "evidence-title", tabindex: "-1" }, "Evidence"),
      runButton,
    ),
    h("p", { class: "muted" },
      `What this ${change.kind.replace("_", " ")} does on the golden sets that bind it, next to what is live: `,
      "each case runs through the gateway with the candidate applied to that call only. ",
      h("a", { href: hrefFor({ name: "golden-sets" }), "data-nav": "" }, "Golden sets")),
    blocker ? h("p", { id: reasonId, class: "muted", "data-testid": "run-evaluation-reason" }, blocker) : null,
    status,
    body,
  );
  draw();
  poll();
  return section;
}

function summaryLine(all: EvidenceRun[], revision: number): string {
  const cur = currentRuns(all, revision);
  if (cur.length === 0) return `No run has tested the current revision (${revision}) yet; the runs below tested earlier revisions.`;
  const by = (s: string) => cur.filter((r) => r.status === s).map((r) => r.goldenSet);
  const parts: string[] = [];
  for (const s of ["passed", "failed", "running", "error"]) {
    const names = by(s);
    if (names.length > 0) parts.push(`${statusLabel(s).toLowerCase()}: ${names.join(", ")}`);
  }
  const blocking = blockingFailures(all, revision).filter((r) => !cur.includes(r)).map((r) => r.goldenSet);
  const still = blocking.length > 0
    ? ` An earlier failure still blocks publishing (${[...new Set(blocking)].join(", ")}): only its authors re-ran it.`
    : "";
  return `Revision ${revision}: ${parts.join("; ")}.${still}`;
}

function statusBadge(status: string): HTMLElement {
  return h("span", { class: `badge run-${status.replace(/[^a-z]/g, "")}`, "data-run-status": status }, statusLabel(status));
}

function runView(
  r: EvidenceRun, revision: number, detail: (r: EvidenceRun) => Promise<RunDetail>,
): HTMLElement {
  const row = (k: string, v: Node | string) => [h("dt", null, k), h("dd", null, v)];
  const titleId = newId("run-title");
  const all = h("div", { "data-testid": "all-cases-area" });
  const allButton = h("button", { type: "button", class: "link", "aria-expanded": "false", "data-testid": "show-all-cases" }, "Show every case");
  allButton.addEventListener("click", async () => {
    if (allButton.getAttribute("aria-expanded") === "true") {
      allButton.setAttribute("aria-expanded", "false");
      allButton.textContent = "Show every case";
      render(all);
      return;
    }
    allButton.setAttribute("aria-expanded", "true");
    allButton.textContent = "Hide the cases";
    render(all, h("p", { class: "muted", "aria-busy": "true" }, "Loading the run's results…"));
    try {
      const d = await detail(r);
      const rows = caseRows(d);
      render(all, rows.length === 0
        ? h("p", { class: "empty" }, "No case has a result yet.")
        : casesTable(`Every case of golden set ${r.goldenSet}`, rows, r, detail, "all"));
    } catch (e) {
      showError(all, e);
    }
  });
  return h("article", { class: "run", "aria-labelledby": titleId, "data-run-id": r.runId, "data-golden-set": r.goldenSet, "data-status": r.status },
    h("h3", { id: titleId },
      "Golden set ", h("a", { href: hrefFor({ name: "golden-set", set: r.goldenSet }), "data-nav": "" }, r.goldenSet),
      ` (version ${r.goldenSetVersion}) `, statusBadge(r.status)),
    h("p", { class: "muted" }, runSummary(r, revision)),
    h("dl", { class: "facts" },
      row("Revision", r.revision === revision ? `${r.revision} (current)` : `${r.revision} (an earlier revision)`),
      row("Trigger", triggerLabel(r.trigger)),
      row("Requested by", r.requestedBy ?? "—"),
      blockingLabel(r) === null ? [] : row("Blocks publishing", h("span", { "data-testid": "run-blocking" }, blockingLabel(r)!)),
      row("Candidate pass rate", h("span", { "data-testid": "candidate-rate" }, passRateLabel(r.candidate))),
      row("Live pass rate", h("span", { "data-testid": "live-rate" }, r.live ? passRateLabel(r.live) : "— (nothing live to compare)")),
      row("Started", formatInstant(r.startedAt)),
      row("Finished", r.status === "running" ? "still running" : formatInstant(r.finishedAt)),
    ),
    r.differing.length === 0
      ? h("p", { "data-testid": "no-differing" }, r.status === "running" ? "No case differs from live so far." : "No case differs from live.")
      : casesTable(`Cases whose outcome differs from live (${r.differing.length})`,
          r.differing.map((d) => ({ caseId: d.caseId, candidate: d.candidate, live: d.live, differs: true })), r, detail, "differing"),
    h("p", null, allButton),
    all,
  );
}

function casesTable(
  caption: string, rows: { caseId: string; candidate: string; live: string; differs: boolean }[], r: EvidenceRun,
  detail: (r: EvidenceRun) => Promise<RunDetail>, which: string,
): HTMLElement {
  return h("table", { class: "cases", "data-testid": `${which}-cases` },
    h("caption", null, caption),
    h("thead", null, h("tr", null, h("th", { scope: "col" }, "Case"), h("th", { scope: "col" }, "Candidate"), h("th", { scope: "col" }, "Live"), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Detail")))),
    h("tbody", null, rows.flatMap((c) => {
      const slotId = newId("case-detail");
      const slot = h("td", { colspan: 4, id: slotId });
      const slotRow = h("tr", { class: "case-detail", hidden: true }, slot);
      const button = h("button", {
        type: "button", class: "link", "aria-expanded": "false", "aria-controls": slotId, "data-case": c.caseId,
      }, `Show case ${c.caseId}`);
      button.addEventListener("click", async () => {
        const open = button.getAttribute("aria-expanded") === "true";
        button.setAttribute("aria-expanded", open ? "false" : "true");
        button.textContent = open ? `Show case ${c.caseId}` : `Hide case ${c.caseId}`;
        slotRow.hidden = open;
        if (open) return;
        render(slot, h("p", { class: "muted", "aria-busy": "true" }, "Loading the case…"));
        try {
          const d = await detail(r);
          const sides = caseSides(d, c.caseId);
          render(slot, h("div", { class: "case-sides", "data-testid": "case-detail", "data-case": c.caseId },
            sideView("Candidate", sides.candidate), sideView("Live", sides.live)));
        } catch (e) {
          showError(slot, e);
        }
      });
      return [
        h("tr", { class: c.differs ? "differs" : null, "data-case-row": c.caseId },
          h("th", { scope: "row" }, h("code", null, c.caseId)),
          h("td", { "data-side": "candidate" }, outcomeBadge(c.candidate)),
          h("td", { "data-side": "live" }, outcomeBadge(c.live)),
          h("td", null, button),
        ),
        slotRow,
      ];
    })),
  );
}

function outcomeBadge(o: string): HTMLElement {
  return h("span", { class: `badge outcome-${o.replace(/[^a-z]/g, "") || "none"}` }, outcomeLabel(o));
}

function sideView(label: string, res: CaseResult | null): HTMLElement {
  if (!res) return h("div", { class: "case-side" }, h("h4", null, label), h("p", { class: "muted" }, "No result on this side (nothing live, or not run yet)."));
  return h("div", { class: "case-side", "data-side": res.side },
    h("h4", null, `${label}: `, outcomeBadge(res.outcome)),
    h("dl", { class: "facts" }, resultFacts(res).flatMap(([k, v]) => [h("dt", null, k), h("dd", null, k === "Output SHA-256" || k === "Request" ? h("code", null, v) : v)])),
    res.checks.length === 0
      ? h("p", { class: "muted" }, "No expectation was checked.")
      : h("ul", { class: "checks", "aria-label": `${label}: expectations` },
          res.checks.map((c) => h("li", { "data-verdict": c.verdict }, checkLabel(c), c.detail ? h("span", { class: "muted" }, ` — ${c.detail}`) : null))),
  );
}

/** A recorded override of a failed evaluation: who, when, why, which runs (issue 23), first in the panel. */
function overrideNote(o: NonNullable<ChangeDetail["evidenceOverride"]>): HTMLElement {
  const v = overrideView(o);
  const titleId = newId("override-title");
  return h("section", { class: "message warning override", "aria-labelledby": titleId, "data-testid": "evidence-override" },
    h("h3", { id: titleId }, v.heading),
    h("dl", { class: "facts" }, v.facts.flatMap(([k, val]) => [
      h("dt", null, k),
      h("dd", { "data-fact": k }, k === "Failed runs overridden" && (o.runIds ?? []).length > 0
        ? (o.runIds ?? []).flatMap((id, i) => [i > 0 ? ", " : "", h("code", null, id)])
        : val),
    ])),
  );
}

function otherView(e: OtherEvidence, revision: number): HTMLElement {
  const replay = replayEntry(e);
  if (replay) return replayView(replay, revision);
  const title = `Evidence: ${e.type}`;
  const facts = Object.entries(e).filter(([k, v]) => k !== "type" && (typeof v === "string" || typeof v === "number" || typeof v === "boolean"));
  return h("article", { class: "run", "data-evidence-type": e.type },
    h("h3", null, title),
    h("dl", { class: "facts" }, facts.flatMap(([k, v]) => [h("dt", null, k), h("dd", null, String(v))])));
}

/** A policy change's traffic replay, computed by the server for a revision: as the policy bench shows a replay. */
function replayView(r: ReplayEntry, revision: number): HTMLElement {
  const titleId = newId("replay-title");
  const badge = h("span", { class: `badge run-${r.status === "error" ? "error" : "passed"}` }, r.status === "error" ? "Error" : "Computed");
  return h("article", {
    class: "run", "aria-labelledby": titleId, "data-evidence-type": "replay", "data-status": r.status,
    "data-revision": String(r.revision),
  },
    h("h3", { id: titleId }, `Traffic replay of revision ${r.revision} `, badge),
    h("p", { class: "muted", "data-testid": "replay-sentence" }, replaySentence(r, revision)),
    h("dl", { class: "facts" }, replayFacts(r, revision).flatMap(([k, v]) => [h("dt", null, k), h("dd", { "data-fact": k }, v)])),
    r.traffic ? h("div", { class: "replay-traffic", "data-testid": "replay-traffic" }, replayTraffic(r.traffic)) : null,
  );
}
