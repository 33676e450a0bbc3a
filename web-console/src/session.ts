// The signed-in person's access token, kept in sessionStorage: it survives a reload of the tab but not
// the tab itself, and never goes into a cookie or localStorage (shared by all tabs). The session's
// refresh token is not here at all: the server keeps it in an HttpOnly cookie that script cannot read
// (docs/security.md, "Console sessions"); this class only knows when the access token runs out.
import type { Me } from "./types.js";

const KEY = "gatehouse.console.token";
const EXPIRES = "gatehouse.console.expires";

export class Session {
  private tokenValue: string | null;
  private expiresAtMs: number | null;
  me: Me | null = null;

  constructor(private readonly storage: Storage | null, private readonly now: () => number = Date.now) {
    this.tokenValue = storage?.getItem(KEY) ?? null;
    const e = Number(storage?.getItem(EXPIRES) ?? "");
    this.expiresAtMs = Number.isFinite(e) && e > 0 ? e : null;
  }

  token(): string | null {
    return this.tokenValue;
  }

  /** When the access token runs out (ms since the epoch), when the server said. */
  expiresAt(): number | null {
    return this.expiresAtMs;
  }

  /** Signed in (or renewed): a new access token, good for {@code expiresIn} seconds from now. */
  signIn(token: string, expiresIn?: number): void {
    this.tokenValue = token;
    this.storage?.setItem(KEY, token);
    if (expiresIn !== undefined && expiresIn > 0) {
      this.expiresAtMs = this.now() + expiresIn * 1000;
      this.storage?.setItem(EXPIRES, String(this.expiresAtMs));
    } else {
      this.expiresAtMs = null;
      this.storage?.removeItem(EXPIRES);
    }
  }

  signOut(): void {
    this.tokenValue = null;
    this.expiresAtMs = null;
    this.me = null;
    this.storage?.removeItem(KEY);
    this.storage?.removeItem(EXPIRES);
  }
}

/**
 * How long before the access token runs out the console renews it: a quarter of its lifetime, at
 * most a minute, at least two seconds (so a 15-minute token renews a minute early, a 20-second one
 * five seconds early). Null when the expiry is unknown.
 */
export function renewDelayMs(expiresAtMs: number | null, nowMs: number, lifetimeSeconds?: number): number | null {
  if (expiresAtMs === null) return null;
  const lifetime = lifetimeSeconds ?? Math.max(0, (expiresAtMs - nowMs) / 1000);
  const margin = Math.max(2, Math.min(60, lifetime / 4)) * 1000;
  return Math.max(0, expiresAtMs - nowMs - margin);
}

/** The text of a refused single sign-on (the callback's ?sso_error=<code>). */
export function ssoErrorText(code: string): string {
  switch (code) {
    case "invalid_state":
      return "That sign-in link was already used, has expired, or was started in another browser. Please sign in again.";
    case "invalid_code":
    case "invalid_id_token":
    case "invalid_nonce":
      return "The identity provider's answer could not be verified, so you were not signed in. Please try again.";
    case "no_tenant":
      return "Your account at the identity provider is not given access to Gatehouse. Ask your administrator.";
    case "no_role":
      return "Your account at the identity provider is given no Gatehouse role. Ask your administrator.";
    case "too_many_sign_ins":
      return "Too many sign-ins were started from here. Finish one, or wait a few minutes and try again.";
    case "provider_refused":
      return "The identity provider did not sign you in.";
    case "provider_unavailable":
      return "The identity provider cannot be reached right now. Try again, or sign in with your Gatehouse password.";
    case "oidc_not_configured":
      return "Single sign-on is not set up here. Sign in with your Gatehouse password.";
    default:
      return "Single sign-on did not complete. Please sign in again.";
  }
}

/** The one-time login code of a completed single sign-on, from the URL's fragment (#login_code=…). */
export function loginCodeFrom(hash: string): string | null {
  const m = /^#login_code=([A-Za-z0-9_-]{10,200})$/.exec(hash);
  return m ? m[1]! : null;
}

/** Set in this tab when it starts a single sign-on; a login code without it is not ours. */
const SSO_PENDING = "gatehouse.console.sso_pending";

/** Remembers that this tab started a single sign-on (before it leaves for the provider). */
export function markSsoStarted(storage: Storage | null): void {
  storage?.setItem(SSO_PENDING, "1");
}

/**
 * The login code to redeem, only when this tab started a sign-in (the flag is spent either way): a
 * link with someone else's #login_code sent to this tab is ignored, so it neither signs the tab in
 * as that person (login CSRF) nor signs it out. The server also requires the browser's binding cookie.
 */
export function takeLoginCode(hash: string, storage: Storage | null): string | null {
  const code = loginCodeFrom(hash);
  if (!code) return null;
  const pending = storage?.getItem(SSO_PENDING) === "1";
  storage?.removeItem(SSO_PENDING);
  return pending ? code : null;
}
