// Browser flows of issue 23 in the console: the evidence next to the diff on the change page (a passed
// run, and a failing candidate's differing case opened to its detail, all by keyboard), "Run evaluation"
// with a running run read again until it ends, the golden set pages, the golden_set kind in the authoring
// form with the server's field error at its field, and the demo's golden set passing on a demo prompt
// change, a golden set's drift canary charts with their tables matching the canary API; axe-core on each
// page and 800 px. Sets up its own data through the API (unique names), so it
// also runs alone: -Dconsole.only=evaluation.

export default async function (ctx) {
  const { step, check, newPage, signIn, api, token, axe, fitsAt800, docShot, base, chat } = ctx;
  const sfx = Date.now().toString(36);
  const tokens = {};
  const as = async (user) => (tokens[user] ??= await token(user));

  const promptContent = (system, userMessage) => ({
    messages: [{ role: "system", content: system }, { role: "user", content: userMessage }],
    variables: {
      type: "object",
      required: ["product", "question"],
      properties: { product: { type: "string" }, question: { type: "string" } },
    },
    route: "sandbox",
    label: "production",
  });
  async function create(user, kind, target, content, comment = "e2e evaluation") {
    const r = await api("POST", "/api/v1/changes", await as(user), { kind, target, content, comment });
    check(r.status === 201, `${user} creates a ${kind} change of ${target}: 201, got ${r.status} ${r.text}`);
    return r.json.id;
  }
  async function act(user, id, action, comment) {
    const r = await api("POST", `/api/v1/changes/${id}/${action}`, await as(user), comment ? { comment } : {});
    check(r.status === 200 || r.status === 201, `${user}: ${action} answers 200, got ${r.status} ${r.text}`);
    return r.json;
  }
  /** Four-eyes: the author submits, the reviewers the risk needs approve, an admin publishes. */
  async function publish(kind, target, content) {
    const id = await create("alice", kind, target, content);
    const submitted = await act("alice", id, "submit");
    await act("bob", id, "approve");
    if (submitted.requiredApprovals > 1) await act("carol", id, "approve");
    await act("admin", id, "publish");
    return id;
  }
  /** The change's evidence once every run has ended (the runner polls every few seconds). */
  async function finished(id, user = "bob") {
    const until = Date.now() + 90_000;
    for (;;) {
      const r = await api("GET", `/api/v1/changes/${id}`, await as(user));
      check(r.status === 200, `the change reads 200, got ${r.status}`);
      const ev = (r.json.evidence ?? []).filter((e) => e.runId);
      if (ev.length > 0 && ev.every((e) => e.status !== "running")) return ev;
      check(Date.now() < until, `the evaluation of ${id} ends within 90 s, evidence: ${JSON.stringify(r.json.evidence)}`);
      await new Promise((res) => setTimeout(res, 1000));
    }
  }
  async function open(user, id) {
    const page = await newPage(`${user}-evidence`);
    await signIn(page, user);
    await page.goto(`${base}/console/changes/${id}`);
    await page.getByTestId("evidence").waitFor();
    return page;
  }
  /** Presses Enter on an element reached by the keyboard (focused as Tab would), then waits for the effect. */
  async function pressOn(locator) {
    await locator.focus();
    check(await locator.evaluate((el) => el === document.activeElement), "the control takes the keyboard focus");
    await locator.press("Enter");
  }

  // ---- Setup: a live prompt, a golden set bound to it (four-eyes), a passing and a failing candidate ----
  const prompt = `e2e-eval-${sfx}`;
  const set = `e2e-gs-${sfx}`;
  let passingId = null;
  let failingId = null;
  await step("evaluation: a golden set published through four-eyes binds a prompt; its changes get runs on submit", async () => {
    await publish("prompt", prompt, promptContent("You answer questions about {{product}}.", "About {{product}}: {{question}}"));
    const note = [{ role: "system", content: "Answer in one sentence." }];
    await publish("golden_set", set, {
      binds: [{ kind: "prompt", target: prompt }],
      minPassRate: 1,
      cases: [
        // the case's own message is a system note: the last user message (which the sandbox quotes) is the prompt's turn
        { id: "refund-1", input: { variables: { product: "Gatehouse", question: "How do refunds work?" }, messages: note },
          expect: [{ type: "contains", value: "refunds" }, { type: "contains", value: "About Gatehouse" }] },
        { id: "refund-2", input: { variables: { product: "Gatehouse", question: "Can I get my money back?" }, messages: note },
          expect: [{ type: "contains", value: "money back" }, { type: "not_contains", value: "sorry" }] },
      ],
    });
    const g = await api("GET", `/api/v1/golden-sets/${set}`, await as("bob"));
    check(g.status === 200 && g.json.version === 1, `the golden set is live at version 1, got ${g.status} ${g.text}`);
    // a candidate that only rewords the system message keeps every case; one that rewords the user turn breaks one
    passingId = await create("alice", "prompt", prompt, promptContent("You answer questions about {{product}}, kindly.", "About {{product}}: {{question}}"));
    await act("alice", passingId, "submit");
    failingId = await create("alice", "prompt", prompt, promptContent("You answer questions about {{product}}.", "Regarding {{product}}: {{question}}"));
    await act("alice", failingId, "submit");
    const [passed] = await finished(passingId);
    check(passed.status === "passed" && passed.goldenSet === set, `the passing candidate's run passed, got ${JSON.stringify(passed)}`);
    const [failed] = await finished(failingId);
    check(failed.status === "failed", `the failing candidate's run failed, got ${JSON.stringify(failed)}`);
    check(failed.differing.length === 1 && failed.differing[0].caseId === "refund-1", `refund-1 differs, got ${JSON.stringify(failed.differing)}`);
  });

  await step("evaluation: the reviewer sees the passed run next to the diff and opens every case by keyboard", async () => {
    check(passingId !== null, "the setup made the changes");
    const page = await open("bob", passingId);
    const run = page.locator(`article[data-golden-set="${set}"][data-status="passed"]`);
    await run.waitFor();
    // next to the diff: the evidence panel is the section right after it
    const after = await page.evaluate(() => document.querySelector("#diff-title")?.closest("section")?.nextElementSibling?.getAttribute("data-testid"));
    check(after === "evidence", `the evidence stands right after the diff, got ${after}`);
    check((await run.getByTestId("candidate-rate").textContent()) === "100% (2 of 2)", "the candidate's pass rate");
    check((await run.getByTestId("live-rate").textContent()) === "100% (2 of 2)", "live's pass rate");
    check((await run.getByTestId("no-differing").textContent()) === "No case differs from live.", "no case differs from live");
    check((await page.getByTestId("evidence-summary").textContent()).includes(`passed: ${set}`), "the summary names the passed set");
    await pressOn(run.getByTestId("show-all-cases"));
    const all = run.getByTestId("all-cases");
    await all.waitFor();
    check((await all.locator("[data-case-row]").count()) === 2, "every case is listed");
    await pressOn(all.locator('button[data-case="refund-2"]'));
    const detail = all.locator('[data-testid="case-detail"][data-case="refund-2"]');
    await detail.waitFor();
    const text = await detail.textContent();
    check(/Output SHA-256[0-9a-f]{64}/.test(text), `the output's hash is shown, got ${text}`);
    check(text.includes("contains: pass") && text.includes("not_contains: pass") && text.includes("Latency") && text.includes("Tokens"),
      `the checks, latency and tokens are shown, got ${text}`);
    check((await all.locator('button[data-case="refund-2"]').getAttribute("aria-expanded")) === "true", "the case's button says it is open");
    await axe(page, "change page with a passed evaluation");
    await docShot(page, "change-evidence-passed");
    await fitsAt800(page, "the change page with its evidence");
  });

  await step("evaluation: the change list shows each change's evidence in a word (passed, failed)", async () => {
    check(passingId !== null && failingId !== null, "the setup made the changes");
    const listed = (await api("GET", `/api/v1/changes?target=${prompt}`, await as("bob"))).json.data;
    const statusOf = (id) => listed.find((c) => c.id === id)?.evidenceStatus;
    check(statusOf(passingId) === "passed" && statusOf(failingId) === "failed",
      `the list carries evidenceStatus, got ${JSON.stringify(listed.map((c) => [c.id, c.evidenceStatus]))}`);
    const page = await newPage("bob-change-list");
    await signIn(page, "bob");
    await page.goto(`${base}/console/changes`);
    await page.getByTestId("changes-table").waitFor();
    const passedCell = page.locator(`tr[data-change-id="${passingId}"] [data-testid="evidence-status"]`);
    const failedCell = page.locator(`tr[data-change-id="${failingId}"] [data-testid="evidence-status"]`);
    check((await passedCell.textContent()) === "Passed", `the passing change's row says Passed, got ${await passedCell.textContent()}`);
    check((await failedCell.textContent()) === "Failed", `the failing change's row says Failed, got ${await failedCell.textContent()}`);
    check((await page.locator("table.changes thead th").allTextContents()).includes("Evidence"), "the column is named Evidence");
    await axe(page, "change list with evidence");
    await fitsAt800(page, "the change list with its evidence column");
  });

  await step("evaluation: a failing candidate's differing case, candidate against live, and Run evaluation refreshing until it ends", async () => {
    check(failingId !== null, "the setup made the changes");
    const page = await open("bob", failingId);
    const run = page.locator(`article[data-golden-set="${set}"][data-status="failed"]`).first();
    await run.waitFor();
    check((await run.getByTestId("candidate-rate").textContent()) === "50% (1 of 2)", "the candidate passes one case of two");
    const row = run.getByTestId("differing-cases").locator('[data-case-row="refund-1"]');
    check((await row.locator('[data-side="candidate"]').textContent()) === "fail", "refund-1 fails on the candidate");
    check((await row.locator('[data-side="live"]').textContent()) === "pass", "and passes live");
    const blocks = await run.getByTestId("run-blocking").textContent();
    check(blocks.startsWith("Yes: it blocks publishing"), `the failed run says it blocks publishing, got ${blocks}`);
    await pressOn(run.getByTestId("differing-cases").locator('button[data-case="refund-1"]'));
    const detail = run.getByTestId("differing-cases").locator('[data-testid="case-detail"][data-case="refund-1"]');
    await detail.waitFor();
    const cand = await detail.locator('[data-side="candidate"]').textContent();
    const live = await detail.locator('[data-side="live"]').textContent();
    check(cand.includes("contains: fail") && cand.includes("contains: pass"), `the candidate's failed check is shown, got ${cand}`);
    check(!live.includes(": fail"), `live passes every check, got ${live}`);
    await axe(page, "change page with a failed evaluation and a case opened");
    await docShot(page, "change-evidence-failed");
    await fitsAt800(page, "the change page with a failed run's case");

    // On demand: a new run appears as running and the page reads it again until it has ended.
    const before = await page.locator("article[data-run-id]").count();
    await pressOn(page.getByTestId("run-evaluation"));
    await page.getByTestId("evidence-status").getByText("Evaluation started").waitFor();
    await page.locator("article[data-run-id]").nth(before).waitFor();
    await page.getByTestId("evidence-status").getByText(`Golden set ${set}: failed`).waitFor({ timeout: 90_000 });
    check((await page.locator(`article[data-golden-set="${set}"][data-status="failed"]`).count()) === before + 1, "the new run ended failed, shown without reloading");
    check((await page.locator('article[data-status="running"]').count()) === 0, "nothing is running any more");

    // An auditor reads the evidence but may not start a run: the button says why.
    const dave = await open("dave", failingId);
    check(await dave.getByTestId("run-evaluation").isDisabled(), "the auditor's Run evaluation is disabled");
    check((await dave.getByTestId("run-evaluation-reason").textContent()).includes("author, reviewer or admin"), "and says why");
  });

  await step("evaluation: the golden sets list and a set's detail", async () => {
    const page = await newPage("golden-sets");
    await signIn(page, "bob");
    await page.getByRole("link", { name: "Golden sets" }).click();
    const row = page.locator(`tr[data-golden-set="${set}"]`);
    await row.waitFor();
    check((await row.textContent()).includes(`prompt ${prompt}`), "the list shows what the set binds");
    await axe(page, "golden sets list");
    await fitsAt800(page, "the golden sets list");
    await pressOn(row.getByRole("link", { name: set }));
    const cases = page.getByTestId("golden-set-cases");
    await cases.waitFor();
    check((await cases.locator("[data-case-row]").count()) === 2, "the detail lists the cases");
    check((await cases.textContent()).includes("contains \"About Gatehouse\""), "with their expectations");
    check((await page.getByTestId("golden-set-facts").textContent()).includes("100%"), "and the minimum pass rate");
    await axe(page, "golden set detail");
    await docShot(page, "golden-set");
    await fitsAt800(page, "a golden set's detail");
  });

  await step("evaluation: a golden set with a drift canary shows its charts, their tables matching the canary API", async () => {
    // A canary of 15 "minutes" over the demo's sandbox route: the test server's minute is 400 ms, so it runs
    // every 6 s. The sandbox quotes the user's message: one case passes, one cannot (pass rate 50% < 90%: drift).
    const canarySet = `e2e-canary-${sfx}`;
    const ask = (id, text) => ({ id, input: { model: "sandbox", messages: [{ role: "user", content: text }] } });
    const content = {
      // bound to a policy of its own (no other flow's change is evaluated against it); the canary watches the route
      binds: [{ kind: "policy", target: `e2e-canary-pol-${sfx}` }],
      minPassRate: 0.5,
      cases: [
        { ...ask("quoted", "How do refunds work?"), expect: [{ type: "contains", value: "refunds" }] },
        { ...ask("unanswered", "Can I get my money back?"), expect: [{ type: "contains", value: "30 days" }] },
      ],
      canary: { everyMinutes: 15, routes: ["sandbox"], thresholds: { minPassRate: 0.9, maxLatencyMsP95: 60000 } },
    };
    await publish("golden_set", canarySet, content);
    const path = `/api/v1/golden-sets/${canarySet}/canary`;
    const series = async () => {
      const r = await api("GET", path, await as("bob"));
      check(r.status === 200, `the canary series reads 200, got ${r.status} ${r.text}`);
      return r.json;
    };
    try {
      // two measured runs, and the drift state the first one crossed
      const until = Date.now() + 90_000;
      for (;;) {
        const s = await series();
        if (s.runs.filter((r) => r.measures.length > 0).length >= 2 && s.drift.some((d) => d.crossed)) break;
        check(Date.now() < until, `two canary runs are measured within 90 s, got ${JSON.stringify(s)}`);
        await new Promise((res) => setTimeout(res, 500));
      }
      // The page reads the series once; a run may land meanwhile: compare only when the API answered the same
      // before and after the page read it.
      const page = await newPage("golden-set-canary");
      await signIn(page, "bob");
      const stable = (s) => JSON.stringify(s.runs.map((r) => [r.runId, r.status, r.measures]));
      let api0 = null;
      for (let attempt = 0; ; attempt++) {
        const before = await series();
        await page.goto(`${base}/console/golden-sets/${canarySet}`);
        await page.getByTestId("canary").locator('[data-chart="canary-passRate"]').waitFor();
        const after = await series();
        if (stable(before) === stable(after)) { api0 = after; break; }
        check(attempt < 6, "the canary series held still while the page read it (six tries)");
      }
      const section = page.getByTestId("canary");
      const measured = [...api0.runs].filter((r) => r.measures.length > 0).reverse();
      const lines = [...new Set(measured.flatMap((r) => r.measures.map((m) => `${m.route} · ${m.model}`)))];
      check(lines.length === 1 && lines[0].startsWith("sandbox · "), `one line: the sandbox route and its model, got ${lines}`);
      check((await section.getByTestId("canary-line").textContent()) ===
        `Runs every 15 minutes against routes sandbox; distance by ${api0.canary.distance}; baseline of ${api0.baseline.answers} answers; ${api0.runs.length} recent runs.`,
        `the canary's sentence has the API's numbers, got ${await section.getByTestId("canary-line").textContent()}`);
      // the charts' tables: highest and latest of each measure, as the API gives the runs
      const fmt = (v) => v === null ? "—" : Number.isInteger(v) ? v.toLocaleString("en-US")
        : v.toLocaleString("en-US", { maximumFractionDigits: Math.abs(v) >= 100 ? 1 : Math.abs(v) >= 1 ? 2 : 6 });
      const charted = [["passRate", 100, fmt], ["distance", 1, fmt], ["latencyP95Ms", 1, fmt], ["costMicros", 1e-6, (v) => v === null ? "—" : v.toFixed(6)]];
      for (const [measure, scale, format] of charted) {
        const values = measured.map((r) => r.measures.find((m) => `${m.route} · ${m.model}` === lines[0])?.[measure])
          .filter((v) => typeof v === "number").map((v) => v * scale);
        const highest = values.length ? Math.max(...values) : null;
        const latest = values.length ? values[values.length - 1] : null;
        const row = section.getByTestId(`chart-table-canary-${measure}`).locator(`tr[data-series="${lines[0]}"]`);
        const cells = await row.locator("td").allTextContents();
        check(cells[0] === format(highest) && cells[1] === format(latest),
          `${measure}: the table says highest ${cells[0]}, latest ${cells[1]}; the API's runs give ${format(highest)}, ${format(latest)}`);
        check(Number(await section.locator(`[data-chart="canary-${measure}"]`).getAttribute("data-points")) === measured.length,
          `${measure}: the chart has a point per measured run (${measured.length})`);
      }
      check(fmt(measured[measured.length - 1].measures[0].passRate * 100) === "50", "one case of two passes on the sandbox");
      check((await section.locator('[data-threshold="passRate"]').textContent()) === "Drift when below 90 (minPassRate).", "the threshold is stated under its chart");
      // the crossed pass rate is said as drift, as the API's drift state has it
      const crossed = api0.drift.filter((d) => d.crossed);
      check(crossed.some((d) => d.measure === "passRate" && d.threshold === 0.9), `the API reports the pass rate crossed, got ${JSON.stringify(api0.drift)}`);
      const drift = await section.getByTestId("canary-drift").locator("li").allTextContents();
      check(drift.length === crossed.length && drift.some((d) => d.startsWith(`${lines[0]}: passRate 0.5 below 0.9, drift since `)),
        `the drift is listed as the API has it, got ${JSON.stringify(drift)}`);
      // the charts are drawn for the eye and hidden from screen readers, whose table has the numbers
      check(await section.locator('[data-chart="canary-passRate"] .chart-box').getAttribute("aria-hidden") === "true", "the drawing is hidden from screen readers");
      check((await section.locator('[data-chart="canary-passRate"] caption').textContent()) === "Pass rate (%): the numbers of the chart", "the table has a caption");
      await axe(page, "golden set page with its drift canary");
      await docShot(page, "golden-set-canary");
      await fitsAt800(page, "a golden set's drift canary charts");
    } finally {
      // the canary off again (watching less is HIGH: two reviewers), so that it does not run on for the other flows
      const off = { ...content };
      delete off.canary;
      const id = await publish("golden_set", canarySet, off);
      const c = await api("GET", `/api/v1/changes/${id}`, await as("bob"));
      check(c.json.risk === "HIGH" && c.json.state === "published", `turning the canary off was HIGH and is published, got ${c.json.risk} ${c.json.state}`);
    }
  });

  await step("evaluation: alice authors a golden set in the form; the server's field error stands at its field", async () => {
    const page = await newPage("golden-set-form");
    await signIn(page, "alice");
    await page.goto(`${base}/console/changes/new`);
    await page.getByLabel("Kind").selectOption("golden_set");
    await page.getByLabel("Target (golden set name)").fill(`e2e-gs-form-${sfx}`);
    await page.locator("#f-binds-0-target").fill(prompt);
    const rate = page.getByLabel("Minimum pass rate");
    await rate.fill("1.5");
    await page.locator("#f-cases-0-input-variables").fill(JSON.stringify({ product: "Gatehouse", question: "Refund?" }));
    await axe(page, "authoring form of a golden set");
    await docShot(page, "new-golden-set");
    await fitsAt800(page, "the golden set form");
    await page.getByRole("button", { name: "Create change request" }).click();
    const err = page.locator("#f-minPassRate-error");
    await err.waitFor({ state: "visible" });
    check((await rate.getAttribute("aria-invalid")) === "true", "the pass rate field is marked invalid");
    check(await rate.evaluate((el) => el === document.activeElement), "and takes the focus");
    await rate.fill("0.5");
    await page.getByRole("button", { name: "Create change request" }).click();
    await page.locator(".toolbar [data-state]").waitFor();
    check((await page.locator(".toolbar h1").textContent()).includes(`e2e-gs-form-${sfx}`), "the new change of the golden set opens");
    const id = page.url().split("/").pop();
    await act("alice", id, "withdraw");
  });

  await step("evaluation: a refused publish is said at the publish button, in the server's words", async () => {
    check(passingId !== null, "the setup made the changes");
    await act("bob", passingId, "approve", "Evidence passed");
    const page = await open("admin", passingId);
    const publishButton = page.locator('button[data-action="publish"]');
    check(await publishButton.isEnabled(), "publish is enabled for the admin on the approved change");
    // someone publishes it first through the API: the page's publish is then refused by the server
    await act("admin", passingId, "publish");
    await publishButton.click();
    const refusal = page.getByTestId("publish-refusal").getByRole("alert");
    await refusal.waitFor();
    const text = await refusal.textContent();
    check(text.startsWith("Not published (409"), `the refusal says what it is, got ${text}`);
    const described = (await publishButton.getAttribute("aria-describedby")) ?? "";
    check(described.split(" ").includes(await page.getByTestId("publish-refusal").getAttribute("id")), "the publish button is described by the refusal");
    check(await refusal.evaluate((el) => el === document.activeElement), "the refusal takes the focus");
    await axe(page, "change page with a refused publish");
  });

  await step("evaluation: the demo's golden set passes on a change to the demo prompt (docs/governance.md worked example)", async () => {
    const g = await api("GET", "/api/v1/golden-sets/support-triage-basics", await as("bob"));
    check(g.status === 200 && g.json.content.binds[0].target === "support-triage", `the demo set is seeded, got ${g.status} ${g.text}`);
    const live = await api("GET", "/api/v1/prompts/support-triage", await as("alice"));
    check(live.status === 200, `the demo prompt reads, got ${live.status}`);
    const v = await api("GET", `/api/v1/prompts/support-triage/versions/${live.json.liveVersion}`, await as("alice"));
    const content = { ...v.json.content, label: "production" };
    content.messages = content.messages.map((m, i) => i === 0 ? { ...m, content: `${m.content} Be concise.` } : m);
    const id = await create("alice", "prompt", "support-triage", content, "Shorter triage answers");
    await act("alice", id, "submit");
    const runs = await finished(id);
    const demo = runs.find((r) => r.goldenSet === "support-triage-basics");
    check(demo && demo.status === "passed", `the demo set passes on the demo prompt change, got ${JSON.stringify(runs)}`);
    await act("alice", id, "withdraw");
  });

  await step("evaluation: with an approval rule requiring evidence, a failed run is refused at publish and published over with a reason and one more reviewer; the override shows on the change", async () => {
    check(failingId !== null, "the setup made the changes");
    // a fresh failing candidate (the same wording as the setup's): its run of revision 1 fails
    const id = await create("alice", "prompt", prompt, promptContent("You answer questions about {{product}}.", "Regarding {{product}}: {{question}}"), "e2e override");
    const submitted = await act("alice", id, "submit");
    check(submitted.requiredApprovals === 1, `the candidate needs one approval (LOW), got ${JSON.stringify(submitted.requiredApprovals)} (${submitted.risk})`);
    const [failed] = await finished(id);
    check(failed.status === "failed", `the candidate's run failed, got ${JSON.stringify(failed)}`);
    // the approval rule of prompt changes at this risk, read so that it is put back as it was
    const rules = await api("GET", "/api/v1/approval-policies", await as("admin"));
    check(rules.status === 200, `the approval policies read, got ${rules.status} ${rules.text}`);
    const rule = rules.json.data.find((r) => r.kind === "prompt" && r.risk === submitted.risk);
    check(rule, `an approval rule for prompt ${submitted.risk} is listed, got ${rules.text}`);
    const adminToken = await as("admin");
    const put = (requireEvidence) => api("PUT", "/api/v1/approval-policies", adminToken,
      { kind: "prompt", risk: submitted.risk, requiredApprovals: rule.requiredApprovals, requireEvidence });
    try {
      const on = await put(true);
      check(on.status === 200 && on.json.requireEvidence === true, `requireEvidence is set, got ${on.status} ${on.text}`);
      await act("bob", id, "approve", "Reads well");
      const page = await open("admin", id);
      check((await page.getByTestId("fact-evidence-required").textContent()) === "Publishing needs evidence", "the facts say publishing needs evidence");
      check((await page.getByTestId("evidence-required").textContent()).startsWith("Publishing needs evidence."), "and so does the evidence panel");
      // publish by keyboard: refused for the failed run, the override form offered with the refusal
      await page.locator("section.actions textarea[name=comment]").fill("Going live");
      await pressOn(page.locator('button[data-action="publish"]'));
      const refusal = page.getByTestId("publish-refusal").getByRole("alert");
      await refusal.waitFor();
      check((await refusal.textContent()).startsWith("Not published: the evidence failed."), `the refusal says the evidence failed, got ${await refusal.textContent()}`);
      const form = page.getByTestId("override-form");
      await form.waitFor();
      check((await form.getByRole("heading").textContent()) === "Publish over the failed evaluation", "the override form is offered");
      const reason = page.getByLabel("Reason for publishing over the failed evaluation (required)");
      check((await reason.getAttribute("maxlength")) === "2000", "the reason takes at most 2000 characters");
      // an empty reason is not sent: said at the field, which takes the focus
      await pressOn(form.getByTestId("override-publish"));
      const fieldError = form.getByTestId("override-error");
      await fieldError.waitFor({ state: "visible" });
      check((await fieldError.textContent()).includes("reason is required"), `an empty reason is refused at the field, got ${await fieldError.textContent()}`);
      check((await reason.getAttribute("aria-invalid")) === "true" && await reason.evaluate((el) => el === document.activeElement), "the reason is marked invalid and focused");
      // one approval is what the rule needs: the server asks for one more reviewer, said at the field
      await reason.fill("Case refund-1 checks the old wording; it is being rewritten with the FAQ");
      await pressOn(form.getByTestId("override-publish"));
      await form.getByTestId("override-error").filter({ hasText: "override_needs_reviewer" }).waitFor();
      check((await fieldError.textContent()).includes("409 override_needs_reviewer"), `the server's refusal stands at the field, got ${await fieldError.textContent()}`);
      const described = (await reason.getAttribute("aria-describedby")) ?? "";
      check(described.split(" ").includes(await fieldError.getAttribute("id")), "the reason is described by its error");
      await axe(page, "change page with the override form");
      await fitsAt800(page, "the override form at a refused publish");
      // a second reviewer approves: now the override publishes, and the change shows it
      await act("carol", id, "approve", "Seen the failed case; fine to override");
      await pressOn(form.getByTestId("override-publish"));
      const note = page.getByTestId("evidence-override");
      await note.waitFor();
      check((await page.locator(".toolbar [data-state]").getAttribute("data-state")) === "published", "the change is published");
      const text = await note.textContent();
      check(text.includes("Published over a failed evaluation by") && text.includes("Case refund-1 checks the old wording"), `the override shows who and why, got ${text}`);
      const c = await api("GET", `/api/v1/changes/${id}`, await as("bob"));
      check(c.json.evidenceOverride && c.json.evidenceOverride.runIds.length >= 1, `the server recorded the override, got ${c.text}`);
      check(text.includes(c.json.evidenceOverride.runIds[0]) && text.includes(c.json.evidenceOverride.byName), "the override names the runs it overrode and the publisher");
      check(text.includes("2 distinct (the rule needs 1; an override one more)"), `and the approvals, got ${text}`);
      check((await page.getByTestId("fact-evidence-override").textContent()).startsWith("Published over a failed evaluation"), "the facts say it too");
      await axe(page, "change page with a recorded override");
      await docShot(page, "change-evidence-override");
      await fitsAt800(page, "the change page with its override");
    } finally {
      const back = await put(rule.requireEvidence);
      check(back.status === 200 && back.json.requireEvidence === rule.requireEvidence, `the approval rule is put back, got ${back.status} ${back.text}`);
    }
  });

  await step("evaluation: a submitted policy change carries its traffic replay as evidence, shown as the bench shows a replay", async () => {
    for (let i = 0; i < 2; i++) check((await chat("sandbox", `replay evidence ${i} ${sfx} ping 10.0.0.${i + 1}`)).status === 200, "a sandbox request answers 200");
    const id = await create("alice", "policy", `e2e-eval-pol-${sfx}`,
      { rules: [{ id: "no-ip", condition: "entities.ip.count > 0", action: "deny", code: "ip_not_allowed", message: "No IP addresses" }] }, "no IP addresses");
    await act("alice", id, "submit");
    // the server computes the replay after the submit has committed
    const until = Date.now() + 60_000;
    let entry = null;
    for (;;) {
      const r = await api("GET", `/api/v1/changes/${id}`, await as("bob"));
      entry = (r.json.evidence ?? []).find((e) => e.type === "replay");
      if (entry) break;
      check(Date.now() < until, `the replay is computed within 60 s, evidence: ${r.text}`);
      await new Promise((res) => setTimeout(res, 500));
    }
    check(entry.status === "ok" && entry.considered >= 1, `the replay looked at the recent requests, got ${JSON.stringify(entry)}`);
    const page = await open("bob", id);
    const article = page.locator('article[data-evidence-type="replay"]');
    await article.waitFor();
    const sentence = await article.getByTestId("replay-sentence").textContent();
    check(sentence === `Traffic replay (revision 1): ${entry.considered === 1 ? "1 request" : `${entry.considered} requests`} replayed; the draft would change the outcome of ${entry.changed}; ${entry.summaryOnly} replayed over their recorded summaries only.`,
      `the replay's sentence has the server's numbers, got ${sentence}`);
    check((await article.locator('dd[data-fact="Recent requests replayed"]').textContent()) === String(entry.considered), "the facts list the requests replayed");
    check((await article.getByTestId("replay-summary").textContent()).startsWith(`Of the last ${entry.considered} recorded requests`), "the bench's replay summary is shown");
    check((await article.locator("table.bench-outcomes tbody tr").count()) >= 1, "with the outcomes tabled");
    check((await article.locator("[data-replayed-over]").count()) === Math.min(entry.changed, entry.traffic.changes.length), "and the changed requests listed");
    await axe(page, "change page with a traffic replay as evidence");
    await docShot(page, "change-evidence-replay");
    await fitsAt800(page, "the change page with a traffic replay");
    await act("alice", id, "withdraw");
  });
}
