// The live content of a change's target, so that a change to an existing object starts from what is live
// and does not replace it with an empty form. One read for every kind: GET /api/v1/changes/live/{kind}/{target}
// (the server's ChangeKind.live, secrets masked; 404 when nothing of that name is live in the tenant).
import { ApiError } from "./api.js";

/** What the console needs of Api here (a fake in tests). */
export interface Reader {
  get<T>(path: string): Promise<T>;
}

export type LiveContent =
  | { state: "live"; version: string; content: Record<string, unknown>; secretsSet: string[] }
  | { state: "none" };

interface LiveView {
  kind: string;
  target: string;
  version: string;
  content: Record<string, unknown>;
}

function object(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The address of a kind's target's live content. */
export function livePath(kind: string, target: string): string {
  return `/api/v1/changes/live/${encodeURIComponent(kind)}/${encodeURIComponent(target)}`;
}

/**
 * The target's live content as change content; "none" when there is nothing live (404). A secret's
 * "<name>Set" flag (a provider's credentialSet) is taken out of the content and named in secretsSet: the
 * form says the stored secret is kept when its field is left empty.
 */
export async function readLive(api: Reader, kind: string, target: string): Promise<LiveContent> {
  let v: LiveView;
  try {
    v = await api.get<LiveView>(livePath(kind, target));
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 404) return { state: "none" };
    throw e;
  }
  if (!v || !object(v.content)) return { state: "none" };
  const content: Record<string, unknown> = {};
  const secretsSet: string[] = [];
  for (const [k, x] of Object.entries(v.content)) {
    if (k.endsWith("Set") && typeof x === "boolean") {
      if (x) secretsSet.push(k.slice(0, -3));
      continue;
    }
    content[k] = x;
  }
  return { state: "live", version: String(v.version), content, secretsSet };
}
