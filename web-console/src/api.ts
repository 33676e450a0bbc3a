// The console's only way to the server: the public management API with a bearer token.
import { networkProblem, parseProblem, type Problem } from "./problem.js";
import { parseJson } from "./jsontext.js";
import type { ExportTicketRequest } from "./auditquery.js";
import type {
  AuditEventDetail, AuditKey, AuditPage, ChangeDetail, ChangeSummary, Checkpoint, ExportTicket, LegalHold, Me,
  RetentionSetting, TestCallAnswer, Verification,
} from "./types.js";
import { API_ACTION, type ChangeActionName } from "./permissions.js";
import type { PolicyTestResult } from "./policybench.js";
import type { EvidenceRun, RunDetail } from "./evidence.js";
import type { GoldenSetDetail, GoldenSetSummary } from "./goldensets.js";
import { heldCallItems, heldCallsPath, type HeldCall, type HeldCallDecision, type HeldCallFilter } from "./heldcalls.js";

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = "ApiError";
  }
}

/** A JSON answer with its entity tag. */
export interface Tagged<T> {
  body: T;
  etag: string | null;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface LoginAnswer {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  tenant?: string;
  roles?: string[];
  /** "password" or "oidc" when the answer began or renewed a session (refresh cookie set). */
  session?: string;
}

/** How people may sign in here (GET /api/v1/auth/providers). */
export interface SignInMethods {
  password: boolean;
  oidc: { name: string; start: string } | null;
}

/** What signing out answered: where to end the provider's session, if anywhere. */
export interface SignedOut {
  endSessionUrl: string | null;
}

/** The header every call that uses the session's refresh cookie carries (docs/security.md). */
export const REFRESH_HEADER = "X-Gatehouse-Refresh";

export class Api {
  /** Called when the server says the token is no longer good (401), so the app can ask to sign in. */
  onUnauthorized: (() => void) | null = null;

  /**
   * Renews the access token (the session's refresh cookie); true when a new one is in place. A call
   * answered 401 is sent once more after a renewal, so what the person was doing goes through.
   */
  renew: (() => Promise<boolean>) | null = null;

  constructor(
    private readonly fetchFn: FetchLike,
    private readonly token: () => string | null,
  ) {}

  private async call(
    method: string, path: string, body?: unknown, auth = true, accept = "application/json", session = false,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    let res = await this.transmit(method, path, body, auth, accept, session, extra);
    if (res.status === 401 && auth && this.renew) {
      // The access token ran out (a laptop asleep, a timer throttled): renew once and send again.
      await res.text().catch(() => "");
      if (await this.renew().catch(() => false)) {
        res = await this.transmit(method, path, body, auth, accept, session, extra);
      } else {
        res = new Response(JSON.stringify({ status: 401, title: "Unauthorized", detail: "Your session has ended: please sign in again. What you typed is still on the page." }), {
          status: 401, headers: { "Content-Type": "application/problem+json" },
        });
      }
    }
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      const problem = parseProblem(res.status, res.headers.get("Content-Type"), text, res.statusText);
      if (res.status === 401 && auth && this.onUnauthorized) this.onUnauthorized();
      throw new ApiError(problem);
    }
    return res;
  }

  private async transmit(
    method: string, path: string, body: unknown, auth: boolean, accept: string, session: boolean,
    extra: Record<string, string>,
  ): Promise<Response> {
    // Errors always come back as JSON (problem+json); a download asks for its own media type.
    const headers: Record<string, string> = { ...extra, Accept: accept + ", application/problem+json" };
    const t = this.token();
    if (auth && t) headers["Authorization"] = `Bearer ${t}`;
    // Only the calls that begin, renew or end a session send (and receive) the refresh cookie.
    const init: RequestInit = { method, headers, credentials: session ? "same-origin" : "omit", cache: "no-store" };
    if (session) headers[REFRESH_HEADER] = "1";
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    try {
      return await this.fetchFn(path, init);
    } catch (e) {
      throw new ApiError(networkProblem(e));
    }
  }

  /** keepNumberText: parse with parseJson, so that numbers keep their JSON text (the prompt preview). */
  private async json<T>(
    method: string, path: string, body?: unknown, auth = true, session = false, keepNumberText = false,
  ): Promise<T> {
    return (await this.tagged<T>(method, path, body, auth, {}, session, keepNumberText)).body;
  }

  /** The answer's JSON and its ETag (null when the server sent none). */
  private async tagged<T>(
    method: string, path: string, body?: unknown, auth = true, extra: Record<string, string> = {}, session = false,
    keepNumberText = false,
  ): Promise<Tagged<T>> {
    const res = await this.call(method, path, body, auth, "application/json", session, extra);
    const etag = res.headers.get("ETag");
    return { body: await this.parse<T>(res, keepNumberText), etag };
  }

