import { test } from "node:test";
import assert from "node:assert/strict";
import { Api, REFRESH_HEADER } from "../src/api.js";
import { Renewal, type Timers } from "../src/renewal.js";
import { loginCodeFrom, markSsoStarted, renewDelayMs, Session, ssoErrorText, takeLoginCode } from "../src/session.js";

type Call = { url: string; init: RequestInit | undefined };

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() { return m.size; },
    clear: () => m.clear(),
    getItem: (k: string) => m.get(k) ?? null,
    key: (i: number) => [...m.keys()][i] ?? null,
    removeItem: (k: string) => void m.delete(k),
    setItem: (k: string, v: string) => void m.set(k, v),
  };
}

function manualTimers(): Timers & { pending: { fn: () => void; ms: number }[] } {
  const pending: { fn: () => void; ms: number }[] = [];
  return {
    pending,
    set: (fn, ms) => { const t = { fn, ms }; pending.push(t); return t; },
    clear: (t) => { const i = pending.indexOf(t as { fn: () => void; ms: number }); if (i >= 0) pending.splice(i, 1); },
  };
}

/** A server: /refresh gives tok-1, tok-2, ...; other calls answer 401 unless the token is the newest. */
function server() {
  const calls: Call[] = [];
  let issued = 0;
  let refreshOk = true;
  const fn = async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    const headers = (init?.headers ?? {}) as Record<string, string>;
    if (url === "/api/v1/auth/refresh") {
      if (!refreshOk) return new Response('{"status":401,"code":"invalid_refresh_token"}', { status: 401, headers: { "Content-Type": "application/problem+json" } });
      issued++;
      return new Response(JSON.stringify({ access_token: `tok-${issued}`, expires_in: 20, session: "oidc" }), { status: 200 });
    }
    if (headers["Authorization"] !== `Bearer tok-${issued}`) {
      return new Response('{"status":401,"detail":"expired"}', { status: 401, headers: { "Content-Type": "application/problem+json" } });
    }
    return new Response('{"id":"c1","state":"approved"}', { status: 200 });
  };
  return { calls, fn, failRefresh: () => (refreshOk = false) };
}

test("the session keeps the token and its expiry across a reload of the tab", () => {
  const storage = memoryStorage();
  const s = new Session(storage, () => 1_000_000);
  s.signIn("abc", 900);
  assert.equal(s.expiresAt(), 1_000_000 + 900_000);
  const reloaded = new Session(storage);
  assert.equal(reloaded.token(), "abc");
  assert.equal(reloaded.expiresAt(), 1_000_000 + 900_000);
  reloaded.signOut();
  assert.equal(new Session(storage).token(), null);
  assert.equal(new Session(storage).expiresAt(), null);
});

test("a token is renewed a quarter of its life early, at most a minute, at least two seconds", () => {
  assert.equal(renewDelayMs(900_000, 0, 900), 840_000); // 15 min: a minute early
  assert.equal(renewDelayMs(20_000, 0, 20), 15_000); // 20 s: five seconds early
  assert.equal(renewDelayMs(4_000, 0, 4), 2_000); // never less than two seconds early
  assert.equal(renewDelayMs(1_000, 5_000, 20), 0); // already past: at once
  assert.equal(renewDelayMs(null, 0), null);
});

test("a 401 is renewed once and the call sent again, so a typed comment goes through", async () => {
  const srv = server();
  const session = new Session(memoryStorage());
  session.signIn("tok-0-expired", 20);
  const api = new Api(srv.fn, () => session.token());
  const renewal = new Renewal(api, session, manualTimers(), null);
  api.renew = () => renewal.renew();
  let signedOut = 0;
  api.onUnauthorized = () => signedOut++;
  const c = await api.act("c1", "approve", "a long review comment");
  assert.equal(c.state, "approved");
  assert.deepEqual(srv.calls.map((x) => x.url), ["/api/v1/changes/c1/approve", "/api/v1/auth/refresh", "/api/v1/changes/c1/approve"]);
  assert.equal(srv.calls[2]!.init!.body, '{"comment":"a long review comment"}');
  assert.equal(session.token(), "tok-1");
  assert.equal(signedOut, 0);
});

test("the refresh call sends the cookie and the custom header; other calls send no cookie", async () => {
  const srv = server();
  const session = new Session(memoryStorage());
  const api = new Api(srv.fn, () => session.token());
  await api.refresh();
  const init = srv.calls[0]!.init!;
  assert.equal(init.method, "POST");
  assert.equal(init.credentials, "same-origin");
  assert.equal((init.headers as Record<string, string>)[REFRESH_HEADER], "1");
  assert.equal((init.headers as Record<string, string>)["Authorization"], undefined);
  session.signIn("tok-1", 20);
  await api.act("c1", "approve", "");
  assert.equal(srv.calls[1]!.init!.credentials, "omit");
  assert.equal((srv.calls[1]!.init!.headers as Record<string, string>)[REFRESH_HEADER], undefined);
});

