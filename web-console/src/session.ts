// The signed-in person's token, kept in sessionStorage: it survives a reload of the tab but not the
// tab itself, and never goes into a cookie (so no CSRF) or localStorage (shared by all tabs).
import type { Me } from "./types.js";

const KEY = "gatehouse.console.token";

export class Session {
  private tokenValue: string | null;
  me: Me | null = null;

  constructor(private readonly storage: Storage | null) {
    this.tokenValue = storage?.getItem(KEY) ?? null;
  }

  token(): string | null {
    return this.tokenValue;
  }

  signIn(token: string): void {
    this.tokenValue = token;
    this.storage?.setItem(KEY, token);
  }

  signOut(): void {
    this.tokenValue = null;
    this.me = null;
    this.storage?.removeItem(KEY);
  }
}