  private async parse<T>(res: Response, keepNumberText = false): Promise<T> {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (text.trim() === "") return undefined as T;
    try {
      return (keepNumberText ? parseJson(text) : JSON.parse(text)) as T;
    } catch {
      throw new ApiError({ status: res.status, title: "Bad answer", detail: "The server answered with something that is not JSON." });
    }
  }

  /** Signs in with a password and begins a session (the refresh cookie). */
  login(username: string, password: string): Promise<LoginAnswer> {
    return this.json<LoginAnswer>("POST", "/api/v1/auth/login", { username, password }, false, true);
  }

  /** How people may sign in here. */
  signInMethods(): Promise<SignInMethods> {
    return this.json<SignInMethods>("GET", "/api/v1/auth/providers", undefined, false);
  }

  /** Redeems the one-time code of a completed single sign-on for the session's first access token. */
  redeem(code: string): Promise<LoginAnswer> {
    return this.json<LoginAnswer>("POST", "/api/v1/auth/oidc/redeem", { code }, false, true);
  }

  /** A new access token for the session (the refresh cookie is rotated by the server). */
  refresh(): Promise<LoginAnswer> {
    return this.json<LoginAnswer>("POST", "/api/v1/auth/refresh", undefined, false, true);
  }

  /** Revokes the access token and ends the session; for single sign-on, where the provider's session ends. */
  async logout(): Promise<SignedOut> {
    const answer = await this.json<{ end_session_url?: string | null } | undefined>("POST", "/api/v1/auth/logout", undefined, true, true);
    return { endSessionUrl: answer?.end_session_url ?? null };
  }

  me(): Promise<Me> {
    return this.json<Me>("GET", "/api/v1/me");
  }

  async changes(state: string | null): Promise<ChangeSummary[]> {
    const q = state ? `?state=${encodeURIComponent(state)}` : "";
    const page = await this.json<{ data: ChangeSummary[] }>("GET", `/api/v1/changes${q}`);
    return page?.data ?? [];
  }

  change(id: string): Promise<ChangeDetail> {
    return this.json<ChangeDetail>("GET", `/api/v1/changes/${encodeURIComponent(id)}`, undefined, true, false, true);
  }

  createChange(kind: string, target: string, content: unknown, comment: string): Promise<ChangeDetail> {
    return this.json<ChangeDetail>("POST", "/api/v1/changes", { kind, target, content, comment }, true, false, true);
  }

  /** A workflow action (POST); the answer is the change as the action left it (a rollback: the new rollback change). */
  act(id: string, action: Exclude<ChangeActionName, "revise">, comment: string): Promise<ChangeDetail> {
    const body = comment.trim() === "" ? {} : { comment: comment.trim() };
    return this.json<ChangeDetail>("POST", `/api/v1/changes/${encodeURIComponent(id)}/${API_ACTION[action]}`, body, true, false, true);
  }

  /**
   * Publishes over a failed evaluation run (issue 23): the body from evidence.ts overrideBody(). The
   * server decides: 409 override_needs_reviewer without one more distinct approval than the rule needs,
   * 400 for a reason it does not take, 403 own_change for a publisher who authored a revision.
   */
  publishOverride(id: string, body: { comment?: string; evidenceOverride: { reason: string } }): Promise<ChangeDetail> {
    return this.json<ChangeDetail>("POST", `/api/v1/changes/${encodeURIComponent(id)}/publish`, body, true, false, true);
  }

  /** A new revision of a draft (or of a change sent back): new content, review restarts. */
  revise(id: string, content: unknown, comment: string): Promise<ChangeDetail> {
    const body = comment.trim() === "" ? { content } : { content, comment: comment.trim() };
    return this.json<ChangeDetail>("PUT", `/api/v1/changes/${encodeURIComponent(id)}`, body, true, false, true);
  }

  /** A comment, or with parentId a reply to one of the change's comments. */
  addComment(id: string, comment: string, parentId: string | null = null): Promise<ChangeDetail> {
    const body = parentId ? { comment, parentId } : { comment };
    return this.json<ChangeDetail>("POST", `/api/v1/changes/${encodeURIComponent(id)}/comments`, body, true, false, true);
  }

  /** One call through the gateway with this prompt or policy draft applied to it only (author, reviewer, admin). */
  testCall(id: string, body: Record<string, unknown>): Promise<TestCallAnswer> {
    return this.json<TestCallAnswer>("POST", `/api/v1/changes/${encodeURIComponent(id)}/test-call`, body);
  }