test("when the session cannot be renewed the app is told once and the error says what was typed is kept", async () => {
  const srv = server();
  srv.failRefresh();
  const session = new Session(memoryStorage());
  session.signIn("old", 20);
  const api = new Api(srv.fn, () => session.token());
  const renewal = new Renewal(api, session, manualTimers(), null);
  api.renew = () => renewal.renew();
  let told = 0;
  api.onUnauthorized = () => told++;
  await assert.rejects(api.act("c1", "approve", "text"), (e: unknown) => e instanceof Error && /still on the page/.test(e.message));
  assert.equal(told, 1);
  assert.equal(srv.calls.filter((c) => c.url === "/api/v1/auth/refresh").length, 1, "one renewal, no loop");
});

test("renewal is planned before expiry and concurrent renewals share one refresh", async () => {
  const srv = server();
  const session = new Session(memoryStorage(), () => 0);
  const api = new Api(srv.fn, () => session.token());
  const timers = manualTimers();
  const renewal = new Renewal(api, session, timers, null, () => 0);
  renewal.begin({ access_token: "tok-0", expires_in: 20 });
  assert.equal(timers.pending.length, 1);
  assert.equal(timers.pending[0]!.ms, 15_000);
  const [a, b] = await Promise.all([renewal.renew(), renewal.renew()]);
  assert.ok(a && b);
  assert.equal(srv.calls.filter((c) => c.url === "/api/v1/auth/refresh").length, 1);
  assert.equal(session.token(), "tok-1");
  assert.equal(timers.pending.length, 1, "the next renewal is planned, the old timer cleared");
});

test("renewals across tabs take turns through the lock", async () => {
  const srv = server();
  const session = new Session(memoryStorage());
  const api = new Api(srv.fn, () => session.token());
  const names: string[] = [];
  const renewal = new Renewal(api, session, manualTimers(), { request: (name, fn) => { names.push(name); return fn(); } });
  assert.ok(await renewal.renew());
  assert.deepEqual(names, ["gatehouse-session-renewal"]);
});

test("sign-out reports the provider's end-session address", async () => {
  const calls: Call[] = [];
  const api = new Api(async (url, init) => {
    calls.push({ url, init });
    return new Response('{"session_ended":true,"end_session_url":"https://idp.example/logout?id_token_hint=x"}', { status: 200 });
  }, () => "tok");
  const out = await api.logout();
  assert.equal(out.endSessionUrl, "https://idp.example/logout?id_token_hint=x");
  assert.equal(calls[0]!.init!.credentials, "same-origin");
  const none = new Api(async () => new Response(null, { status: 204 }), () => "tok");
  assert.equal((await none.logout()).endSessionUrl, null);
});

test("the login code is read only from a well-formed fragment", () => {
  assert.equal(loginCodeFrom("#login_code=AbC_d-0123456789"), "AbC_d-0123456789");
  assert.equal(loginCodeFrom("#login_code=short"), null);
  assert.equal(loginCodeFrom("#login_code=abc<script>0123456"), null);
  assert.equal(loginCodeFrom(""), null);
});

test("a login code is taken only by the tab that started the sign-in, once", () => {
  const tab = memoryStorage();
  assert.equal(takeLoginCode("#login_code=AbC_d-0123456789", tab), null, "a link sent to a tab that started nothing");
  assert.equal(takeLoginCode("#login_code=AbC_d-0123456789", null), null, "no storage, no flag");
  markSsoStarted(tab);
  assert.equal(takeLoginCode("#login_code=AbC_d-0123456789", tab), "AbC_d-0123456789");
  assert.equal(takeLoginCode("#login_code=AbC_d-0123456789", tab), null, "the flag is spent");
  markSsoStarted(tab);
  assert.equal(takeLoginCode("#nothing", tab), null);
  assert.equal(tab.getItem("gatehouse.console.sso_pending"), "1", "no code: the flag waits");
});

test("every refusal code of single sign-on has a sentence", () => {
  for (const code of ["invalid_state", "invalid_code", "invalid_id_token", "invalid_nonce", "no_tenant", "provider_refused", "provider_unavailable", "oidc_not_configured", "something_else"]) {
    assert.ok(ssoErrorText(code).length > 20, code);
  }
  assert.match(ssoErrorText("no_tenant"), /administrator/);
  assert.notEqual(ssoErrorText("no_tenant"), ssoErrorText("something_else"), "no_tenant has its own sentence");
  assert.notEqual(ssoErrorText("invalid_state"), ssoErrorText("something_else"), "invalid_state has its own sentence");
  assert.match(ssoErrorText("no_role"), /no Gatehouse role/);
  assert.match(ssoErrorText("too_many_sign_ins"), /Too many sign-ins/);
});
