import type { Api, LoginAnswer } from "./api.js";
import type { Session } from "./session.js";

/** What every view gets: the API, who is signed in, and a way to move to another address. */
export interface AppContext {
  api: Api;
  session: Session;
  navigate(href: string): void;
  /** Signed in or out: redraw the header. */
  refreshChrome(): void;
  /** A session began (password or single sign-on): keep its token and renew it before it runs out. */
  beginSession(answer: LoginAnswer): void;
}
