// Browser flows of the review console in real Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; nothing downloads a browser), against a running Gatehouse in demo mode.
//   node e2e/flows.mjs http://localhost:9080
// Environment: GATEHOUSE_DEMO_PASSWORD (default gatehouse-demo), CHROMIUM (default /usr/bin/chromium),
// CONSOLE_SCREENSHOTS (default <repo>/target/console-screenshots), CONSOLE_DOC_SCREENSHOTS (unset: the
// screenshots of docs/console.md are not rewritten), CONSOLE_ONLY (a comma list of flow modules: only
// those run, the main flow is skipped; for a developer's quick run, never set in CI). Exit 0 only when
// every flow passed.
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const base = (process.argv[2] ?? "http://localhost:9080").replace(/\/+$/, "");
const password = process.env.GATEHOUSE_DEMO_PASSWORD || "gatehouse-demo";
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const here = dirname(fileURLToPath(import.meta.url));
const shots = resolve(process.env.CONSOLE_SCREENSHOTS || join(here, "../../target/console-screenshots"));
mkdirSync(shots, { recursive: true });
// The screenshots docs/console.md shows, written only when asked (CONSOLE_DOC_SCREENSHOTS, set by
// ConsoleBrowserIT under -Dconsole.screenshots=true): so they show what the tests saw, and an
// ordinary run leaves the tracked files alone.
const docShots = process.env.CONSOLE_DOC_SCREENSHOTS ? resolve(process.env.CONSOLE_DOC_SCREENSHOTS) : null;
if (docShots) mkdirSync(docShots, { recursive: true });
const apiKey = process.env.GATEHOUSE_DEMO_API_KEY || "gh_demo_0123456789abcdefghijklmnopqrstuv";
const flowStart = new Date();

if (!existsSync(executablePath)) {
  console.error(`FAIL: Chromium not found at ${executablePath} (install the Debian package chromium)`);
  process.exit(2);
}

let passed = 0;
let failed = 0;
const problems = [];

function check(cond, what) {
  if (!cond) throw new Error(`expected: ${what}`);
}

const openPages = new Set();
let failures = 0;

// Flow modules (e2e/<name>.mjs): each exports a default async function taking the context below and
// sets up what it needs through the API, so that it can also run alone (CONSOLE_ONLY=<name>).
const modules = ["admin", "change", "sso", "evaluation"];
const only = process.env.CONSOLE_ONLY ? process.env.CONSOLE_ONLY.split(",").map((m) => m.trim()) : null;
let inModule = false;

async function step(name, fn) {
  if (only && !inModule) return;
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e?.stack ?? e}`);
    // What the person would have seen: the page's text and a screenshot.
    for (const page of openPages) {
      try {
        failures++;
        const text = (await page.locator("main").innerText({ timeout: 2000 })).slice(0, 1200);
        console.log(`     page ${page.url()}:\n       ${text.replace(/\n/g, "\n       ")}`);
        await page.screenshot({ path: join(shots, `failure-${failures}.png`), fullPage: true });
      } catch {
        /* the page is gone */
      }
    }
  } finally {
    for (const page of openPages) await page.context().close().catch(() => {});
    openPages.clear();
  }
}

// ---- The API, for the parts of a scenario that are not what the flow is about ----
async function api(method, path, token, body) {
  const res = await fetch(base + path, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

async function token(user) {
  const r = await api("POST", "/api/v1/auth/login", null, { username: user, password });
  check(r.status === 200, `login of ${user} answers 200, got ${r.status} ${r.text}`);
  return r.json.access_token;
}

function promptContent(text) {
  return {
    messages: [{ role: "system", content: text }],
    variables: { type: "object", required: ["product"], properties: { product: { type: "string" } } },
    route: "sandbox",
    label: "production",
  };
}

// ---- The browser ----
const browser = await chromium.launch({
  executablePath,
  headless: true,
  // Playwright gives each launch a fresh, empty --user-data-dir of its own.
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
  ],
});

/** A signed-out browser tab of its own (its own sessionStorage), watched for script and CSP errors. */
async function newPage(label) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  openPages.add(page);
  page.on("pageerror", (e) => problems.push(`${label}: page error: ${e.message}`));
  page.on("console", (m) => {
    const t = m.text();
    // Error answers are part of the flows (401, 403, 404, 409); script errors and CSP violations are not.
    if (m.type() === "error" && !t.startsWith("Failed to load resource: the server responded with a status of 4")) {
      problems.push(`${label}: console error: ${t}`);
    }
  });
  page.on("dialog", (d) => d.accept());
  return page;
}

async function signIn(page, user, via = "click") {
  await page.goto(`${base}/console/`);
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(password);
  if (via === "keyboard") await page.getByLabel("Password").press("Enter");
  else await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("who").waitFor();
  check((await page.getByTestId("who").textContent()).includes(user), `the header names ${user}`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function docShot(page, name) {
  if (docShots) await page.screenshot({ path: join(docShots, `${name}.png`), fullPage: true });
}

/** axe-core on the page as it is now: no serious or critical violation. */
const axeChecked = [];
async function axe(page, name) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `no serious or critical axe-core violation on ${name}, got:\n      ` +
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")})`).join("\n      "));
  axeChecked.push(name);
}

