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
    // no read API for providers: the form says that the change replaces the whole provider
    await page.getByTestId("replaces-whole").waitFor();
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

  await step("admin: the platform admin creates, suspends and resumes a tenant and adds an egress allow-list entry", async () => {
    const page = await newPage("platform");
    await signInPlatformAdmin(page);
    await page.getByRole("heading", { name: "Administration" }).waitFor();
    const pagesListed = (await page.getByRole("navigation", { name: "Administration" }).getByRole("link").allTextContents()).join(",");
    check(pagesListed === "Tenants,Egress allow-list,Users and roles,API keys,Limits and budgets,Webhooks",
      `the platform admin's start page lists every page (the server grants it the admin role in its own tenant), got ${pagesListed}`);
    await axe(page, "administration (platform admin's start page)");
    await fitsAt800(page, "administration");
    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Tenants" }).click();
    await page.getByTestId("tenants").waitFor();
    const slug = `adm-t-${s}`;
    await page.getByLabel("Slug").fill(slug);
    await page.getByLabel("Display name").fill("Admin flow tenant");
    await page.getByRole("button", { name: "Create tenant" }).click();
    const row = page.locator(`tr[data-tenant="${slug}"]`);
    await row.waitFor();
    await page.getByRole("button", { name: `Suspend ${slug}` }).click();
    await row.locator(".status-suspended").waitFor();
    await docShot(page, "admin-tenants");
    await axe(page, "tenants");
    await fitsAt800(page, "tenants");
    await page.getByRole("button", { name: `Resume ${slug}` }).click();
    await row.locator(".status-active").waitFor();

    await page.getByRole("link", { name: "Egress allow-list of demo", exact: true }).click();
    await page.getByLabel("Destination").waitFor();
    demoTenantId = new URL(page.url()).searchParams.get("tenant");
    await page.getByLabel("Destination").fill("not a host!!");
    await page.getByRole("button", { name: "Add entry" }).click();
    const err = page.getByTestId("egress-form").locator(".field-error").first();
    await err.waitFor({ state: "visible" });
    check((await page.getByLabel("Destination").getAttribute("aria-invalid")) === "true", "the destination is marked invalid");
    // a port the browser cannot read as a number is named at the field, never taken for "every port"
    await page.getByLabel("Destination").fill("127.0.0.1");
    await page.getByLabel("Port").focus();
    await page.keyboard.type("9e");
    await page.getByRole("button", { name: "Add entry" }).click();
    const portErr = page.getByTestId("egress-form").locator(".field-error:not([hidden])");
    await portErr.waitFor();
    check(/not a number/.test(await portErr.textContent()), `the port's message says so, got ${await portErr.textContent()}`);
    check((await page.getByLabel("Port").getAttribute("aria-invalid")) === "true", "the port is marked invalid");
    const platform = await platformToken();
    const egressPath = `/api/v1/platform/tenants/${demoTenantId}/egress-allowlist`;
    check(!(await api("GET", egressPath, platform)).json.entries.some((e) => e.destination === "127.0.0.1" && e.port == null),
      "nothing was saved for every port");
    // another platform admin changes the list after this page read it: the page's save is refused, not applied
    const before = (await api("GET", egressPath, platform)).json.entries;
    const other = await api("PUT", egressPath, platform, { entries: [...before, { destination: `10.77.${parseInt(s.slice(-2), 36) % 250}.0/24`, note: `other admin ${s}` }] });
    check(other.status === 200, `the other admin's change is saved, got ${other.status} ${other.text}`);
    await page.getByLabel("Port").fill("9");
    await page.getByLabel("Note").fill(`e2e webhook sink ${s}`);
    await page.getByRole("button", { name: "Add entry" }).click();
    const stale = page.getByTestId("egress-stale");
    await stale.waitFor();
    check(/changed the allow-list meanwhile/.test(await stale.textContent()) && (await stale.textContent()).includes("added 10.77."), `the refusal says what changed: ${await stale.textContent()}`);
    await page.getByTestId("egress").getByText(`other admin ${s}`).waitFor();
    await axe(page, "egress allow-list with a refused stale save");
    // redone on the list as it is now: both entries stay
    await page.getByLabel("Destination").fill("127.0.0.1");
    await page.getByLabel("Port").fill("9");
    await page.getByLabel("Note").fill(`e2e webhook sink ${s}`);
    await page.getByRole("button", { name: "Add entry" }).click();
    await page.getByTestId("egress").getByText(`e2e webhook sink ${s}`).waitFor();
    const after = (await api("GET", egressPath, platform)).json.entries;
    check(after.some((e) => e.note === `other admin ${s}`) && after.some((e) => e.note === `e2e webhook sink ${s}`), "both admins' entries are in the list");
    // the other admin's entry is removed again through the API (the page's entry stays for the webhook step)
    await api("PUT", egressPath, platform, { entries: after.filter((e) => e.note !== `other admin ${s}`) });
    await docShot(page, "admin-egress");
    await axe(page, "egress allow-list");
    await fitsAt800(page, "egress allow-list");
    await page.context().close();
  });

  await step("admin: a tenant admin creates a user, changes the roles, resets the password and deactivates the user", async () => {
    const page = await newPage("users");
    await signIn(page, "admin");
    await page.getByRole("link", { name: "Administration" }).click();
    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Users and roles" }).click();
    await page.getByTestId("users").waitFor();
    const user = `adm-u-${s}`;
    const form = page.getByTestId("user-form");
    await form.getByLabel("Username").fill(user);
    await form.getByLabel("Password").fill("adm-first-password-1");
    await form.getByLabel("Roles").fill("wizard");
    await page.getByRole("button", { name: "Create user" }).click();
    const rolesErr = form.locator(".field-error:not([hidden])");
    await rolesErr.waitFor();
    check(/wizard/.test(await rolesErr.textContent()), "the unknown role is named next to Roles");
    await form.getByLabel("Roles").fill("author");
    await page.getByRole("button", { name: "Create user" }).click();
    const row = page.locator(`tr[data-user="${user}"]`);
    await row.waitFor();
    await row.getByLabel("reviewer").check();
    await row.getByRole("button", { name: "Save roles" }).click();
    await page.getByTestId("info").filter({ hasText: "author, reviewer" }).waitFor();
    const adminToken = await token("admin");
    const listed = (await api("GET", "/api/v1/users", adminToken)).json.find((u) => u.username === user);
    check(listed && listed.roles.includes("reviewer") && listed.roles.includes("author"), `the server holds both roles: ${JSON.stringify(listed)}`);
    await docShot(page, "admin-users");
    await axe(page, "users");
    await fitsAt800(page, "users");
    await page.locator(`tr[data-user="${user}"]`).getByRole("button", { name: `Reset password of ${user}` }).click();
    await page.getByLabel(`New password for ${user}`).fill("adm-second-password-2");
    await page.getByLabel(`New password for ${user}`).press("Enter");
    await page.getByTestId("info").filter({ hasText: "password was reset" }).waitFor();
    const login = await api("POST", "/api/v1/auth/login", null, { username: user, password: "adm-second-password-2" });
    check(login.status === 200, `the new password works, got ${login.status}`);
    await page.getByRole("button", { name: `Deactivate ${user}` }).click();
    await page.locator(`tr[data-user="${user}"] .status-disabled`).waitFor();
    const refused = await api("POST", "/api/v1/auth/login", null, { username: user, password: "adm-second-password-2" });
    check(refused.status === 401, `a deactivated user cannot sign in (401), got ${refused.status}`);
    await page.context().close();
  });

  await step("admin: the platform admin administers its own tenant's users; saving the role boxes keeps platform-admin", async () => {
    const page = await newPage("platform-users");
    await signInPlatformAdmin(page);
    await page.goto(`${base}/console/admin/users`);
    await page.getByTestId("users").waitFor();
    const user = `adm-pa-${s}`;
    const form = page.getByTestId("user-form");
    await form.getByLabel("Username").fill(user);
    await form.getByLabel("Password").fill("adm-platform-password-3");
    await form.getByLabel("Roles").fill("platform-admin, author");
    await page.getByRole("button", { name: "Create user" }).click();
    const row = page.locator(`tr[data-user="${user}"]`);
    await row.waitFor();
    check((await row.innerText()).includes("platform-admin (kept"), "the row says platform-admin is kept");
    await axe(page, "users (platform admin)");
    await row.getByLabel("reviewer").check();
    await row.getByRole("button", { name: "Save roles" }).click();
    await page.getByTestId("info").filter({ hasText: "reviewer" }).waitFor();
    const platform = await platformToken();
    const listed = (await api("GET", "/api/v1/users", platform)).json.find((u) => u.username === user);
    check(listed && ["platform-admin", "author", "reviewer"].every((r) => listed.roles.includes(r)), `the server still holds platform-admin: ${JSON.stringify(listed)}`);
    await page.locator(`tr[data-user="${user}"]`).getByRole("button", { name: `Deactivate ${user}` }).click();
    await page.locator(`tr[data-user="${user}"] .status-disabled`).waitFor();
    await page.context().close();
  });

  await step("admin: an API key's secret is shown once with a copy button, then only its prefix; rotate and revoke", async () => {
    const page = await newPage("keys");
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    await signIn(page, "admin");
    await page.goto(`${base}/console/admin/keys`);
    await page.getByTestId("keys").waitFor();
    const name = `adm-key-${s}`;
    const form = page.getByTestId("key-form");
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Allowed routes").fill("sandbox");
    // a rate limit the browser cannot read is named at the field, never taken for "no limit"
    await form.getByLabel("Requests per minute").focus();
    await page.keyboard.type("6e");
    await page.getByRole("button", { name: "Create key" }).click();
    const rpmErr = form.locator(".field-error:not([hidden])");
    await rpmErr.waitFor();
    check(/not a number/.test(await rpmErr.textContent()), `the limit's message says so, got ${await rpmErr.textContent()}`);
    check((await form.getByLabel("Requests per minute").getAttribute("aria-invalid")) === "true", "the limit is marked invalid");
    const keysBefore = (await api("GET", "/api/v1/keys", await token("admin"))).json;
    check(!keysBefore.some((k) => k.name === name), "no key was created without its limit");
    await form.getByLabel("Requests per minute").fill("");
    await page.getByRole("button", { name: "Create key" }).click();
    const secretEl = page.getByTestId("key-secret-value");
    await secretEl.waitFor();
    const secret = (await secretEl.textContent()).trim();
    check(secret.startsWith("gh_"), `a key secret is shown, got ${secret.slice(0, 6)}...`);
    check((await page.locator("[aria-live] [data-testid=key-secret-value], [role=status] [data-testid=key-secret-value]").count()) === 0,
      "the secret is not inside a live region (a screen reader would read it all out)");
    await page.getByRole("button", { name: "Copy key" }).click();
    const copied = page.getByTestId("key-secret").getByRole("status");
    await copied.filter({ hasText: /\S/ }).waitFor();
    check(/^Copied\.$/.test((await copied.textContent()).trim()), `the copy succeeded, got: ${await copied.textContent()}`);
    check((await page.evaluate(() => navigator.clipboard.readText())) === secret, "the clipboard holds the key");
    await docShot(page, "admin-keys-secret");
    await axe(page, "API keys with the secret shown");
    const works = await fetch(`${base}/v1/models`, { headers: { Authorization: `Bearer ${secret}` } });
    check(works.status === 200, `the new key works, got ${works.status}`);
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
    await page.getByRole("button", { name: `Rotate ${name}` }).first().click();
    await secretEl.waitFor();
    const successor = (await secretEl.textContent()).trim();
    check(successor.startsWith("gh_") && successor !== secret, "rotation shows the successor's secret once");
    await page.getByRole("button", { name: "I have stored it: hide" }).click();
    const successorRow = page.locator(`tr[data-key="${name}"]`).filter({ hasText: "successor" });
    await successorRow.getByRole("button", { name: `Revoke ${name}` }).click();
    await successorRow.locator(".status-revoked").waitFor();
    let goneStatus = 0;
    for (let i = 0; i < 10 && goneStatus !== 401; i++) {
      if (i > 0) await page.waitForTimeout(300);
      goneStatus = (await fetch(`${base}/v1/models`, { headers: { Authorization: `Bearer ${successor}` } })).status;
    }
    check(goneStatus === 401, `a revoked key is refused, got ${goneStatus}`);
    await page.context().close();
  });

  await step("admin: limits and budgets, with the server's message at the field", async () => {
    const adminToken = await token("admin");
    const before = (await api("GET", "/api/v1/limits", adminToken)).json;
    const page = await newPage("limits");
    await signIn(page, "admin");
    try {
      await page.goto(`${base}/console/admin/limits`);
      await page.getByTestId("budget").waitFor();
      const form = page.getByTestId("limits-form");
      await form.getByLabel("Requests per minute").fill("0");
      await page.getByRole("button", { name: "Save limits" }).click();
      const err = form.locator(".field-error:not([hidden])");
      await err.waitFor();
      check(/positive/.test(await err.textContent()), "the server's message stands next to Requests per minute");
      check((await form.getByLabel("Requests per minute").getAttribute("aria-invalid")) === "true", "the field is marked invalid");
      await form.getByLabel("Requests per minute").fill(before.rpmLimit == null ? "" : String(before.rpmLimit));
      await form.getByLabel("Daily budget").fill("1000.5");
      await page.getByRole("button", { name: "Save limits" }).click();
      await page.getByTestId("info").waitFor();
      const after = (await api("GET", "/api/v1/limits", adminToken)).json;
      check(after.dailyBudgetMicros === 1_000_500_000, `the daily budget is 1000.5 units in micros, got ${after.dailyBudgetMicros}`);
      await page.getByTestId("budget").getByText("1000.5").first().waitFor();
      await docShot(page, "admin-limits");
      await axe(page, "limits and budgets");
      await fitsAt800(page, "limits and budgets");
    } finally {
      await api("PUT", "/api/v1/limits", adminToken, before);
    }
    await page.context().close();
  });

  await step("admin: a webhook is added (its secret shown once), a change's delivery is listed, the webhook deactivated", async () => {
    check(demoTenantId, "the egress step found the demo tenant");
    const page = await newPage("webhooks");
    await signIn(page, "admin");
    await page.goto(`${base}/console/admin/webhooks`);
    await page.getByTestId("webhooks").waitFor();
    const form = page.getByTestId("webhook-form");
    await form.getByLabel("URL").fill("ftp://127.0.0.1/x");
    await page.getByRole("button", { name: "Add webhook" }).click();
    const err = form.locator(".field-error:not([hidden])");
    await err.waitFor();
    check(/url/i.test(await err.textContent()), "the refusal stands next to URL");
    check((await form.getByLabel("URL").getAttribute("aria-invalid")) === "true", "the URL field is the one marked invalid");
    await form.getByLabel("URL").fill(hookUrl);
    await form.getByLabel("Description").fill("e2e sink");
    await page.getByRole("button", { name: "Add webhook" }).click();
    await page.getByTestId("webhook-secret").waitFor();
    await page.locator(`tr[data-webhook="${hookUrl}"]`).waitFor();
    // a change submitted now is delivered (or tried) to the endpoint
    const alice = await token("alice");
    const created = await api("POST", "/api/v1/changes", alice, {
      kind: "prompt", target: `adm-hook-${s}`, comment: "webhook delivery",
      content: { messages: [{ role: "system", content: "Hook test." }], route: "sandbox" },
    });
    check(created.status === 201, `a change is created, got ${created.status} ${created.text}`);
    check((await api("POST", `/api/v1/changes/${created.json.id}/submit`, alice, {})).status === 200, "and submitted");
    let found = false;
    for (let i = 0; i < 20 && !found; i++) {
      await page.getByRole("button", { name: `Deliveries to ${hookUrl}` }).click();
      await page.getByTestId("deliveries").waitFor();
      found = (await page.getByTestId("deliveries").innerText()).includes(created.json.id.slice(0, 8));
      if (!found) await page.waitForTimeout(500);
    }
    check(found, "the change's delivery is listed");
    await docShot(page, "admin-webhooks");
    await axe(page, "webhooks and deliveries");
    await fitsAt800(page, "webhooks");
    await page.getByRole("button", { name: `Deactivate ${hookUrl}` }).click();
    await page.locator(`tr[data-webhook="${hookUrl}"] .status-inactive`).waitFor();
    await page.context().close();
  });

  await step("admin: the platform admin removes the egress entry again", async () => {
    check(demoTenantId, "the egress step found the demo tenant");
    const page = await newPage("platform-egress");
    await signInPlatformAdmin(page);
    await page.goto(`${base}/console/admin/egress?tenant=${demoTenantId}`);
    const row = page.getByTestId("egress").locator("tr").filter({ hasText: `e2e webhook sink ${s}` });
    await row.waitFor();
    await row.getByRole("button", { name: /^Remove / }).click();
    await page.getByTestId("info").waitFor();
    check((await page.getByTestId("egress").getByText(`e2e webhook sink ${s}`).count()) === 0, "the entry is gone");
    await page.context().close();
  });
}
