// Turns whatever an HTTP answer carried into a sentence a person can act on. The server speaks RFC 9457
// problem JSON on /api ({type, title, status, detail, code, requestId}); proxies and crashes may not.

export interface Problem {
  status: number;
  title: string;
  detail: string;
  code?: string;
  param?: string;
  requestId?: string;
}

const FALLBACK: Record<number, string> = {
  400: "The request was not valid.",
  401: "You are not signed in, or your session has expired. Please sign in again.",
  403: "You are not allowed to do this.",
  404: "Not found.",
  409: "This conflicts with the current state. Reload and try again.",
  413: "The request is too large.",
  429: "Too many requests. Wait a moment and try again.",
  500: "The server failed. Try again later.",
  502: "The server is not reachable right now.",
  503: "The service is unavailable right now. Try again shortly.",
};

/** Reads a problem from a status, a content type and the raw body text. Never throws. */
export function parseProblem(status: number, contentType: string | null, body: string, statusText = ""): Problem {
  let json: Record<string, unknown> | null = null;
  const looksJson = (contentType ?? "").includes("json") || body.trimStart().startsWith("{");
  if (looksJson && body.trim() !== "") {
    try {
      const v: unknown = JSON.parse(body);
      if (v !== null && typeof v === "object" && !Array.isArray(v)) {
        json = v as Record<string, unknown>;
      }
    } catch {
      json = null;
    }
  }
  const str = (o: Record<string, unknown> | null, k: string): string | undefined => {
    const v = o?.[k];
    return typeof v === "string" && v.trim() !== "" ? v : undefined;
  };
  // OpenAI's error shape ({error: {message, code}}) in case a /v1 answer ever reaches us.
  const inner =
    json && typeof json["error"] === "object" && json["error"] !== null ? (json["error"] as Record<string, unknown>) : null;
  const title = str(json, "title") ?? (statusText || titleFor(status));
  const detail =
    str(json, "detail") ?? str(inner, "message") ?? str(json, "message") ?? FALLBACK[status] ?? fallbackFor(status);
  const p: Problem = { status, title, detail };
  const code = str(json, "code") ?? str(inner, "code");
  if (code) p.code = code;
  const param = str(json, "param") ?? str(inner, "param");
  if (param) p.param = param;
  const rid = str(json, "requestId");
  if (rid) p.requestId = rid;
  return p;
}

/** The problem for a request that never got an answer (network down, server stopped). */
export function networkProblem(err: unknown): Problem {
  const why = err instanceof Error && err.message ? ` (${err.message})` : "";
  return { status: 0, title: "No connection", detail: `The server could not be reached${why}.` };
}

/** One line for people: "403 Forbidden: The author of a change cannot approve it". */
export function describeProblem(p: Problem): string {
  const head = p.status > 0 ? `${p.status} ${p.title}` : p.title;
  return `${head}: ${p.detail}`;
}

function titleFor(status: number): string {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Server Error" : "Error";
  }
}

function fallbackFor(status: number): string {
  return status >= 500 ? "The server failed. Try again later." : `The request failed with status ${status}.`;
}
