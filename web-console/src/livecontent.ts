// The live content of a change's target, so that a change to an existing prompt or policy starts from what is
// live and does not replace it with an empty form. Read through the read APIs that exist: a prompt's live
// version (GET /api/v1/prompts/{name}, then /versions/{n}) and a policy's live content (GET
// /api/v1/policies/{name}) and a golden set's (GET /api/v1/golden-sets/{name}). Providers, routes and MCP servers have no such read API: for them the form says
// that the change replaces the whole object.
import { ApiError } from "./api.js";

/** What the console needs of Api here (a fake in tests). */
export interface Reader {
  get<T>(path: string): Promise<T>;
}

export type LiveContent =
  | { state: "live"; version: string; content: Record<string, unknown> }
  | { state: "none" }
  | { state: "unreadable" };

/** Whether the console can read this kind's live content. */
export function canReadLive(kind: string): boolean {
  return kind === "prompt" || kind === "policy" || kind === "golden_set";
}

interface PromptView {
  liveVersion: number | null;
  labels?: Record<string, { version: number; canaryVersion?: number | null }>;
}

interface PromptVersionView {
  version: number;
  content: Record<string, unknown>;
}

interface PolicyDetail {
  version: string;
  content: Record<string, unknown>;
}

function object(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The label a prompt's live version is published under (production first), or null. */
export function liveLabel(p: PromptView): string | null {
  const labels = Object.entries(p.labels ?? {}).filter(([, l]) => l.version === p.liveVersion).map(([name]) => name);
  if (labels.includes("production")) return "production";
  return labels.sort()[0] ?? null;
}

/** The target's live content as change content; "none" when there is nothing live (404 or never published). */
export async function readLive(api: Reader, kind: string, target: string): Promise<LiveContent> {
  const name = encodeURIComponent(target);
  try {
    if (kind === "prompt") {
      const p = await api.get<PromptView>(`/api/v1/prompts/${name}`);
      if (!p || p.liveVersion === null || p.liveVersion === undefined) return { state: "none" };
      const v = await api.get<PromptVersionView>(`/api/v1/prompts/${name}/versions/${p.liveVersion}`);
      if (!v || !object(v.content)) return { state: "none" };
      const content: Record<string, unknown> = { ...v.content };
      const label = liveLabel(p);
      if (label !== null) content["label"] = label;
      return { state: "live", version: String(p.liveVersion), content };
    }
    if (kind === "policy") {
      const d = await api.get<PolicyDetail>(`/api/v1/policies/${name}`);
      if (!d || !object(d.content)) return { state: "none" };
      return { state: "live", version: String(d.version), content: { ...d.content } };
    }
    if (kind === "golden_set") {
      const d = await api.get<{ version: number; content: unknown }>(`/api/v1/golden-sets/${name}`);
      if (!d || !object(d.content)) return { state: "none" };
      return { state: "live", version: String(d.version), content: { ...d.content } };
    }
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 404) return { state: "none" };
    throw e;
  }
  return { state: "unreadable" };
}