  /** Evaluate the change's current revision now: one run per live golden set binding it (202, the runs queued). */
  async evaluate(id: string): Promise<EvidenceRun[]> {
    const answer = await this.json<{ data?: EvidenceRun[] }>("POST", `/api/v1/changes/${encodeURIComponent(id)}/evaluations`, {});
    return answer?.data ?? [];
  }

  /** One evaluation run with every case's result per side. */
  evaluation(runId: string): Promise<RunDetail> {
    return this.json<RunDetail>("GET", `/api/v1/evaluations/${encodeURIComponent(runId)}`);
  }

  /** The tenant's live golden sets. */
  async goldenSets(): Promise<GoldenSetSummary[]> {
    const page = await this.json<{ data?: GoldenSetSummary[] }>("GET", "/api/v1/golden-sets");
    return page?.data ?? [];
  }

  /** A golden set's live version with its content. */
  goldenSet(name: string): Promise<GoldenSetDetail> {
    return this.json<GoldenSetDetail>("GET", `/api/v1/golden-sets/${encodeURIComponent(name)}`);
  }

  /** The policy test bench: a draft against a sample request and recent recorded traffic (author, admin). */
  policyTest(body: Record<string, unknown>): Promise<PolicyTestResult> {
    return this.json<PolicyTestResult>("POST", "/api/v1/policies/test", body);
  }

  auditEvents(path: string): Promise<AuditPage> {
    return this.json<AuditPage>("GET", path);
  }

  verify(): Promise<Verification> {
    return this.json<Verification>("GET", "/api/v1/audit/verify");
  }

  /** Any JSON read of the management API (statistics, lineage, audit details). */
  get<T>(path: string): Promise<T> {
    return this.json<T>("GET", path);
  }

  /** A JSON read with the version it names (ETag), for a later conditional write. */
  getTagged<T>(path: string): Promise<Tagged<T>> {
    return this.tagged<T>("GET", path);
  }

  /**
   * A write only if the resource is still the version read (If-Match: etag); the server answers 409 when
   * someone changed it meanwhile. The answer carries the new version's ETag.
   */
  sendIfMatch<T>(method: "PUT" | "PATCH", path: string, body: unknown, etag: string | null): Promise<Tagged<T>> {
    return this.tagged<T>(method, path, body, true, etag ? { "If-Match": etag } : {});
  }

  /** Any JSON write of the management API (the administration pages: POST, PUT, PATCH, DELETE). */
  send<T>(method: "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
    return this.json<T>(method, path, body);
  }

  auditEvent(id: string, withContent = false): Promise<AuditEventDetail> {
    const q = withContent ? "?include=content" : "";
    return this.json<AuditEventDetail>("GET", `/api/v1/audit/events/${encodeURIComponent(id)}${q}`);
  }

  /**
   * A single-use ticket (60 s) for one export download: the browser then follows the ticket's url
   * with a plain link, streams the file to disk, and no bearer token ever appears in a URL.
   */
  exportTicket(body: ExportTicketRequest): Promise<ExportTicket> {
    return this.json<ExportTicket>("POST", "/api/v1/audit/export/tickets", body);
  }

  keys(): Promise<{ keys: AuditKey[] }> {
    return this.json<{ keys: AuditKey[] }>("GET", "/api/v1/audit/keys");
  }

  checkpoint(): Promise<Checkpoint> {
    return this.json<Checkpoint>("POST", "/api/v1/audit/checkpoints");
  }

  retention(): Promise<RetentionSetting> {
    return this.json<RetentionSetting>("GET", "/api/v1/audit/retention");
  }

  holds(): Promise<{ holds: LegalHold[] }> {
    return this.json<{ holds: LegalHold[] }>("GET", "/api/v1/audit/retention/holds");
  }

  placeHold(reason: string): Promise<LegalHold> {
    return this.json<LegalHold>("POST", "/api/v1/audit/retention/holds", { reason });
  }

  releaseHold(id: string): Promise<{ id: string; released: boolean }> {
    return this.json<{ id: string; released: boolean }>("POST", `/api/v1/audit/retention/holds/${encodeURIComponent(id)}/release`);
  }

  /** Held MCP tool calls waiting for a person (or all recent ones), docs/mcp.md "Oversight". */
  async heldCalls(filter: HeldCallFilter): Promise<HeldCall[]> {
    return heldCallItems(await this.json<unknown>("GET", heldCallsPath(filter)));
  }

  /** Approve (comment optional) or refuse (comment required) a held call; the answer is the call as decided. */
  decideHeldCall(id: string, decision: HeldCallDecision, body: { comment?: string }): Promise<HeldCall> {
    return this.json<HeldCall>("POST", `/api/v1/mcp/held-calls/${encodeURIComponent(id)}/${decision}`, body);
  }
}
