// Browser flows of the review console in real Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; nothing downloads a browser), against a running Gatehouse in demo mode.
//   node e2e/flows.mjs http://localhost:9080
// Environment: GATEHOUSE_DEMO_PASSWORD (default gatehouse-demo), CHROMIUM (default /usr/bin/chromium),
// CONSOLE_SCREENSHOTS (default <repo>/target/console-screenshots). Exit 0 only when every flow passed.
import { chromium } from "playwright-core";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const base = (process.argv[2] ?? "http://localhost:9080").replace(/\/+$/, "");
const password = process.env.GATEHOUSE_DEMO_PASSWORD || "gatehouse-demo";
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const here = dirname(fileURLToPath(import.meta.url));
const shots = resolve(process.env.CONSOLE_SCREENSHOTS || join(here, "../../target/console-screenshots"));
mkdirSync(shots, { recursive: true });

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

async function step(name, fn) {
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

const target = `e2e-console-${Date.now().toString(36)}`;
let changeId = null;

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
    await page.context().close();
  });

  await step("alice (author) drafts and submits a prompt change in the console", async () => {
    const page = await newPage("alice");
    await signIn(page, "alice");
    await shot(page, "02-changes-alice");
    await page.getByRole("link", { name: "New change", exact: true }).first().click();
    await page.getByLabel("Kind").selectOption("prompt");
    await page.getByLabel(/^Target/).fill(target);
    await page.getByLabel("Content (JSON)").fill(JSON.stringify(promptContent("You answer questions about {{product}}.\nBe brief and kind."), null, 2));
    await page.getByLabel("Comment", { exact: true }).fill("New triage prompt for the e2e flow");
    await shot(page, "03-new-change");
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

  await step("dave (auditor) signs in with the keyboard and sees the audit view: verify, search, export", async () => {
    const page = await newPage("dave");
    await signIn(page, "dave", "keyboard");
    await page.getByRole("link", { name: "Audit" }).click();
    const verify = page.getByTestId("verify-result").locator("[data-valid]");
    await verify.waitFor();
    check((await verify.getAttribute("data-valid")) === "true", `the chain verifies: ${await verify.textContent()}`);
    await page.getByLabel("Action").fill("change.publish");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByTestId("audit-results").locator("table").waitFor();
    check((await page.getByTestId("audit-results").textContent()).includes("change.publish"), "the publish is in the trail");
    await shot(page, "10-audit");
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator('a[data-export="jsonl"]').click()]);
    const file = await download.path();
    const lines = readFileSync(file, "utf8").trim().split("\n");
    check(lines.length >= 2, `the JSON Lines export has a header and events, got ${lines.length} lines`);
    // The downloaded file itself is verified offline by ConsoleBrowserIT (OfflineVerifier, pinned key).
    if (process.env.CONSOLE_EXPORT) copyFileSync(file, process.env.CONSOLE_EXPORT);
    await page.context().close();
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
} finally {
  await browser.close();
}

if (problems.length > 0) {
  failed++;
  console.log(`FAIL browser reported errors:\n  ${problems.join("\n  ")}`);
}
console.log(`console e2e: ${passed} passed, ${failed} failed (screenshots in ${shots})`);
process.exit(failed === 0 ? 0 : 1);
