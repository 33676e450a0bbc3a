// Browser flows of the authoring forms and the administration pages (issue #21), run by flows.mjs (or alone:
// CONSOLE_ONLY=admin). Sets up its own data through the API, with names unique to this run.
const platformPassword = process.env.GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD || "gatehouse-platform-admin";

export default async function (ctx) {
  const { step, check, newPage, signIn, api, token, docShot, shot, axe, fitsAt800, base } = ctx;
  const s = Date.now().toString(36);
  const hookUrl = `http://127.0.0.1:9/hook-${s}`;
  let demoTenantId = null;

  async function platformToken() {
    const r = await api("POST", "/api/v1/auth/login", null, { username: "platform-admin", password: platformPassword });
    check(r.status === 200, `the platform admin signs in through the API, got ${r.status}`);
    return r.json.access_token;
  }

  /** The change the console just created, read back through the API (what was sent, not what was shown). */
  async function createdChange(page, user = "alice") {
    const id = page.url().split("/").pop();
    const c = await api("GET", `/api/v1/changes/${id}`, await token(user));
    check(c.status === 200, `the change ${id} reads back, got ${c.status}`);
    return c.json;
  }

  async function signInPlatformAdmin(page) {
    await page.goto(`${base}/console/`);
    await page.getByLabel("Username").fill("platform-admin");
    await page.getByLabel("Password").fill(platformPassword);
    await page.getByLabel("Password").press("Enter");
    await page.getByTestId("who").waitFor();
  }

  /** Submits the authoring form and waits for the field's own message (from the server's problem param). */
  async function expectFieldError(page, fieldId, pattern, what) {
    await page.getByRole("button", { name: "Create change request" }).click();
    const err = page.locator(`#${fieldId}-error`);
    await err.waitFor({ state: "visible" });
    const text = await err.textContent();
    check(pattern.test(text), `${what}: the message next to the field matches ${pattern}, got: ${text}`);
    const input = page.locator(`#${fieldId}`);
    check((await input.getAttribute("aria-invalid")) === "true", `${what}: the field is aria-invalid`);
    check(((await input.getAttribute("aria-describedby")) ?? "").split(" ").includes(`${fieldId}-error`), `${what}: the field is described by its message`);
    check((await page.evaluate(() => document.activeElement?.id)) === fieldId, `${what}: the field has the focus`);
  }

  async function createAndExpectReview(page, what, expectContent) {
    await page.getByRole("button", { name: "Create change request" }).click();
    await page.waitForURL(/\/console\/changes\/[0-9a-f-]{36}$/);
    const state = await page.locator(".toolbar [data-state]").getAttribute("data-state");
    check(state === "in_review", `${what}: the change is in review, got ${state}`);
    const c = await createdChange(page);
    check(c.kind === what, `the change is a ${what}, got ${c.kind}`);
    if (expectContent) expectContent(c.content ?? {});
  }

  async function openForm(page, kind, target) {
    await page.goto(`${base}/console/changes/new`);
    await page.getByLabel(/^Target/).fill(target);
    await page.getByLabel("Kind", { exact: true }).selectOption(kind);
  }

  await step("admin: authoring a prompt in the form, the server's message next to its field, the JSON editor as the advanced option", async () => {
    const page = await newPage("author-prompt");
    await signIn(page, "alice");
    await openForm(page, "prompt", `adm-p-${s}`);
    await page.locator("#f-messages-0-content").fill("Hello {{nobody}}");
    await expectFieldError(page, "f-messages-0-content", /\{\{nobody\}\}/, "an undeclared template variable");
    await shot(page, "admin-01-prompt-error");
    await docShot(page, "authoring-error");
    await axe(page, "authoring form with a validation message");
    // keyboard: add a message with Enter on the button; the new message's first field gets the focus
    await page.getByRole("button", { name: "Add message" }).focus();
    await page.keyboard.press("Enter");
    check((await page.evaluate(() => document.activeElement?.id)) === "f-messages-1-role", "the new message's role has the focus");
    await page.locator("#f-messages-1-role").selectOption("user");
    await page.locator("#f-messages-1-content").fill("Tell me about {{product}}.");
    await page.locator("#f-messages-0-content").fill("You answer questions about {{product}}.");
    // the JSON editor holds what the form says, and back again
    await page.getByLabel("Edit the content as JSON (advanced)").check();
    const json = JSON.parse(await page.getByLabel("Content (JSON)").inputValue());
    check(json.messages.length === 2 && json.messages[1].role === "user" && json.route === "sandbox", `the JSON is the form's content: ${JSON.stringify(json)}`);
    json.label = "staging";
    await page.getByLabel("Content (JSON)").fill(JSON.stringify(json, null, 2));
    await page.getByLabel("Edit the content as JSON (advanced)").uncheck();
    check((await page.locator("#f-label").inputValue()) === "staging", "the form reads what the JSON editor changed");
    await docShot(page, "authoring-prompt");
    await fitsAt800(page, "the authoring form");
    // submitted by keyboard
    await page.getByRole("button", { name: "Create change request" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/console\/changes\/[0-9a-f-]{36}$/);
    const c = await createdChange(page);
    check(c.kind === "prompt", `the change is a prompt, got ${c.kind}`);
    const sent = c.content ?? {};
    check(sent.label === "staging", `the label the JSON editor set was sent, got ${sent.label}`);
    check(Array.isArray(sent.messages) && sent.messages.length === 2 && sent.messages[1].content === "Tell me about {{product}}.",
      `both messages were sent: ${JSON.stringify(sent.messages)}`);
    await page.context().close();
  });

  await step("admin: authoring a provider, a route, a policy and an MCP server, each with the server's message at its field", async () => {
    const page = await newPage("author-kinds");
    await signIn(page, "alice");

    await openForm(page, "provider", `adm-prov-${s}`);
    await page.locator("#f-kind").selectOption("azure-openai");
    await page.locator("#f-models-0-name").fill("m1");
    await page.locator("#f-models-0-capabilities").fill("chat, tools");
    await expectFieldError(page, "f-baseUrl", /baseUrl/, "Azure without a base URL");
    await axe(page, "provider form");
    await page.locator("#f-kind").selectOption("sandbox");
    // a new provider: the form says that nothing of that name is live and the change creates it
    await page.getByTestId("live-none").waitFor();
    await createAndExpectReview(page, "provider", (c) => {
      check(JSON.stringify(c.models?.[0]?.capabilities) === JSON.stringify(["chat", "tools"]), `the model's capabilities were sent: ${JSON.stringify(c.models)}`);
      check(!("credential" in c), `no credential was sent (none typed): ${Object.keys(c).join(",")}`);
    });

    await openForm(page, "route", `adm-route-${s}`);
    await page.locator("#f-targets-0-provider").fill(`nope-${s}`);
    await page.locator("#f-targets-0-model").fill("sandbox-chat");
    await expectFieldError(page, "f-targets-0-provider", /no provider named/, "a route to a provider that does not exist");
    await axe(page, "route form");
    await page.locator("#f-targets-0-provider").fill("sandbox");
    await createAndExpectReview(page, "route", (c) => {
      check(c.targets?.length === 1 && c.targets[0].provider === "sandbox" && c.targets[0].model === "sandbox-chat", `the target was sent: ${JSON.stringify(c.targets)}`);
    });

    await openForm(page, "policy", `adm-pol-${s}`);
    await page.locator("#f-rules-0-id").fill("redact-mail");
    await page.locator("#f-rules-0-condition").fill("entities.email.count > 0");
    await page.locator("#f-rules-0-action").selectOption("redact");
    await expectFieldError(page, "f-rules-0-entities", /entity types/, "redact without entities");
    await docShot(page, "authoring-policy");
    await axe(page, "policy form");
    await page.locator("#f-rules-0-entities").fill("email");
    await createAndExpectReview(page, "policy", (c) => {
      const r = c.rules?.[0] ?? {};
      check(r.id === "redact-mail" && r.action === "redact" && JSON.stringify(r.entities) === '["email"]', `the rule was sent: ${JSON.stringify(c.rules)}`);
    });

    await openForm(page, "mcp_server", `adm-mcp-${s}`);
    await page.locator("#f-transport").selectOption("sandbox");
    // the URL is left empty: the sandbox transport's URL is the server's default
    await page.locator("#f-tools-0-name").fill("bad name!");
    await expectFieldError(page, "f-tools-0-name", /tool name must match/, "a tool name with a space");
    await axe(page, "MCP server form");
    await page.locator("#f-tools-0-name").fill("lookup");
    // a credential given in the JSON editor survives the switch back to the form, said to be sent
    await page.getByLabel("Edit the content as JSON (advanced)").check();
    const mcpJson = JSON.parse(await page.getByLabel("Content (JSON)").inputValue());
    check(!("credential" in mcpJson), "no credential in the JSON editor when none was given");
    mcpJson.credential = `mcp-secret-${s}`;
    await page.getByLabel("Content (JSON)").fill(JSON.stringify(mcpJson, null, 2));
    await page.getByLabel("Edit the content as JSON (advanced)").uncheck();
    check((await page.locator("#f-credential").inputValue()) === "", "the credential field stays empty (write-only)");
    check(/new credential .*will be sent/.test(await page.locator("#f-credential-note").textContent()), "the form says the JSON's credential will be sent");
    await axe(page, "MCP server form with a pending credential");
    await createAndExpectReview(page, "mcp_server", (c) => {
      check(!("url" in c) || c.url === "sandbox:builtin", `no empty URL was sent: ${JSON.stringify(c.url)}`);
      check(c.tools?.[0]?.approval === "required", `a new tool needs approval by default, got ${c.tools?.[0]?.approval}`);
      check("credential" in c && c.credential !== null, "the credential from the JSON editor was sent (sealed on the server)");
      check(!JSON.stringify(c).includes(`mcp-secret-${s}`), "and the change never shows it in plain text");
    });

    // a credential typed in the form is never shown in the JSON editor, and still sent
    await openForm(page, "provider", `adm-prov2-${s}`);
    await page.locator("#f-kind").selectOption("sandbox");
    await page.locator("#f-models-0-name").fill("sandbox-chat");
    await page.locator("#f-credential").fill(`prov-secret-${s}`);
    await page.getByLabel("Edit the content as JSON (advanced)").check();
    check(!(await page.getByLabel("Content (JSON)").inputValue()).includes(`prov-secret-${s}`), "the typed credential is not in the JSON editor");
    await page.getByTestId("held-secrets").waitFor();
    await createAndExpectReview(page, "provider", (c) => {
      check("credential" in c && c.credential !== null, "the typed credential was sent with the JSON editor's content");
    });
    await page.context().close();
  });

  await step("admin: a change to a live prompt starts from its live content, not from an empty form", async () => {
    const target = `adm-live-${s}`;
    const live = {
      messages: [{ role: "system", content: "Live: you answer about {{product}}." }, { role: "user", content: "Second live message." }],
      variables: { type: "object", required: ["product"], properties: { product: { type: "string" } } },
      route: "sandbox", label: "production", parameters: { temperature: 0.3 },
    };
    const [alice, bob, admin] = [await token("alice"), await token("bob"), await token("admin")];
    const created = await api("POST", "/api/v1/changes", alice, { kind: "prompt", target, content: live, comment: "live prompt for the form" });
    check(created.status === 201, `the live prompt's change is created, got ${created.status} ${created.text}`);
    for (const [who, action] of [[alice, "submit"], [bob, "approve"], [admin, "publish"]]) {
      const r = await api("POST", `/api/v1/changes/${created.json.id}/${action}`, who, { comment: action });
      check(r.status === 200, `the live prompt: ${action} answers 200, got ${r.status} ${r.text}`);
    }
    const page = await newPage("author-live");
    await signIn(page, "alice");
    await page.goto(`${base}/console/changes/new`);
    await page.getByLabel(/^Target/).fill(target);
    await page.getByLabel(/^Target/).press("Tab");
    await page.getByTestId("live-loaded").waitFor();
    check((await page.locator("#f-messages-1-content").inputValue()) === "Second live message.", "the form holds the live messages");
    check(JSON.parse(await page.locator("#f-parameters").inputValue()).temperature === 0.3, "and the live parameters");
    await axe(page, "authoring form with live content loaded");
    await page.locator("#f-messages-1-content").fill("Second message, changed.");
    await createAndExpectReview(page, "prompt", (c) => {
      check(c.messages?.[0]?.content === live.messages[0].content && c.messages?.[1]?.content === "Second message, changed.",
        `the change keeps the live first message and changes the second: ${JSON.stringify(c.messages)}`);
      check(c.parameters?.temperature === 0.3 && c.route === "sandbox", `the live parameters and route stay: ${JSON.stringify(c)}`);
    });
    await page.context().close();
  });

  await step("admin: a change to a live provider or route starts from its live content (the one live-content read)", async () => {
    const live = await api("GET", "/api/v1/changes/live/provider/sandbox", await token("alice"));
    check(live.status === 200, `the live provider reads through the API, got ${live.status} ${live.text}`);
    const page = await newPage("author-live-kinds");
    await signIn(page, "alice");
    await openForm(page, "provider", "sandbox");
    await page.getByTestId("live-loaded").waitFor();
    check((await page.locator("#f-kind").inputValue()) === live.json.content.kind, "the form holds the live provider's kind");
    check((await page.locator("#f-models-0-name").inputValue()) === live.json.content.models[0].name, "and its first model");
    check((await page.locator("#f-credential").inputValue()) === "", "never a credential");
    await axe(page, "provider form with live content loaded");
    const route = await api("GET", "/api/v1/changes/live/route/sandbox", await token("alice"));
    check(route.status === 200, `the live route reads through the API, got ${route.status} ${route.text}`);
    await openForm(page, "route", "sandbox");
    await page.getByTestId("live-loaded").waitFor();
    check((await page.locator("#f-targets-0-provider").inputValue()) === route.json.content.targets[0].provider, "the form holds the live route's first target");
  });

  await step("admin: people without the role see no administration, and 'Not available' at the address", async () => {
    const alice = await newPage("alice-admin");
    await signIn(alice, "alice");
    check((await alice.getByRole("link", { name: "Administration" }).count()) === 0, "no Administration link for an author");
    await alice.goto(`${base}/console/admin/users`);
    await alice.getByRole("heading", { name: "Not available" }).waitFor();
    check((await alice.getByRole("alert").textContent()).includes("tenant's admins"), "it says who may");
    await axe(alice, "administration: not available");
    await alice.context().close();
    const admin = await newPage("admin-tenants");
    await signIn(admin, "admin");
    await admin.goto(`${base}/console/admin/tenants`);
    await admin.getByRole("heading", { name: "Not available" }).waitFor();
    check((await admin.getByRole("alert").textContent()).includes("platform admin"), "tenants are the platform admin's");
    check((await api("GET", "/api/v1/tenants", await token("admin"))).status === 403, "and the server refuses a tenant admin too");
    await admin.context().close();
  });

  // ---- keyboard (issue 21): every administration action is reached with Tab, pressed with Enter or Space,
  // the focus is visible on each control, and after each action it lands where the person continues ----

  /** The focused element, described, and whether its focus is drawn (outline or shadow). */
  async function focusInfo(page) {
    return page.evaluate(() => {
      const a = document.activeElement;
      if (!a || a === document.body) return { what: "(nothing: the page body)", visible: false };
      const cs = getComputedStyle(a);
      const outlined = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0;
      const what = `${a.tagName.toLowerCase()} "${a.getAttribute("aria-label") || a.id || (a.textContent || "").trim().slice(0, 60)}"`;
      return { what, visible: outlined || cs.boxShadow !== "none" };
    });
  }

  async function expectFocusVisible(page, what) {
    const f = await focusInfo(page);
    check(f.visible, `${what}: the focus on ${f.what} is visible`);
  }

  /** Whether target (one element) has the focus; false at once when it is not on the page. */
  async function isFocused(target) {
    return target.evaluateAll((els) => els.length === 1 && els[0] === document.activeElement).catch(() => false);
  }

  /** Tab (then Shift+Tab when not found ahead) until target has the focus; its focus must be visible. */
  async function tabTo(page, target, what, max = 100) {
    await target.waitFor();
    let n = 0;
    for (; n < max && !(await isFocused(target)); n++) await page.keyboard.press("Tab");
    for (let b = 0; b < 2 * max && !(await isFocused(target)); b++, n++) await page.keyboard.press("Shift+Tab");
    check(await isFocused(target), `${what}: reached with Tab (${n} presses), now on ${(await focusInfo(page)).what}`);
    await expectFocusVisible(page, what);
  }

  /** Reaches a field with Tab and types text into it (replacing what it held). */
  async function typeIn(page, target, text, what) {
    await tabTo(page, target, what);
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    if (text !== "") await page.keyboard.type(text);
  }

  /** Reaches a control with Tab and operates it with key (Enter for buttons and links, Space for boxes). */
  async function press(page, target, what, key = "Enter") {
    await tabTo(page, target, what);
    await page.keyboard.press(key);
  }

  /** After an action: the focus lands on target (waits up to 5 s for the page to redraw), visibly. */
  async function focusLandsOn(page, target, what) {
    await target.waitFor({ timeout: 5000 }).catch(() => {});
    for (let i = 0; i < 50 && !(await isFocused(target)); i++) await page.waitForTimeout(100);
    check(await isFocused(target), `${what}: the focus lands there (${await target.count()} such element(s)), got ${(await focusInfo(page)).what}`);
    await expectFocusVisible(page, what);
  }

  const cleanups = [];
  /** Runs (in finally, whatever failed) what undoes this flow's data; each clean-up is checked. */
  async function cleanUp() {
    while (cleanups.length > 0) {
      const [what, fn] = cleanups.pop();
      try {
        await fn();
      } catch (e) {
        check(false, `clean-up ${what}: ${e?.message ?? e}`);
      }
    }
  }

  try {
  await step("admin: the platform admin creates, suspends and resumes a tenant by keyboard", async () => {
    const page = await newPage("platform");
    await signInPlatformAdmin(page);
    await page.getByRole("heading", { name: "Administration" }).waitFor();
    const pagesListed = (await page.getByRole("navigation", { name: "Administration" }).getByRole("link").allTextContents()).join(",");
    check(pagesListed === "Tenants,Egress allow-list,Users and roles,API keys,Limits and budgets,Webhooks",
      `the platform admin's start page lists every page (the server grants it the admin role in its own tenant), got ${pagesListed}`);
    await axe(page, "administration (platform admin's start page)");
    await fitsAt800(page, "administration");
    await press(page, page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Tenants" }), "the Tenants link");
    await page.getByTestId("tenants").waitFor();
    const slug = `adm-t-${s}`;
    const form = page.getByTestId("tenant-form");
    await typeIn(page, form.getByLabel("Slug"), slug, "Slug");
    await typeIn(page, form.getByLabel("Display name"), "Admin flow tenant", "Display name");
    await press(page, page.getByRole("button", { name: "Create tenant" }), "Create tenant");
    const row = page.locator(`tr[data-tenant="${slug}"]`);
    await row.waitFor();
    await focusLandsOn(page, page.getByRole("button", { name: `Suspend ${slug}` }), "after creating a tenant: its row's Suspend");
    await page.keyboard.press("Enter"); // the confirmation is accepted
    await row.locator(".status-suspended").waitFor();
    await focusLandsOn(page, page.getByRole("button", { name: `Resume ${slug}` }), "after suspending: the row's Resume");
    const suspended = (await api("GET", "/api/v1/tenants", await platformToken())).json.find((t) => t.slug === slug);
    check(suspended?.status === "suspended", `the server holds the tenant suspended: ${JSON.stringify(suspended)}`);
    await docShot(page, "admin-tenants");
    await axe(page, "tenants");
    await fitsAt800(page, "tenants");
    await page.keyboard.press("Space");
    await row.locator(".status-active").waitFor();
    await focusLandsOn(page, page.getByRole("button", { name: `Suspend ${slug}` }), "after resuming: the row's Suspend");
  });

  await step("admin: the egress allow-list by keyboard: refused input at its field, a stale save refused, add and remove", async () => {
    const platform = await platformToken();
    const demo = (await api("GET", "/api/v1/tenants", platform)).json.find((t) => t.slug === "demo");
    check(demo, "the demo tenant is listed");
    demoTenantId = demo.id;
    const egressPath = `/api/v1/platform/tenants/${demoTenantId}/egress-allowlist`;
    const dropNotes = async (notes) => {
      const now = await api("GET", egressPath, platform);
      const keep = now.json.entries.filter((e) => !notes.includes(e.note));
      if (keep.length === now.json.entries.length) return;
      const r = await api("PUT", egressPath, platform, { entries: keep });
      check(r.status === 200, `the allow-list is put back, got ${r.status} ${r.text}`);
    };
    cleanups.push(["the e2e egress entries", () => dropNotes([`other admin ${s}`, `e2e webhook sink ${s}`])]);
    const page = await newPage("platform-egress-kbd");
    await signInPlatformAdmin(page);
    await page.goto(`${base}/console/admin/egress?tenant=${demoTenantId}`);
    const form = page.getByTestId("egress-form");
    await form.getByLabel("Destination").waitFor();
    await typeIn(page, form.getByLabel("Destination"), "not a host!!", "Destination");
    await page.keyboard.press("Enter"); // submits the form from its field
    await form.locator(".field-error:not([hidden])").waitFor(); // the server's answer, then where the focus is
    await focusLandsOn(page, form.getByLabel("Destination"), "a refused destination: back at its field");
    check((await form.getByLabel("Destination").getAttribute("aria-invalid")) === "true", "the destination is marked invalid");
    // a port the browser cannot read as a number is named at the field, never taken for "every port"
    await typeIn(page, form.getByLabel("Destination"), "127.0.0.1", "Destination");
    await typeIn(page, form.getByLabel("Port"), "9e", "Port");
    await press(page, page.getByRole("button", { name: "Add entry" }), "Add entry");
    const portErr = form.locator(".field-error:not([hidden])");
    await portErr.waitFor();
    check(/not a number/.test(await portErr.textContent()), `the port's message says so, got ${await portErr.textContent()}`);
    await focusLandsOn(page, form.getByLabel("Port"), "an unreadable port: back at its field");
    check(!(await api("GET", egressPath, platform)).json.entries.some((e) => e.destination === "127.0.0.1" && e.port == null),
      "nothing was saved for every port");
    // another platform admin changes the list after this page read it: the page's save is refused, not applied
    const before = (await api("GET", egressPath, platform)).json.entries;
    const other = await api("PUT", egressPath, platform, { entries: [...before, { destination: `10.77.${parseInt(s.slice(-2), 36) % 250}.0/24`, note: `other admin ${s}` }] });
    check(other.status === 200, `the other admin's change is saved, got ${other.status} ${other.text}`);
    await typeIn(page, form.getByLabel("Port"), "9", "Port");
    await typeIn(page, form.getByLabel("Note"), `e2e webhook sink ${s}`, "Note");
    await press(page, page.getByRole("button", { name: "Add entry" }), "Add entry");
    const stale = page.getByTestId("egress-stale");
    await focusLandsOn(page, stale, "a refused stale save: the refusal");
    check(/changed the allow-list meanwhile/.test(await stale.textContent()) && (await stale.textContent()).includes("added 10.77."), `the refusal says what changed: ${await stale.textContent()}`);
    await page.getByTestId("egress").getByText(`other admin ${s}`).waitFor();
    await axe(page, "egress allow-list with a refused stale save");
    // redone on the list as it is now: both entries stay
    const redo = page.getByTestId("egress-form");
    await typeIn(page, redo.getByLabel("Destination"), "127.0.0.1", "Destination (redo)");
    await typeIn(page, redo.getByLabel("Port"), "9", "Port (redo)");
    await typeIn(page, redo.getByLabel("Note"), `e2e webhook sink ${s}`, "Note (redo)");
    await press(page, page.getByRole("button", { name: "Add entry" }), "Add entry (redo)");
    await page.getByTestId("egress").getByText(`e2e webhook sink ${s}`).waitFor();
    await focusLandsOn(page, page.getByTestId("info"), "after adding: the result message");
    const after = (await api("GET", egressPath, platform)).json.entries;
    check(after.some((e) => e.note === `other admin ${s}`) && after.some((e) => e.note === `e2e webhook sink ${s}`), "both admins' entries are in the list");
    // the other admin's entry is removed on the page, by keyboard (the page's entry stays for the webhook step)
    const otherRow = page.getByTestId("egress").locator("tr").filter({ hasText: `other admin ${s}` });
    await press(page, otherRow.getByRole("button", { name: /^Remove / }), "Remove (the other admin's entry)");
    await otherRow.waitFor({ state: "detached" });
    await focusLandsOn(page, page.getByTestId("info"), "after removing: the result message");
    check(!(await api("GET", egressPath, platform)).json.entries.some((e) => e.note === `other admin ${s}`), "the removal is saved");
    await docShot(page, "admin-egress");
    await axe(page, "egress allow-list");
    await fitsAt800(page, "egress allow-list");
  });

  await step("admin: a tenant admin creates a user, changes the roles, resets the password and deactivates the user, by keyboard", async () => {
    const adminToken = await token("admin");
    const user = `adm-u-${s}`;
    cleanups.push([`deactivating ${user}`, async () => {
      const u = (await api("GET", "/api/v1/users", adminToken)).json.find((x) => x.username === user);
      if (u && u.status !== "disabled") {
        const r = await api("PATCH", `/api/v1/users/${u.id}`, adminToken, { status: "disabled" });
        check(r.status === 200, `${user} is deactivated, got ${r.status}`);
      }
    }]);
    const page = await newPage("users");
    await signIn(page, "admin");
    await press(page, page.getByRole("link", { name: "Administration" }), "the Administration link");
    await press(page, page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Users and roles" }), "Users and roles");
    await page.getByTestId("users").waitFor();
    const form = page.getByTestId("user-form");
    await typeIn(page, form.getByLabel("Username"), user, "Username");
    await typeIn(page, form.getByLabel("Password"), "adm-first-password-1", "Password");
    await typeIn(page, form.getByLabel("Roles"), "wizard", "Roles");
    await page.keyboard.press("Enter");
    const rolesErr = form.locator(".field-error:not([hidden])");
    await rolesErr.waitFor();
    check(/wizard/.test(await rolesErr.textContent()), "the unknown role is named next to Roles");
    await focusLandsOn(page, form.getByLabel("Roles"), "an unknown role: back at Roles");
    await typeIn(page, form.getByLabel("Roles"), "author", "Roles");
    await press(page, page.getByRole("button", { name: "Create user" }), "Create user");
    const row = page.locator(`tr[data-user="${user}"]`);
    await row.waitFor();
    await focusLandsOn(page, row.getByLabel("author"), "after creating a user: the new row's first role box");
    await press(page, row.getByLabel("reviewer"), "the reviewer box", "Space");
    check(await row.getByLabel("reviewer").isChecked(), "Space ticks the reviewer box");
    await press(page, row.getByRole("button", { name: "Save roles" }), "Save roles");
    await page.getByTestId("info").filter({ hasText: "author, reviewer" }).waitFor();
    await focusLandsOn(page, page.getByRole("button", { name: `Save roles of ${user}`, exact: true }), "after saving roles: the row's Save roles");
    const listed = (await api("GET", "/api/v1/users", adminToken)).json.find((u) => u.username === user);
    check(listed && listed.roles.includes("reviewer") && listed.roles.includes("author"), `the server holds both roles: ${JSON.stringify(listed)}`);
    await docShot(page, "admin-users");
    await axe(page, "users");
    await fitsAt800(page, "users");
    const resetButton = page.getByRole("button", { name: `Reset password of ${user}` });
    await press(page, resetButton, "Reset password");
    await focusLandsOn(page, page.getByLabel(`New password for ${user}`), "the reset form opens at its password field");
    check((await resetButton.getAttribute("aria-expanded")) === "true", "Reset password says it is expanded");
    await page.keyboard.type("adm-second-password-2");
    await page.keyboard.press("Enter");
    await page.getByTestId("info").filter({ hasText: "password was reset" }).waitFor();
    await focusLandsOn(page, resetButton, "after the reset: back on Reset password");
    const login = await api("POST", "/api/v1/auth/login", null, { username: user, password: "adm-second-password-2" });
    check(login.status === 200, `the new password works, got ${login.status}`);
    await press(page, page.getByRole("button", { name: `Deactivate ${user}` }), "Deactivate");
    await page.locator(`tr[data-user="${user}"] .status-disabled`).waitFor();
    await focusLandsOn(page, page.getByRole("button", { name: `Reactivate ${user}` }), "after deactivating: the row's Reactivate");
    const refused = await api("POST", "/api/v1/auth/login", null, { username: user, password: "adm-second-password-2" });
    check(refused.status === 401, `a deactivated user cannot sign in (401), got ${refused.status}`);
  });

  await step("admin: the platform admin administers its own tenant's users; saving the role boxes keeps platform-admin", async () => {
    const user = `adm-pa-${s}`;
    cleanups.push([`deactivating ${user}`, async () => {
      const platform = await platformToken();
      const u = (await api("GET", "/api/v1/users", platform)).json.find((x) => x.username === user);
      if (u && u.status !== "disabled") {
        const r = await api("PATCH", `/api/v1/users/${u.id}`, platform, { status: "disabled" });
        check(r.status === 200, `${user} is deactivated, got ${r.status}`);
      }
    }]);
    const page = await newPage("platform-users");
    await signInPlatformAdmin(page);
    await page.goto(`${base}/console/admin/users`);
    await page.getByTestId("users").waitFor();
    const form = page.getByTestId("user-form");
    await typeIn(page, form.getByLabel("Username"), user, "Username");
    await typeIn(page, form.getByLabel("Password"), "adm-platform-password-3", "Password");
    await typeIn(page, form.getByLabel("Roles"), "platform-admin, author", "Roles");
    await page.keyboard.press("Enter");
    const row = page.locator(`tr[data-user="${user}"]`);
    await row.waitFor();
    check((await row.innerText()).includes("platform-admin (kept"), "the row says platform-admin is kept");
    await axe(page, "users (platform admin)");
    await press(page, row.getByLabel("reviewer"), "the reviewer box", "Space");
    await press(page, row.getByRole("button", { name: "Save roles" }), "Save roles");
    await page.getByTestId("info").filter({ hasText: "reviewer" }).waitFor();
    const platform = await platformToken();
    const listed = (await api("GET", "/api/v1/users", platform)).json.find((u) => u.username === user);
    check(listed && ["platform-admin", "author", "reviewer"].every((r) => listed.roles.includes(r)), `the server still holds platform-admin: ${JSON.stringify(listed)}`);
    await press(page, page.locator(`tr[data-user="${user}"]`).getByRole("button", { name: `Deactivate ${user}` }), "Deactivate");
    await page.locator(`tr[data-user="${user}"] .status-disabled`).waitFor();
  });

  await step("admin: an API key by keyboard: its secret shown once and copied, then only its prefix; rotate and revoke", async () => {
    const adminToken = await token("admin");
    const name = `adm-key-${s}`;
    cleanups.push([`revoking ${name}`, async () => {
      for (const k of (await api("GET", "/api/v1/keys", adminToken)).json.filter((x) => x.name === name && x.status !== "revoked")) {
        const r = await api("POST", `/api/v1/keys/${k.id}/revoke`, adminToken);
        check(r.status === 200 || r.status === 204, `${name} is revoked, got ${r.status}`);
      }
    }]);
    const page = await newPage("keys");
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    await signIn(page, "admin");
    await page.goto(`${base}/console/admin/keys`);
    await page.getByTestId("keys").waitFor();
    const form = page.getByTestId("key-form");
    await typeIn(page, form.getByLabel("Name"), name, "Name");
    await typeIn(page, form.getByLabel("Allowed routes"), "sandbox", "Allowed routes");
    // a rate limit the browser cannot read is named at the field, never taken for "no limit"
    await typeIn(page, form.getByLabel("Requests per minute"), "6e", "Requests per minute");
    await press(page, page.getByRole("button", { name: "Create key" }), "Create key");
    const rpmErr = form.locator(".field-error:not([hidden])");
    await rpmErr.waitFor();
    check(/not a number/.test(await rpmErr.textContent()), `the limit's message says so, got ${await rpmErr.textContent()}`);
    check((await form.getByLabel("Requests per minute").getAttribute("aria-invalid")) === "true", "the limit is marked invalid");
    await focusLandsOn(page, form.getByLabel("Requests per minute"), "an unreadable limit: back at its field");
    const keysBefore = (await api("GET", "/api/v1/keys", adminToken)).json;
    check(!keysBefore.some((k) => k.name === name), "no key was created without its limit");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.press("Enter");
    const secretEl = page.getByTestId("key-secret-value");
    await secretEl.waitFor();
    await focusLandsOn(page, page.getByTestId("key-secret").getByRole("heading"), "a new key: the heading of its secret");
    const secret = (await secretEl.textContent()).trim();
    check(secret.startsWith("gh_"), `a key secret is shown, got ${secret.slice(0, 6)}...`);
    check((await page.locator("[aria-live] [data-testid=key-secret-value], [role=status] [data-testid=key-secret-value]").count()) === 0,
      "the secret is not inside a live region (a screen reader would read it all out)");
    await press(page, page.getByRole("button", { name: "Copy key" }), "Copy key");
    const copied = page.getByTestId("key-secret").getByRole("status");
    await copied.filter({ hasText: /\S/ }).waitFor();
    check(/^Copied\.$/.test((await copied.textContent()).trim()), `the copy succeeded, got: ${await copied.textContent()}`);
    check((await page.evaluate(() => navigator.clipboard.readText())) === secret, "the clipboard holds the key");
    check(await isFocused(page.getByRole("button", { name: "Copy key" })), "the focus stays on Copy key");
    await docShot(page, "admin-keys-secret");
    await axe(page, "API keys with the secret shown");
    const works = await fetch(`${base}/v1/models`, { headers: { Authorization: `Bearer ${secret}` } });
    check(works.status === 200, `the new key works, got ${works.status}`);
    await press(page, page.getByRole("button", { name: "I have stored it: hide" }), "I have stored it: hide");
    await page.getByTestId("key-secret").waitFor({ state: "detached" });
    await focusLandsOn(page, page.getByRole("button", { name: `Rotate ${name}` }).first(), "after hiding the secret: the key's Rotate");
    await page.reload();
    await page.getByTestId("keys").waitFor();
    check(!(await page.locator("body").innerText()).includes(secret), "after a reload the secret is nowhere on the page");
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage })
      + [...document.querySelectorAll("input, textarea")].map((i) => i.value).join("|") + document.documentElement.outerHTML);
    check(!stored.includes(secret), "nor in the browser's storage, any input or the page's markup");
    const row = page.locator(`tr[data-key="${name}"]`).first();
    const prefix = (await row.locator("code").textContent()).trim();
    check(prefix.length > 0 && secret.startsWith(prefix), `the row shows the key's prefix ${prefix}`);
    await fitsAt800(page, "API keys");
    await press(page, page.getByRole("button", { name: `Rotate ${name}` }).first(), "Rotate");
    await secretEl.waitFor();
    await focusLandsOn(page, page.getByTestId("key-secret").getByRole("heading"), "a rotated key: the heading of its successor's secret");
    const successor = (await secretEl.textContent()).trim();
    check(successor.startsWith("gh_") && successor !== secret, "rotation shows the successor's secret once");
    await press(page, page.getByRole("button", { name: "I have stored it: hide" }), "I have stored it: hide");
    const successorRow = page.locator(`tr[data-key="${name}"]`).filter({ hasText: "successor" });
    await press(page, successorRow.getByRole("button", { name: `Revoke ${name}` }), "Revoke (the successor)");
    await successorRow.locator(".status-revoked").waitFor();
    await focusLandsOn(page, page.getByTestId("info"), "after revoking: the result message (the row has no actions left)");
    let goneStatus = 0;
    for (let i = 0; i < 10 && goneStatus !== 401; i++) {
      if (i > 0) await page.waitForTimeout(300);
      goneStatus = (await fetch(`${base}/v1/models`, { headers: { Authorization: `Bearer ${successor}` } })).status;
    }
    check(goneStatus === 401, `a revoked key is refused, got ${goneStatus}`);
  });

  await step("admin: limits, budgets and the test-call switch by keyboard; a test call while off says why; the limits are restored", async () => {
    const adminToken = await token("admin");
    const before = (await api("GET", "/api/v1/limits", adminToken)).json;
    check(before && typeof before.testCallsEnabled === "boolean", `the limits read before the step: ${JSON.stringify(before)}`);
    try {
    const page = await newPage("limits");
    await signIn(page, "admin");
    await page.goto(`${base}/console/admin/limits`);
    await page.getByTestId("budget").waitFor();
    const form = page.getByTestId("limits-form");
    await typeIn(page, form.getByLabel("Requests per minute"), "0", "Requests per minute");
    await page.keyboard.press("Enter");
    const err = form.locator(".field-error:not([hidden])");
    await err.waitFor();
    check(/positive/.test(await err.textContent()), "the server's message stands next to Requests per minute");
    check((await form.getByLabel("Requests per minute").getAttribute("aria-invalid")) === "true", "the field is marked invalid");
    await focusLandsOn(page, form.getByLabel("Requests per minute"), "a refused limit: back at its field");
    await typeIn(page, form.getByLabel("Requests per minute"), before.rpmLimit == null ? "" : String(before.rpmLimit), "Requests per minute");
    await typeIn(page, form.getByLabel("Daily budget"), "1000.5", "Daily budget");
    const switchBox = form.getByLabel("People may make test calls through drafts");
    check(await switchBox.isChecked(), "test calls are on to begin with");
    await press(page, switchBox, "the test-call switch", "Space");
    check(!(await switchBox.isChecked()), "Space turns the switch off");
    await typeIn(page, form.getByLabel("Test calls per person per minute"), "5", "Test calls per person per minute");
    await typeIn(page, form.getByLabel("Evaluation share (percent)"), "20", "Evaluation share (percent)");
    const save = page.getByRole("button", { name: "Save limits" });
    await press(page, save, "Save limits");
    await page.getByTestId("info").waitFor();
    check(await isFocused(save), "after saving the focus stays on Save limits (the result is announced)");
    await expectFocusVisible(page, "Save limits after saving");
    const after = (await api("GET", "/api/v1/limits", adminToken)).json;
    check(after.dailyBudgetMicros === 1_000_500_000, `the daily budget is 1000.5 units in micros, got ${after.dailyBudgetMicros}`);
    check(after.testCallsEnabled === false && after.testCallsPerPersonPerMinute === 5, `the test-call switch and rate are saved: ${JSON.stringify(after)}`);
    check(after.evaluationSharePercent === 20, `the evaluation share is saved: ${JSON.stringify(after)}`);
    await page.getByTestId("budget").getByText("1000.5").first().waitFor();
    await docShot(page, "admin-limits");
    await axe(page, "limits and budgets");
    await fitsAt800(page, "limits and budgets");

    // off: the change page's test call is refused and says why
    const alice = await token("alice");
    const draft = await api("POST", "/api/v1/changes", alice, {
      kind: "prompt", target: `adm-off-${s}`, comment: "test calls off",
      content: { messages: [{ role: "system", content: "Off test." }, { role: "user", content: "Hello?" }], route: "sandbox" },
    });
    check(draft.status === 201, `a draft is created, got ${draft.status} ${draft.text}`);
    cleanups.push(["withdrawing the test-call draft", async () => {
      const r = await api("POST", `/api/v1/changes/${draft.json.id}/withdraw`, alice, { comment: "e2e clean-up" });
      check(r.status === 200, `the draft is withdrawn, got ${r.status} ${r.text}`);
    }]);
    const refused = await api("POST", `/api/v1/changes/${draft.json.id}/test-call`, alice, { messages: [{ role: "user", content: "hi" }] });
    check(refused.status === 403 && refused.json?.code === "test_calls_disabled", `the server refuses the test call (403 test_calls_disabled), got ${refused.status} ${refused.text}`);
    const cp = await newPage("testcall-off");
    await signIn(cp, "alice");
    await cp.goto(`${base}/console/changes/${draft.json.id}`);
    await typeIn(cp, cp.getByLabel(/^User message/), "Are test calls on?", "User message");
    const run = cp.getByRole("button", { name: "Send the test call" });
    await press(cp, run, "Send the test call");
    const off = cp.getByTestId("testcall-off");
    await focusLandsOn(cp, off, "a test call while they are off: the reason");
    check(/turned off for this tenant/.test(await off.textContent()), `the reason is said: ${await off.textContent()}`);
    check(await run.isDisabled(), "the button stays off");
    check(((await run.getAttribute("aria-describedby")) ?? "") === (await off.getAttribute("id")), "and is described by the reason");
    await axe(cp, "change page with test calls turned off");
    } finally {
      // checked: the tenant's limits (and its test-call switch) are as before the step, whatever failed
      // a field left out of a PUT keeps its value (the later fields): the read omits the nulls, so
      // they are sent as null to put the platform defaults back
      const r = await api("PUT", "/api/v1/limits", adminToken, { testCallsPerPersonPerMinute: null, evaluationSharePercent: null, ...before });
      check(r.status === 200, `the limits are put back, got ${r.status} ${r.text}`);
      const now = (await api("GET", "/api/v1/limits", adminToken)).json;
      check(JSON.stringify(now) === JSON.stringify(before), `the limits are as before: ${JSON.stringify(now)} vs ${JSON.stringify(before)}`);
    }
  });

  await step("admin: a webhook by keyboard: added (its secret shown once), a change's delivery listed, the webhook deactivated", async () => {
    check(demoTenantId, "the egress step found the demo tenant");
    const adminToken = await token("admin");
    cleanups.push([`deactivating the webhook ${hookUrl}`, async () => {
      const w = ((await api("GET", "/api/v1/webhooks", adminToken)).json?.data ?? []).find((x) => x.url === hookUrl && x.active);
      if (w) {
        const r = await api("DELETE", `/api/v1/webhooks/${w.id}`, adminToken);
        check(r.status === 200 || r.status === 204, `the webhook is deactivated, got ${r.status}`);
      }
    }]);
    const page = await newPage("webhooks");
    await signIn(page, "admin");
    await page.goto(`${base}/console/admin/webhooks`);
    await page.getByTestId("webhooks").waitFor();
    const form = page.getByTestId("webhook-form");
    await typeIn(page, form.getByLabel("URL"), "ftp://127.0.0.1/x", "URL");
    await page.keyboard.press("Enter");
    const err = form.locator(".field-error:not([hidden])");
    await err.waitFor();
    check(/url/i.test(await err.textContent()), "the refusal stands next to URL");
    check((await form.getByLabel("URL").getAttribute("aria-invalid")) === "true", "the URL field is the one marked invalid");
    await focusLandsOn(page, form.getByLabel("URL"), "a refused URL: back at its field");
    await typeIn(page, form.getByLabel("URL"), hookUrl, "URL");
    await typeIn(page, form.getByLabel("Description"), "e2e sink", "Description");
    await press(page, page.getByRole("button", { name: "Add webhook" }), "Add webhook");
    await page.getByTestId("webhook-secret").waitFor();
    await focusLandsOn(page, page.getByTestId("webhook-secret").getByRole("heading"), "a new webhook: the heading of its secret");
    await page.locator(`tr[data-webhook="${hookUrl}"]`).waitFor();
    // a change submitted now is delivered (or tried) to the endpoint
    const alice = await token("alice");
    const created = await api("POST", "/api/v1/changes", alice, {
      kind: "prompt", target: `adm-hook-${s}`, comment: "webhook delivery",
      content: { messages: [{ role: "system", content: "Hook test." }], route: "sandbox" },
    });
    check(created.status === 201, `a change is created, got ${created.status} ${created.text}`);
    check((await api("POST", `/api/v1/changes/${created.json.id}/submit`, alice, {})).status === 200, "and submitted");
    const hook = ((await api("GET", "/api/v1/webhooks", adminToken)).json?.data ?? []).find((x) => x.url === hookUrl);
    check(hook, "the webhook is listed by the API");
    let delivered = false;
    for (let i = 0; i < 20 && !delivered; i++) {
      if (i > 0) await page.waitForTimeout(500);
      const d = await api("GET", `/api/v1/webhooks/${hook.id}/deliveries`, adminToken);
      delivered = (d.json?.data ?? []).some((x) => x.changeId === created.json.id);
    }
    check(delivered, "the server lists the change's delivery");
    await press(page, page.getByRole("button", { name: "I have stored it: hide" }), "I have stored it: hide");
    const deliveriesButton = page.getByRole("button", { name: `Deliveries to ${hookUrl}` });
    await focusLandsOn(page, deliveriesButton, "after hiding the secret: the webhook's Deliveries");
    await page.keyboard.press("Enter");
    await page.getByTestId("deliveries").waitFor();
    await focusLandsOn(page, page.locator("#deliveries-title"), "the deliveries: their heading");
    check((await page.getByTestId("deliveries").innerText()).includes(created.json.id.slice(0, 8)), "the change's delivery is listed");
    await docShot(page, "admin-webhooks");
    await axe(page, "webhooks and deliveries");
    await fitsAt800(page, "webhooks");
    await press(page, page.getByRole("button", { name: `Deactivate ${hookUrl}` }), "Deactivate (webhook)");
    await page.locator(`tr[data-webhook="${hookUrl}"] .status-inactive`).waitFor();
    await focusLandsOn(page, page.getByTestId("info"), "after deactivating: the result message");
  });

  await step("admin: the platform admin removes the egress entry again, by keyboard", async () => {
    check(demoTenantId, "the egress step found the demo tenant");
    const page = await newPage("platform-egress");
    await signInPlatformAdmin(page);
    await page.goto(`${base}/console/admin/egress?tenant=${demoTenantId}`);
    const row = page.getByTestId("egress").locator("tr").filter({ hasText: `e2e webhook sink ${s}` });
    await row.waitFor();
    await press(page, row.getByRole("button", { name: /^Remove / }), "Remove");
    await row.waitFor({ state: "detached" });
    await focusLandsOn(page, page.getByTestId("info"), "after removing: the result message");
    check((await page.getByTestId("egress").getByText(`e2e webhook sink ${s}`).count()) === 0, "the entry is gone");
  });
  } finally {
    await step("admin: clean-up (runs whatever failed before): egress entries, users, keys, limits, webhook", cleanUp);
  }
}
