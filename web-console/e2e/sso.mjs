// Single sign-on and sessions that survive a review (issue 21), against a Gatehouse instance that
// ConsoleBrowserIT starts for this module: configured for a stand-in OpenID Connect provider in the
// test JVM (CONSOLE_SSO_IDP) and with 20-second access tokens (CONSOLE_SSO_BASE). The provider
// approves its test user at once (groups sso-reviewers: a reviewer of tenant demo).
//   OIDC sign-in; a typed comment kept and sent after the token's lifetime has long passed; sign-out
//   that revokes the session and ends the provider's session; an admin ending the person's sessions from the
//   users page (keyboard), after which the session renews nothing and its access token is refused.
export default async function sso(ctx) {
  const { step, check, newPage, axe, fitsAt800, shot, docShot, password } = ctx;
  const base = (process.env.CONSOLE_SSO_BASE ?? "").replace(/\/+$/, "");
  const idp = (process.env.CONSOLE_SSO_IDP ?? "").replace(/\/+$/, "");
  const ttl = Number(process.env.CONSOLE_SSO_TOKEN_TTL ?? "20");
  const suffix = Date.now().toString(36);

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

  async function signInWithProvider(page, via = "click") {
    await page.goto(`${base}/console/`);
    const start = page.getByRole("link", { name: "Sign in with Stand-in IdP" });
    await start.waitFor();
    if (via === "keyboard") {
      // the username field has the focus; the provider's link is just before it
      await page.getByLabel("Username").focus();
      await page.keyboard.press("Shift+Tab");
      check(await start.evaluate((e) => e === document.activeElement), "Shift+Tab from the username reaches the provider's link");
      await page.keyboard.press("Enter");
    } else {
      await start.click();
    }
    await page.getByTestId("who").waitFor();
    check((await page.getByTestId("who").textContent()).includes("erika"), "the header names the provider's user");
    check(!page.url().includes("login_code"), `the login code is gone from the address, got ${page.url()}`);
  }

  const storedToken = (page) => page.evaluate(() => sessionStorage.getItem("gatehouse.console.token"));

  await step("sso: the sign-in page offers the provider (only where it is configured)", async () => {
    check(base !== "" && idp !== "", "CONSOLE_SSO_BASE and CONSOLE_SSO_IDP are set (ConsoleBrowserIT starts them)");
    const page = await newPage("sso-login");
    await page.goto(`${base}/console/`);
    const start = page.getByRole("link", { name: "Sign in with Stand-in IdP" });
    await start.waitFor();
    check((await page.getByLabel("Username").count()) === 1, "the password form stays as the fallback");
    await shot(page, "sso-01-login");
    await docShot(page, "sso-login");
    await axe(page, "sign-in with single sign-on");
    await fitsAt800(page, "sign-in with single sign-on");
    // the shared test server has no provider: no such link there
    const plain = await newPage("plain-login");
    await plain.goto(`${ctx.base}/console/`);
    await plain.getByLabel("Username").waitFor();
    await plain.waitForTimeout(300);
    check((await plain.getByRole("link", { name: /Sign in with/ }).count()) === 0, "no single sign-on where none is configured");
  });

  await step("sso: sign-in through the provider, and a refused one explains itself", async () => {
    const page = await newPage("sso-signin");
    await signInWithProvider(page, "keyboard");
    const me = await page.evaluate(async () => {
      const t = sessionStorage.getItem("gatehouse.console.token");
      const r = await fetch("/api/v1/me", { headers: { Authorization: `Bearer ${t}` } });
      return r.json();
    });
    check(me.userId === "oidc:stand-in|erika" && me.roles.join() === "reviewer", `signed in as the mapped reviewer, got ${JSON.stringify(me)}`);
    check(!(await page.evaluate(() => document.cookie)).includes("gh_refresh"), "the refresh cookie is not readable by script");
    // a callback replayed in the browser (the state is good once) lands on the sign-in page with a sentence
    const bad = await newPage("sso-bad-state");
    await bad.goto(`${base}/api/v1/auth/oidc/callback?code=x&state=not-a-state`);
    await bad.getByRole("alert").waitFor();
    check(/already used|expired|another browser/.test(await bad.getByRole("alert").textContent()), "the refusal is explained");
    await axe(bad, "sign-in after a refused single sign-on");
  });

  await step("sso: a typed comment survives the access token's lifetime and is sent", async () => {
    const alice = (await api("POST", "/api/v1/auth/login", null, { username: "alice", password })).json.access_token;
    check(alice, "alice signs in on the SSO instance");
    const created = await api("POST", "/api/v1/changes", alice, {
      kind: "prompt",
      target: `e2e-sso-${suffix}`,
      content: {
        messages: [{ role: "system", content: "You answer questions about {{product}}." }],
        variables: { type: "object", required: ["product"], properties: { product: { type: "string" } } },
        route: "sandbox",
        label: "production",
      },
      comment: "for the long review",
    });
    check(created.status === 201, `create answers 201, got ${created.status} ${created.text}`);
    const id = created.json.id;
    check((await api("POST", `/api/v1/changes/${id}/submit`, alice, { comment: "please" })).status === 200, "submit");

    const page = await newPage("sso-long-review");
    await signInWithProvider(page);
    const first = await storedToken(page);
    await page.goto(`${base}/console/changes/${id}`);
    const comment = page.getByLabel("Comment", { exact: true });
    await comment.waitFor();
    const text = `Read every line; fine by me (${suffix}).`;
    await comment.pressSequentially(text.slice(0, 12));
    // the reviewer reads for longer than the token lives (plus the verifier's 30 s of clock skew)
    await page.waitForTimeout((ttl + 35) * 1000);
    await comment.pressSequentially(text.slice(12));
    check((await comment.inputValue()) === text, "what was typed is all there");
    const now = await storedToken(page);
    check(now && now !== first, "the console renewed its access token on its own");
    const old = await api("GET", "/api/v1/me", first);
    check(old.status === 401, `the first access token has run out by now, got ${old.status}`);
    // and the token the tab holds now stops working before the click (revoked by its jti, the
    // session itself untouched): the approval is answered 401, renewed, and sent again
    const revoked = await api("POST", "/api/v1/auth/logout", now);
    check(revoked.status === 204, `the tab's current token is revoked, got ${revoked.status} ${revoked.text}`);
    await page.locator('button[data-action="approve"]').click();
    await page.getByTestId("info").waitFor();
    check((await page.locator(".toolbar [data-state]").getAttribute("data-state")) === "approved", "the approval went through");
    check((await page.locator("main").innerText()).includes(text), "the comment is kept with the change");
    const after401 = await storedToken(page);
    check(after401 !== now, "the 401 was answered by a renewal, not by signing out");
    check((await page.getByTestId("who").textContent()).includes("erika"), "still signed in");
    await shot(page, "sso-02-approved-after-renewal");
    await docShot(page, "sso-review-renewed");
  });

  await step("sso: sign-out revokes the session and ends the provider's session", async () => {
    const page = await newPage("sso-signout");
    await signInWithProvider(page);
    const before = await (await fetch(`${idp}/test/end-sessions`)).json();
    // the refresh token as the browser holds it (HttpOnly: only the test can read it)
    const held = (await page.context().cookies()).find((c) => c.name === "gh_refresh");
    check(held && held.httpOnly && held.secure && held.sameSite === "Strict" && held.path === "/api/v1/auth", `the refresh cookie is HttpOnly, Secure, SameSite=Strict on /api/v1/auth: ${JSON.stringify(held)}`);
    await page.getByRole("button", { name: "Sign out" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(`${base}/console/`);
    await page.getByLabel("Username").waitFor();
    const after = await (await fetch(`${idp}/test/end-sessions`)).json();
    check(after.count === before.count + 1, `the provider's end_session_endpoint was called (${before.count} -> ${after.count})`);
    check(!after.last.includes("id_token_hint=") && after.last.includes("client_id=") && after.last.includes("post_logout_redirect_uri="), `with client_id and post_logout_redirect_uri, never the ID token: ${after.last}`);
    const renewed = await fetch(`${base}/api/v1/auth/refresh`, { method: "POST", headers: { "X-Gatehouse-Refresh": "1", Cookie: `gh_refresh=${held.value}` } });
    check(renewed.status === 401, `the session's refresh token renews nothing after sign-out, got ${renewed.status}`);
    check(!(await page.context().cookies()).some((c) => c.name === "gh_refresh"), "the browser's refresh cookie is cleared");
    check((await page.evaluate(() => sessionStorage.getItem("gatehouse.console.token"))) === null, "the tab forgot its token");
  });

  await step("sso: an admin ends a single sign-on person's sessions from the users page (keyboard)", async () => {
    const person = await newPage("sso-ended-person");
    await signInWithProvider(person);
    const held = (await person.context().cookies()).find((c) => c.name === "gh_refresh");
    const token = await storedToken(person);
    check((await api("GET", "/api/v1/me", token)).status === 200, "the person's access token works before");
    const admin = await newPage("sso-admin-users");
    await admin.goto(`${base}/console/`);
    await admin.getByLabel("Username").fill("admin");
    await admin.getByLabel("Password").fill(password);
    await admin.getByLabel("Password").press("Enter");
    await admin.getByTestId("who").waitFor();
    await admin.goto(`${base}/console/admin/users`);
    await admin.getByTestId("users").waitFor();
    const form = admin.getByTestId("sso-sessions-form");
    await form.getByLabel("Subject").focus();
    await admin.keyboard.type("oidc:stand-in|erika");
    await admin.keyboard.press("Enter");
    await admin.getByTestId("info").waitFor();
    const said = await admin.getByTestId("info").textContent();
    check(/sessions? of oidc:stand-in\|erika ended/.test(said), `the page says the sessions ended: ${said}`);
    const renewed = await fetch(`${base}/api/v1/auth/refresh`, { method: "POST", headers: { "X-Gatehouse-Refresh": "1", Cookie: `gh_refresh=${held.value}` } });
    check(renewed.status === 401, `the person's session renews nothing, got ${renewed.status}`);
    let status = 0;
    for (let i = 0; i < 25 && status !== 401; i++) {
      status = (await api("GET", "/api/v1/me", token)).status;
      if (status !== 401) await admin.waitForTimeout(200);
    }
    check(status === 401, `the person's access token is revoked with the session, got ${status}`);
    // a built-in user's row has its own button, operable by keyboard
    const button = admin.locator('tr[data-user="bob"]').getByRole("button", { name: "End sessions of bob" });
    await button.focus();
    await admin.keyboard.press("Enter");
    await admin.waitForFunction(() => (document.querySelector('[data-testid="info"]')?.textContent ?? "").includes("bob"));
    await axe(admin, "users page with session ending");
    await fitsAt800(admin, "users page with session ending");
    await shot(admin, "sso-03-sessions-ended");
  });
}