/** Usable at 800 px: nothing makes the page itself scroll sideways (wide tables and graphs scroll in their box). */
async function fitsAt800(page, name) {
  await page.setViewportSize({ width: 800, height: 860 });
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `${name} fits 800 px without sideways scrolling (overflows by ${overflow} px)`);
  await page.setViewportSize({ width: 1280, height: 860 });
}

/** "YYYY-MM-DDTHH:MM" in UTC, what the console's datetime-local fields take. */
function utcField(d) {
  return d.toISOString().slice(0, 16);
}

/** A chat completion with the demo key; the answer's status and X-Request-Id. */
async function chat(model, content, extra = {}) {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content }], ...extra }),
  });
  await res.text();
  return { status: res.status, requestId: res.headers.get("x-request-id"), promptVersion: res.headers.get("x-gatehouse-prompt-version") };
}

/** A `tools/call` through `/mcp` with an API key, as an agent makes it (a held call answers as an SSE stream). */
async function mcpCall(key, name, args, id) {
  const res = await fetch(`${base}/mcp`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      Authorization: `Bearer ${key}`,
      "MCP-Protocol-Version": "2025-11-25",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args, _meta: { progressToken: `e2e-${id}` } } }),
  });
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

/** The JSON-RPC answer to request `id` in a JSON body or in an SSE stream's events (notifications skipped). */
function rpcAnswer(text, id) {
  const bodies = text.trimStart().startsWith("{")
    ? [text]
    : text.split(/\r?\n\r?\n/).map((ev) => ev.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n"));
  for (const b of bodies) {
    try {
      const m = JSON.parse(b);
      if (m && m.id === id && (m.result || m.error)) return m;
    } catch {
      /* a comment or a keep-alive */
    }
  }
  return null;
}

/** The promise's value, or a failure after `ms`. */
function within(promise, ms, what) {
  return Promise.race([promise, new Promise((_, no) => setTimeout(() => no(new Error(`no answer within ${ms} ms: ${what}`)), ms))]);
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

const target = `e2e-console-${Date.now().toString(36)}`;
let changeId = null;
let servedRequestId = null;
const lineagePolicy = `${target}-pol`;
let policyChangeId = null;
let sentRequests = 0;

try {
  await step("static: /console redirects, index.html and bundles are served with the console CSP", async () => {
    const r = await fetch(`${base}/console`, { redirect: "manual" });
    check(r.status === 301 && r.headers.get("location")?.endsWith("/console/"), `/console -> 301 /console/, got ${r.status}`);
    const index = await fetch(`${base}/console/changes/some-deep-link`);
    const html = await index.text();
    check(index.status === 200 && html.includes('id="main"'), "a deep link answers index.html");
    check((index.headers.get("content-security-policy") ?? "").includes("default-src 'self'"), "the CSP is set");
    check(index.headers.get("cache-control") === "no-cache", "index.html is revalidated");
    const js = /src="(\/console\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    check(js, "index.html names the bundle");
    const b = await fetch(base + js);
    check(b.status === 200 && b.headers.get("content-type").startsWith("text/javascript"), "the bundle is JavaScript");
    check(b.headers.get("cache-control").includes("immutable"), "the hashed bundle is cached for long");
    check((await fetch(`${base}/console/app-MISSING1.js`)).status === 404, "a missing file is 404");
  });

  await step("login: a wrong password shows the server's message, not a blank page", async () => {
    const page = await newPage("wrong-password");
    await page.goto(`${base}/console/`);
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const err = page.getByRole("alert");
    await err.waitFor();
    check(/401/.test(await err.textContent()), "the error names 401");
    await shot(page, "01-login-error");
    await axe(page, "sign-in");
    await page.context().close();
  });

  await step("alice (author) drafts and submits a prompt change in the console", async () => {
    const page = await newPage("alice");
    await signIn(page, "alice");
    await shot(page, "02-changes-alice");
    await axe(page, "change list");
    await page.getByRole("link", { name: "New change", exact: true }).first().click();
    await page.getByLabel("Kind").selectOption("prompt");
    await page.getByLabel(/^Target/).fill(target);
    await page.getByLabel("Edit the content as JSON (advanced)").check();
    await page.getByLabel("Content (JSON)").fill(JSON.stringify(promptContent("You answer questions about {{product}}.\nBe brief and kind."), null, 2));
    await page.getByLabel("Comment", { exact: true }).fill("New triage prompt for the e2e flow");
    await shot(page, "03-new-change");
    await axe(page, "new change");
    await page.getByRole("button", { name: "Create change request" }).click();
    await page.waitForURL(/\/console\/changes\/[0-9a-f-]{36}$/);
    changeId = page.url().split("/").pop();
    const state = await page.locator(".toolbar [data-state]").getAttribute("data-state");
    check(state === "in_review", `the change is in review, got ${state}`);

    // Four eyes: the author sees the approve button disabled, with the reason.
    const approve = page.locator('button[data-action="approve"]');
    check(await approve.isDisabled(), "approve is disabled for the author");
    check((await page.getByTestId("disabled-reasons").textContent()).includes("someone else must review"), "the reason is shown");
    await shot(page, "04-change-author");

    // The server enforces it anyway: force the click and the UI shows the 403 problem detail.
    await approve.evaluate((b) => { b.removeAttribute("disabled"); b.removeAttribute("aria-disabled"); });
    await approve.click();
    const err = page.getByTestId("action-messages").getByRole("alert");
    await err.waitFor();
    const text = await err.textContent();
    check(/403/.test(text), `the server's 403 is shown, got: ${text}`);
    await shot(page, "05-author-approve-403");
    await page.context().close();
  });

  await step("bob (reviewer) opens it from the list, reads the diff and approves with a comment", async () => {
    check(changeId, "a change was created");
    const page = await newPage("bob");
    await signIn(page, "bob");
    await page.getByLabel("State").selectOption("in_review");
    await page.getByRole("link", { name: target }).click();
    await page.getByTestId("diff").waitFor();
    const diff = await page.getByTestId("diff").textContent();
    check(diff.includes("messages[0].content") || diff.includes("messages"), "the diff shows the messages");
    check(diff.includes("Be brief and kind."), "the diff shows the new text");
    await page.getByLabel("Comment", { exact: true }).fill("Reads well; approved.");
    await shot(page, "06-change-reviewer");
    await axe(page, "change detail");
    await page.locator('button[data-action="approve"]').click();
    await page.getByTestId("info").waitFor();
    check((await page.locator(".toolbar [data-state]").getAttribute("data-state")) === "approved", "the change is approved");
    check((await page.getByTestId("reviews").textContent()).includes("Reads well; approved."), "the review comment is listed");
    await shot(page, "07-change-approved");
    await page.context().close();
  });

  await step("admin publishes it (deep link into the console)", async () => {
    const page = await newPage("admin");
    await signIn(page, "admin");
    await page.goto(`${base}/console/changes/${changeId}`);
    await page.locator('button[data-action="publish"]').click();
    await page.getByTestId("info").waitFor();
    check((await page.locator(".toolbar [data-state]").getAttribute("data-state")) === "published", "the change is published");
    await shot(page, "08-change-published");
    await page.context().close();
  });

  await step("a decision that lost a race shows the server's 409 detail", async () => {
    const alice = await token("alice");
    const created = await api("POST", "/api/v1/changes", alice, {
      kind: "prompt", target: `${target}-race`, content: promptContent("Race {{product}}"), comment: "race",
    });
    check(created.status === 201, `create answers 201 (documented), got ${created.status} ${created.text}`);
    const id = created.json.id;
    check((await api("POST", `/api/v1/changes/${id}/submit`, alice, { comment: "please" })).status === 200, "submit");
    const page = await newPage("bob-race");
    await signIn(page, "bob");
    await page.goto(`${base}/console/changes/${id}`);
    await page.locator('button[data-action="approve"]').waitFor();
    const carol = await token("carol");
    const rejected = await api("POST", `/api/v1/changes/${id}/reject`, carol, { comment: "No." });
    check(rejected.status === 200, `carol's reject answers 200, got ${rejected.status} ${rejected.text}`);
    await page.locator('button[data-action="approve"]').click();
    const err = page.getByTestId("action-messages").getByRole("alert");
    await err.waitFor();
    const text = await err.textContent();
    check(/409/.test(text) && text.length > 20, `the 409 and its detail are shown, got: ${text}`);
    await shot(page, "09-conflict-409");
    await page.context().close();
  });

  await step("an unknown change shows the 404 detail, not a blank page", async () => {
    const page = await newPage("bob-404");
    await signIn(page, "bob");
    await page.goto(`${base}/console/changes/00000000-0000-0000-0000-000000000000`);
    const err = page.getByRole("alert");
    await err.waitFor();
    check(/404/.test(await err.textContent()), "404 is shown");
    await page.context().close();
  });

  await step("traffic: /v1 requests through the published prompt and the demo alias", async () => {
    // A policy published through review (flag-only, a condition no request meets; on both stages,
    // as the demo policy: the output stage's versions replace the input stage's), so that the
    // served request runs under a policy version with a change, an author and an approver.
    const [alice, bob, admin] = [await token("alice"), await token("bob"), await token("admin")];
    const created = await api("POST", "/api/v1/changes", alice, {
      kind: "policy", target: lineagePolicy, comment: "lineage policy",
      content: { rules: [{ id: "flag-secret-flood", condition: "entities.secret.count > 100", action: "flag", flag: "secret_flood", stage: "both" }] },
    });
    check(created.status === 201, `the policy change is created, got ${created.status} ${created.text}`);
    const pid = created.json.id;
    for (const [who, action] of [[alice, "submit"], [bob, "approve"], [admin, "publish"]]) {
      const r = await api("POST", `/api/v1/changes/${pid}/${action}`, who, { comment: action });
      check(r.status === 200, `the policy change: ${action} answers 200, got ${r.status} ${r.text}`);
    }
    policyChangeId = pid;
    // The gateway hears of the publish through the change feed: wait until a request runs under it.
    const dave = await token("dave");
    let under = "";
    for (let i = 0; i < 50 && !under.split(",").includes(`${lineagePolicy}@v1`); i++) {
      const probe = await chat("sandbox", "policy probe");
      sentRequests++;
      const l = await api("GET", `/api/v1/lineage/requests/${encodeURIComponent(probe.requestId)}`, dave);
      under = l.json?.events?.find((e) => e.usage)?.usage?.policyVersion ?? "";
      if (!under.split(",").includes(`${lineagePolicy}@v1`)) await new Promise((ok) => setTimeout(ok, 200));
    }
    check(under.split(",").includes(`${lineagePolicy}@v1`), `requests run under ${lineagePolicy}@v1, last under ${under}`);
    // The prompt was just published: give its cache a moment to hear of it.
    let served = null;
    for (let i = 0; i < 50 && !served; i++) {
      const r = await chat(`prompt:${target}@production`, "hello", { prompt_variables: { product: "Acme" } });
      sentRequests++;
      if (r.status === 200) served = r;
      else await new Promise((ok) => setTimeout(ok, 200));
    }
    check(served, "a request through the published prompt answers 200");
    check(served.promptVersion === `${target}/v1`, `the prompt version served is ${target}/v1, got ${served.promptVersion}`);
    servedRequestId = served.requestId;
    check(servedRequestId, "the answer names its request id");
    for (let i = 0; i < 4; i++) {
      check((await chat("sandbox", `question ${i}`)).status === 200, "a plain sandbox request answers 200");
      sentRequests++;
    }
    // one the demo policy redacts (an e-mail address), so the policy chart has a rule to show
    const redacted = await chat("sandbox", "write to dave@example.com please");
    sentRequests++;
    check(redacted.status === 200, `a redacted request answers 200, got ${redacted.status}`);
  });

  await step("dashboard: charts drawn from live data after traffic (dave, auditor)", async () => {
    check(sentRequests > 0, "traffic was sent");
    const page = await newPage("dave-dashboard");
    await signIn(page, "dave");
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await page.locator('figure[data-chart="requests"] canvas').first().waitFor();
    // the chart's own numbers: the text alternative counts what was sent in this period
    const totals = await page.getByTestId("chart-table-requests").locator("td[data-total]").evaluateAll((tds) => tds.map((td) => Number(td.getAttribute("data-total"))));
    const total = totals.reduce((a, b) => a + b, 0);
    check(total >= sentRequests, `the requests chart counts at least the ${sentRequests} requests sent, got ${total}`);
    const routes = await page.getByTestId("chart-table-requests").locator("tbody th").allTextContents();
    check(routes.some((r) => r.includes("sandbox")), `the sandbox route is a series, got ${routes.join(", ")}`);
    await page.locator('figure[data-chart="latency"] canvas').first().waitFor();
    await page.getByTestId("chart-table-tokens").waitFor();
    const sla = await page.getByTestId("sla-table").textContent();
    check(sla.includes("sandbox"), "the SLA table lists the sandbox route");
    // the chart's own table, not the section (whose heading always says "redactions")
    const redactTotals = await page.getByTestId("chart-table-policy").locator('tr[data-series*="(redact)"] td[data-total]')
      .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute("data-total"))));
    check(redactTotals.some((n) => n >= 1), `the policy chart counts a redaction by its rule, got totals ${JSON.stringify(redactTotals)}`);
    check((await page.getByTestId("budget-table").locator("tbody tr").count()) === 2, "budget: today and this month");
    // the breakers' own table; an error in the section fails the flow (it used to pass the wait)
    const breakers = page.getByTestId("dash-breakers");
    await breakers.locator('[data-testid="breakers-table"], [data-testid="error"]').first().waitFor();
    const breakerErrors = await breakers.getByTestId("error").allTextContents();
    check(breakerErrors.length === 0, `the breakers section shows its table, not an error: ${breakerErrors.join("; ")}`);
    check((await breakers.getByTestId("breakers-table").count()) === 1, "the breakers table is shown");
    check(/\d+ waiting/.test(await page.getByTestId("reviews-waiting").textContent()), "the review queue is counted");
    check((await page.getByTestId("publish-table").textContent()).includes("prompt"), "time to publish lists the prompt kind");
    await docShot(page, "dashboard");
    await shot(page, "11-dashboard");
    await axe(page, "dashboard");
    // the step chooser: another period redraws from the server
    await page.getByLabel("Period and step").selectOption("24h");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/period=24h/);
    await page.locator('figure[data-chart="requests"] canvas').first().waitFor();
    await fitsAt800(page, "the dashboard");
    await page.context().close();
  });

  await step("dave (auditor) signs in with the keyboard: verify, names, checkpoint and keys, export of a period through a ticket", async () => {
    const page = await newPage("dave");
    await signIn(page, "dave", "keyboard");
    await page.getByRole("link", { name: "Audit", exact: true }).click();
    const verify = page.getByTestId("verify-result").locator("[data-valid]");
    await verify.waitFor();
    check((await verify.getAttribute("data-valid")) === "true", `the chain verifies: ${await verify.textContent()}`);
    await page.getByLabel("Action").fill("change.publish");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByTestId("audit-results").locator("table").waitFor();
    const results = await page.getByTestId("audit-results").textContent();
    check(results.includes("change.publish"), "the publish is in the trail");
    check(/admin \([^)]*admin[^)]*\)/.test(results), `the actor is shown by name and roles, got: ${results.slice(0, 400)}`);
    // a signed checkpoint of the chain as it is now, so the export holds one
    await page.getByRole("button", { name: "Sign a checkpoint now" }).click();
    await page.getByText(/Signed checkpoint of event #\d+/).waitFor();
    await page.getByTestId("audit-keys").locator("table").waitFor();
    check(/[0-9a-f]{64}/.test(await page.getByTestId("audit-keys").textContent()), "the keys show their fingerprints");
    await shot(page, "10-audit");
    await axe(page, "audit trail");
    await fitsAt800(page, "the audit trail");

    // The export of a period: a single-use ticket, then the browser's own download of its URL.
    await page.getByLabel("From (UTC)").fill(utcField(new Date(flowStart.getTime() - 3600_000)));
    await page.getByLabel("To (UTC, exclusive)").fill(utcField(new Date(Date.now() + 3600_000)));
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator('button[data-export="jsonl"]').click()]);
    const url = download.url();
    // the bearer check first, and the URL never printed whole: a regression must not put a token in CI's log
    check(!/token|bearer|eyJ/i.test(url), "no bearer token in the URL");
    check(/\/api\/v1\/audit\/export\?ticket=gh_xt_/.test(url), `the download is the ticket's URL, got ${url.split("?")[0]}?…`);
    const file = await download.path();
    const lines = readFileSync(file, "utf8").trim().split("\n");
    check(lines.length >= 2, `the JSON Lines export has a header and events, got ${lines.length} lines`);
    const header = JSON.parse(lines[0]);
    check(header.record === "header" && header.from && header.from.startsWith(utcField(new Date(flowStart.getTime() - 3600_000))), `the export is of the period chosen, header: ${lines[0].slice(0, 300)}`);
    // The downloaded file itself is verified offline by ConsoleBrowserIT (OfflineVerifier, pinned key).
    if (process.env.CONSOLE_EXPORT) copyFileSync(file, process.env.CONSOLE_EXPORT);
    // The ticket was spent by the download: the same URL again is refused.
    const again = await fetch(base + new URL(url).pathname + new URL(url).search);
    check(again.status === 401, `a spent ticket is refused (401), got ${again.status}`);
    await page.getByRole("status").filter({ hasText: "single-use ticket" }).waitFor();
    await docShot(page, "audit");
    await page.context().close();
  });

  await step("dave follows lineage from an audit event to the approvers of the prompt and policy versions that served it", async () => {
    check(servedRequestId, "a request was served by the prompt");
    const page = await newPage("dave-lineage");
    await signIn(page, "dave");
    await page.getByRole("link", { name: "Audit", exact: true }).click();
    await page.getByLabel("Action").fill("gateway.request");
    const row = page.locator(`tr:has(a[data-request="${servedRequestId}"])`);
    // Searched again while the row is missing, as a person would press Search again; should it
    // still be missing, the failure says what the API holds for that request, so that an
    // intermittent miss (seen once, 2026-12-06) can be told apart from a missing event.
    for (let attempt = 1; ; attempt++) {
      await page.getByRole("button", { name: "Search" }).click();
      try {
        await row.waitFor({ timeout: 5_000 });
        break;
      } catch (e) {
        if (attempt < 3) continue;
        const byApi = await api("GET", `/api/v1/audit/events?requestId=${encodeURIComponent(servedRequestId)}`, await token("dave"));
        const shown = await page.locator("tr[data-event] td:first-child").allTextContents();
        throw new Error(`the served request ${servedRequestId} is not among the rows shown (${shown.join(" ")}); the API holds for it: ${byApi.status} ${byApi.text.slice(0, 600)}`);
      }
    }
    // the event in detail: actor, usage, policy decisions, content hash
    await row.locator('a[aria-label$=": details"]').click();
    await page.getByTestId("event-facts").waitFor();
    check((await page.getByTestId("event-usage").textContent()).includes(`${target}/v1`), "the usage names the prompt version");
    await docShot(page, "audit-event");
    await axe(page, "event detail");
    await page.getByTestId("lineage-link").click();
    await page.getByTestId("lineage-graph").locator("svg").waitFor();
    const list = page.getByTestId("lineage-list");
    const version = list.locator(`li[data-node="prompt-version:${target}/v1"]`);
    await version.waitFor();
    const changeNode = `change:${changeId}`;
    check((await version.textContent()).includes("published by"), "the prompt version leads to the change that published it");
    const change = list.locator(`li[data-node="${changeNode}"]`);
    const approvedBy = await change.locator('li[data-edge="approved by"]').allTextContents();
    check(approvedBy.some((t) => t.includes("bob")), `the change was approved by bob, got ${approvedBy.join("; ")}`);
    check((await change.locator('li[data-edge="authored by"]').textContent()).includes("alice"), "and written by alice");
    // the graph is keyboard-operable: from the request, the right arrow follows an edge
    await page.locator(`svg [data-node="request:${servedRequestId}"]`).focus();
    await page.keyboard.press("ArrowRight");
    const focused = await page.evaluate(() => document.activeElement?.getAttribute("data-node"));
    check(focused && focused !== `request:${servedRequestId}`, `the arrow key moved along an edge, focus on ${focused}`);
    await docShot(page, "lineage");
    await axe(page, "lineage");
    await fitsAt800(page, "the lineage graph");
    // navigable both ways: the approver's own lineage leads back to the change
    await change.locator('li[data-edge="approved by"] a').first().click();
    await page.waitForURL(/\/console\/lineage\?reviewer=/);
    await page.getByTestId("lineage-list").locator(`li[data-node="${changeNode}"]`).waitFor();
    // and the prompt version back to the request it served
    await page.goto(`${base}/console/lineage?prompt-version=${encodeURIComponent(`${target}/v1`)}`);
    await page.getByTestId("lineage-list").locator(`li[data-node="request:${servedRequestId}"]`).waitFor();
    // from the request's graph to the policy version it ran under, and on to that policy's approver
    check(policyChangeId, "a policy was published through review");
    await page.goto(`${base}/console/lineage?request=${encodeURIComponent(servedRequestId)}`);
    const policyNode = `policy-version:${lineagePolicy}@v1`;
    await page.locator(`svg a[data-node="${policyNode}"]`).click();
    await page.waitForURL(/\/console\/lineage\?policy-version=/);
    const policyList = page.getByTestId("lineage-list");
    await policyList.locator(`li[data-node="request:${servedRequestId}"]`).waitFor();
    const policyChange = policyList.locator(`li[data-node="change:${policyChangeId}"]`);
    await policyChange.waitFor();
    check((await policyList.locator(`li[data-node="${policyNode}"]`).textContent()).includes("published by"), "the policy version leads to the change that published it");
    const policyApprovers = await policyChange.locator('li[data-edge="approved by"]').allTextContents();
    check(policyApprovers.some((t) => t.includes("bob")), `the policy change was approved by bob, got ${policyApprovers.join("; ")}`);
    await axe(page, "lineage of a policy version");
    await page.context().close();
  });

  await step("an auditor places a legal hold and releases it", async () => {
    const page = await newPage("dave-holds");
    await signIn(page, "dave");
    await page.getByRole("link", { name: "Audit", exact: true }).click();
    await page.getByTestId("retention-setting").locator("p").waitFor();
    const reason = `e2e hold ${target}`;
    await page.getByLabel("Reason").fill(reason);
    await page.getByRole("button", { name: "Place hold" }).click();
    const row = page.getByTestId("holds").locator("tr", { hasText: reason });
    await row.waitFor();
    check((await row.getAttribute("data-active")) === "true", "the hold is in force");
    const dave = await token("dave");
    const listed = await api("GET", "/api/v1/audit/retention/holds", dave);
    const held = listed.json.holds.find((x) => x.reason === reason);
    check(held && held.active, "the server has the hold in force");
    await docShot(page, "holds");
    await row.getByRole("button", { name: `Release the hold: ${reason}` }).click();
    await page.getByRole("status").filter({ hasText: "Released the hold" }).waitFor();
    await page.getByTestId("holds").locator(`tr[data-hold="${held.id}"][data-active="false"]`).waitFor();
    const after = await api("GET", "/api/v1/audit/retention/holds", dave);
    check(after.json.holds.find((x) => x.id === held.id).active === false, "the server has the hold released");
    await page.context().close();
  });

  await step("dave shows an event's retained content in its detail; the read is audited", async () => {
    // an event of the demo chain with content kept in full, appended by ConsoleBrowserIT (the
    // gateway attaches no bodies to its events yet)
    const eventId = process.env.CONSOLE_CONTENT_EVENT;
    const marker = process.env.CONSOLE_CONTENT_MARKER;
    check(eventId && marker, "CONSOLE_CONTENT_EVENT and CONSOLE_CONTENT_MARKER name the event with content");
    const page = await newPage("dave-content");
    await signIn(page, "dave");
    await page.goto(`${base}/console/audit/events/${encodeURIComponent(eventId)}`);
    const content = page.getByTestId("content");
    await content.locator("code").first().waitFor();
    const hash = (await content.locator("code").first().textContent()).trim();
    check(/^[0-9a-f]{64}$/.test(hash), `the detail shows the content hash, got ${hash}`);
    check((await content.textContent()).includes("Still retained as full"), "the detail says the content is retained");
    await content.getByRole("button", { name: /Show the retained content/ }).click();
    await content.locator('pre[aria-label="Retained content"], [data-testid="error"]').first().waitFor();
    const errors = await content.getByTestId("error").allTextContents();
    check(errors.length === 0, `the retained content is shown, not an error: ${errors.join("; ")}`);
    const body = await content.locator('pre[aria-label="Retained content"]').textContent();
    check(body.includes(marker), "the retained content is the event's own body");
    check((await content.textContent()).includes("Retained (full)"), "the form of the retained content is named");
    await axe(page, "event detail with its retained content");
    const dave = await token("dave");
    // by the content's hash, not among the newest reads only: other reads (of other tests) may follow
    const reads = await api(
      "GET",
      `/api/v1/audit/events?action=audit.content.read&targetType=audit_content&target=${encodeURIComponent(hash)}&limit=20`,
      dave,
    );
    check(reads.status === 200 && reads.json.events.length > 0 && reads.text.includes(hash), "the read of that content is in the trail");
    await page.context().close();
  });

  await step("held tool calls: bob approves and refuses held MCP calls in the queue; the key's owner meets the four-eyes rule", async () => {
    const [adminToken, bobToken] = [await token("admin"), await token("bob")];
    // an agent's key, created by admin, that reaches the demo sandbox's tools
    const created = await api("POST", "/api/v1/keys", adminToken, { name: `${target}-agent`, allowedRoutes: ["mcp:sandbox"] });
    check(created.status === 201, `the agent's key is created, got ${created.status} ${created.text}`);
    const agentKey = created.json.key;
    // The queue starts empty: calls other tests left held are refused through the API first.
    const left = await api("GET", "/api/v1/mcp/held-calls?status=held", bobToken);
    check(left.status === 200, `bob lists the held calls, got ${left.status} ${left.text}`);
    for (const c of left.json.items) {
      await api("POST", `/api/v1/mcp/held-calls/${encodeURIComponent(c.id)}/refuse`, bobToken, { comment: "cleared by the console flows" });
    }

    const bob = await newPage("bob-held");
    await signIn(bob, "bob");
    await bob.getByRole("link", { name: "Held tool calls" }).click();
    await bob.getByRole("heading", { name: "Held tool calls", level: 1 }).waitFor();
    await bob.getByTestId("held-empty").waitFor({ state: "visible" });
    await axe(bob, "held tool calls (empty)");

    // An agent calls the tool that needs approval: the call is held, its answer waits.
    // The payee carries markup (shown as text, never as markup) and an e-mail address (redacted by the demo policy).
    const firstArgs = { payee: "<b>Acme</b> Ltd, billing@acme.example", amount: "120.00 EUR" };
    const first = mcpCall(agentKey, "sandbox__approve_payment", firstArgs, 1);
    first.catch(() => {});
    // the queue shows it by itself (it refreshes every 5 s): no reload
    const heldFirst = bob.locator('article[data-status="held"]', { hasText: "120.00 EUR" });
    await heldFirst.waitFor({ timeout: 20_000 });
    const firstId = await heldFirst.getAttribute("data-held-call");
    check(await Promise.race([first.then(() => "answered", () => "failed"), sleep(300).then(() => "waiting")]) === "waiting",
      "the agent's call waits for a decision");
    const card = bob.locator(`article[data-held-call="${firstId}"]`);
    const args = await card.getByTestId("held-arguments").textContent();
    check(args.includes("<b>Acme</b> Ltd") && args.includes("120.00 EUR"), `the arguments are shown as text, got ${args}`);
    check(!args.includes("billing@acme.example") && args.includes("[EMAIL]"), `the arguments are shown as policy left them, got ${args}`);
    check((await card.locator("pre b").count()) === 0, "nothing in the arguments became markup");
    const facts = await card.getByTestId("held-facts").textContent();
    check(facts.includes(`${target}-agent`) && facts.includes("sandbox") && facts.includes("approve_payment"), `the key, server and tool are named, got ${facts}`);
    check((await card.getByTestId("held-scope").textContent()).includes("mcp:sandbox"), "the key's scope is shown");
    check(/held for \d/.test(await card.getByTestId("held-for").textContent()), "how long it waits is shown");

    // admin created the key: the buttons are off with the reason, and the server refuses when forced
    const own = await newPage("admin-held");
    await signIn(own, "admin");
    await own.goto(`${base}/console/held-calls`);
    const ownCard = own.locator(`article[data-held-call="${firstId}"]`);
    const ownApprove = ownCard.locator('button[data-decision="approve"]');
    await ownApprove.waitFor();
    check(await ownApprove.isDisabled(), "approve is disabled for the key's owner");
    check((await ownCard.getByTestId("disabled-reasons").textContent()).includes("four-eyes"), "the four-eyes reason is shown");
    const direct = await api("POST", `/api/v1/mcp/held-calls/${encodeURIComponent(firstId)}/approve`, adminToken, {});
    check(direct.status === 403 && direct.json?.detail, `the server refuses the key's owner (403 problem), got ${direct.status} ${direct.text}`);
    await ownApprove.evaluate((b) => { b.removeAttribute("disabled"); b.removeAttribute("aria-disabled"); });
    await ownApprove.click();
    const ownError = ownCard.getByTestId("held-messages").getByRole("alert");
    await ownError.waitFor();
    const ownText = await ownError.textContent();
    check(ownText.includes("403") && ownText.includes(direct.json.detail), `the 403's detail is shown, got: ${ownText}`);
    await docShot(own, "held-calls-own");
    await own.context().close();

    // bob: a refusal needs a comment; what he types survives the refreshes; then he approves
    await card.locator('button[data-decision="refuse"]').click();
    const noComment = card.getByTestId("held-messages").getByRole("alert");
    await noComment.waitFor();
    check((await noComment.textContent()).includes("say why"), "refusing without a comment is stopped in the page");
    const comment = "Payee and amount checked against the invoice.";
    await card.getByLabel("Comment (required to refuse)").fill(comment);
    await shot(bob, "12-held-call");
    await docShot(bob, "held-calls");
    await axe(bob, "held tool calls");
    await fitsAt800(bob, "the held tool calls");
    await sleep(5500);
    check((await card.getByLabel("Comment (required to refuse)").inputValue()) === comment, "a refresh keeps the comment being typed");
    await card.locator('button[data-decision="approve"]').click();
    await card.getByTestId("held-messages").getByRole("status").waitFor();
    const firstAnswer = await within(first, 30_000, "the approved call");
    check(firstAnswer.status === 200, `the agent's call answers 200, got ${firstAnswer.status} ${firstAnswer.text.slice(0, 300)}`);
    const firstRpc = rpcAnswer(firstAnswer.text, 1);
    check(firstRpc?.result && firstRpc.result.isError !== true && JSON.stringify(firstRpc.result).includes("approved (nothing was paid)"),
      `the approved call ran and its result reached the agent, got ${firstAnswer.text.slice(0, 600)}`);
    check((await card.getAttribute("data-status")) !== "held", "the card shows the decision");

    // a second call, refused with a comment: the agent is told why
    const second = mcpCall(agentKey, "sandbox__approve_payment", { payee: "Unknown Ltd", amount: "999.00 EUR" }, 2);
    second.catch(() => {});
    const heldSecond = bob.locator('article[data-status="held"]', { hasText: "999.00 EUR" });
    await heldSecond.waitFor({ timeout: 20_000 });
    const secondId = await heldSecond.getAttribute("data-held-call");
    const card2 = bob.locator(`article[data-held-call="${secondId}"]`);
    await card2.getByLabel("Comment (required to refuse)").fill("Unknown payee: not paid.");
    await card2.locator('button[data-decision="refuse"]').click();
    await card2.getByTestId("held-messages").getByRole("status").waitFor();
    check((await card2.getAttribute("data-status")) === "refused", "the card shows the refusal");
    const secondAnswer = await within(second, 30_000, "the refused call");
    const secondRpc = rpcAnswer(secondAnswer.text, 2);
    check(secondRpc?.result?.isError === true && JSON.stringify(secondRpc.result).includes("approval_refused"),
      `the refused call ends as a tool error naming the refusal, got ${secondAnswer.text.slice(0, 600)}`);

    // all recent calls: both, with their decisions, and bob as the decider
    await bob.getByLabel("Show", { exact: true }).selectOption("all");
    await bob.waitForURL(/held-calls\?status=all/);
    const all = bob.getByTestId("held-calls");
    await all.locator(`article[data-held-call="${secondId}"][data-status="refused"]`).waitFor();
    const firstStatus = await all.locator(`article[data-held-call="${firstId}"]`).getAttribute("data-status");
    check(["approved", "completed"].includes(firstStatus), `the approved call is listed as such, got ${firstStatus}`);
    check((await all.locator(`article[data-held-call="${secondId}"]`).textContent()).includes("Unknown payee: not paid."), "the refusal's comment is listed");
    // nothing waits any more
    await bob.getByLabel("Show", { exact: true }).selectOption("held");
    await bob.waitForURL(/held-calls$/);
    await bob.getByTestId("held-empty").waitFor({ state: "visible" });
    await bob.context().close();

    // an auditor reads the queue and its decisions, and decides nothing
    const dave = await newPage("dave-held");
    await signIn(dave, "dave");
    await dave.getByRole("link", { name: "Held tool calls" }).click();
    await dave.getByTestId("held-empty").waitFor({ state: "visible" });
    await dave.getByLabel("Show", { exact: true }).selectOption("all");
    await dave.locator(`article[data-held-call="${firstId}"]`).waitFor();
    await dave.locator(`article[data-held-call="${secondId}"][data-status="refused"]`).waitFor();
    check((await dave.locator("button[data-decision]").count()) === 0, "an auditor is offered no decision");
    await axe(dave, "held tool calls (auditor, all recent)");
    // an author has no queue: no link, and the address says so
    const alice = await newPage("alice-held");
    await signIn(alice, "alice");
    check((await alice.getByRole("link", { name: "Held tool calls" }).count()) === 0, "no queue link for an author");
    await alice.goto(`${base}/console/held-calls`);
    await alice.getByRole("heading", { name: "Not available" }).waitFor();
    await dave.context().close();
    await alice.context().close();
  });

  await step("sign out forgets the token", async () => {
    const page = await newPage("signout");
    await signIn(page, "carol");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Username").waitFor();
    await page.reload();
    await page.getByLabel("Username").waitFor();
    await page.context().close();
  });

  inModule = true;
  const context = { step, check, newPage, signIn, api, token, chat, shot, docShot, axe, fitsAt800, utcField, base, apiKey, password };
  for (const name of modules) {
    if (only && !only.includes(name)) continue;
    const t0 = Date.now();
    const mod = await import(`./${name}.mjs`);
    await mod.default(context);
    console.log(`module ${name}: ${Math.round((Date.now() - t0) / 1000)} s`);
  }
} finally {
  await browser.close();
}

if (problems.length > 0) {
  failed++;
  console.log(`FAIL browser reported errors:\n  ${problems.join("\n  ")}`);
}
console.log(`axe-core (no serious or critical violation): ${axeChecked.join(", ")}`);
console.log(`console e2e: ${passed} passed, ${failed} failed (screenshots in ${shots}${docShots ? `, ${docShots}` : ""})`);
process.exit(failed === 0 ? 0 : 1);
