// Keeps a signed-in person's access token fresh (docs/console.md, "Sessions"): it is renewed a little
// before it runs out, and at once when the server answers 401, so that a reviewer who spends half an
// hour on a comment never loses it. Renewals never run twice at once: within a tab one promise is
// shared, and across the tabs of this browser (which share the refresh cookie) the Web Locks API
// makes them take turns, since two tabs presenting the same refresh token would look like theft
// (reuse) and end the session.
import type { Api, LoginAnswer } from "./api.js";
import { renewDelayMs, type Session } from "./session.js";

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface LockManagerLike {
  request<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export class Renewal {
  private inFlight: Promise<boolean> | null = null;
  private timer: unknown = null;
  private lifetime: number | undefined;
  /** Called after every renewal (e.g. to redraw nothing, or to count in tests). */
  onRenewed: ((answer: LoginAnswer) => void) | null = null;

  constructor(
    private readonly api: Api,
    private readonly session: Session,
    private readonly timers: Timers,
    private readonly locks: LockManagerLike | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** A session began (sign-in, redeemed code) or was renewed: remember it and plan the next renewal. */
  begin(answer: LoginAnswer): void {
    this.lifetime = answer.expires_in;
    this.session.signIn(answer.access_token, answer.expires_in);
    this.schedule();
  }

  /** Plans the next renewal from the token's expiry (e.g. after a reload). */
  schedule(): void {
    this.stop();
    const delay = renewDelayMs(this.session.expiresAt(), this.now(), this.lifetime);
    if (delay === null || this.session.token() === null) return;
    this.timer = this.timers.set(() => void this.renew(), delay);
  }

  stop(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }

  /** Renews now (or joins the renewal under way); true when a new access token is in place. */
  renew(): Promise<boolean> {
    if (this.inFlight) return this.inFlight;
    const run = async (): Promise<boolean> => {
      try {
        const answer = await this.api.refresh();
        this.begin(answer);
        this.onRenewed?.(answer);
        return true;
      } catch {
        this.stop();
        return false;
      }
    };
    this.inFlight = (this.locks ? this.locks.request("gatehouse-session-renewal", run) : run()).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }
}
