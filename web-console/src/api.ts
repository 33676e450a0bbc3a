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
import { heldCallItems, heldCallsPath, type HeldCall, type HeldCallDecision, type HeldCallFilter } from "./heldcalls.js";

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = "ApiError";
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface LoginAnswer {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  tenant?: string;
  roles?: string[];
}

export class Api {
  /** Called when the server says the token is no longer good (401), so the app can ask to sign in. */
  onUnauthorized: (() => void) | null = null;

  constructor(
    private readonly fetchFn: FetchLike,
    private readonly token: () => string | null,
  ) {}

  private async call(
    method: string, path: string, body?: unknown, auth = true, accept = "application/json",
  ): Promise<Response> {
    // Errors always come back as JSON (problem+json); a download asks for its own media type.
    const headers: Record<string, string> = { Accept: accept + ", application/problem+json" };
    const t = this.token();
    if (auth && t) headers["Authorization"] = `Bearer ${t}`;
    const init: RequestInit = { method, headers, credentials: "omit", cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await this.fetchFn(path, init);
    } catch (e) {
      throw new ApiError(networkProblem(e));
    }
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      const problem = parseProblem(res.status, res.headers.get("Content-Type"), text, res.statusText);
      if (res.status === 401 && auth && this.onUnauthorized) this.onUnauthorized();
      throw new ApiError(problem);
    }
    return res;
  }

  /** keepNumberText: parse with parseJson, so that numbers keep their JSON text (the prompt preview). */
  private async json<T>(method: string, path: string, body?: unknown, auth = true, keepNumberText = false): Promise<T> {
    const res = await this.call(method, path, body, auth);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (text.trim() === "") return undefined as T;
    try {
      return (keepNumberText ? parseJson(text) : JSON.parse(text)) as T;
    } catch {
      throw new ApiError({ status: res.status, title: "Bad answer", detail: "The server answered with something that is not JSON." });
    }
  }

  login(username: string, password: string): Promise<LoginAnswer> {
    return this.json<LoginAnswer>("POST", "/api/v1/auth/login", { username, password }, false);
  }

  async logout(): Promise<void> {
    await this.call("POST", "/api/v1/auth/logout");
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
    return this.json<ChangeDetail>("GET", `/api/v1/changes/${encodeURIComponent(id)}`, undefined, true, true);
  }

  createChange(kind: string, target: string, content: unknown, comment: string): Promise<ChangeDetail> {
    return this.json<ChangeDetail>("POST", "/api/v1/changes", { kind, target, content, comment }, true, true);
  }

  /** A workflow action (POST); the answer is the change as the action left it (a rollback: the new rollback change). */
  act(id: string, action: Exclude<ChangeActionName, "revise">, comment: string): Promise<ChangeDetail> {
    const body = comment.trim() === "" ? {} : { comment: comment.trim() };
    return this.json<ChangeDetail>("POST", `/api/v1/changes/${encodeURIComponent(id)}/${API_ACTION[action]}`, body, true, true);
  }

  /** A new revision of a draft (or of a change sent back): new content, review restarts. */
  revise(id: string, content: unknown, comment: string): Promise<ChangeDetail> {
    const body = comment.trim() === "" ? { content } : { content, comment: comment.trim() };
    return this.json<ChangeDetail>("PUT", `/api/v1/changes/${encodeURIComponent(id)}`, body, true, true);
  }

  /** A comment, or with parentId a reply to one of the change's comments. */
  addComment(id: string, comment: string, parentId: string | null = null): Promise<ChangeDetail> {
    const body = parentId ? { comment, parentId } : { comment };
    return this.json<ChangeDetail>("POST", `/api/v1/changes/${encodeURIComponent(id)}/comments`, body, true, true);
  }

  /** One call through the gateway with this prompt or policy draft applied to it only (author, reviewer, admin). */
  testCall(id: string, body: Record<string, unknown>): Promise<TestCallAnswer> {
    return this.json<TestCallAnswer>("POST", `/api/v1/changes/${encodeURIComponent(id)}/test-call`, body);
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
