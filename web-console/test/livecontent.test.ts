import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../src/api.js";
import { fromContent, kindSpec, toContent } from "../src/authoring.js";
import { livePath, readLive, type Reader } from "../src/livecontent.js";

function reader(answers: Record<string, unknown>): Reader & { paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    async get<T>(path: string): Promise<T> {
      paths.push(path);
      if (!(path in answers)) throw new ApiError({ status: 404, title: "Not Found", detail: "No such thing" });
      return answers[path] as T;
    },
  };
}

const promptContent = {
  messages: [{ role: "system", content: "Live {{product}}." }],
  variables: { type: "object", properties: { product: { type: "string" } } },
  route: "support",
  parameters: { temperature: 0.1 },
  label: "production",
};

test("every kind is read through the one live-content address", () => {
  assert.equal(livePath("prompt", "faq"), "/api/v1/changes/live/prompt/faq");
  assert.equal(livePath("mcp_server", "a/b?c"), "/api/v1/changes/live/mcp_server/a%2Fb%3Fc");
});

test("a prompt's live content is read as change content, with the label it is live under", async () => {
  const api = reader({ "/api/v1/changes/live/prompt/faq": { kind: "prompt", target: "faq", version: "3", content: promptContent } });
  const r = await readLive(api, "prompt", "faq");
  assert.equal(r.state, "live");
  if (r.state !== "live") return;
  assert.equal(r.version, "3");
  assert.deepEqual(r.content, promptContent);
  assert.deepEqual(r.secretsSet, []);
  const spec = kindSpec("prompt");
  assert.deepEqual(toContent(spec, fromContent(spec, r.content)), r.content);
});

test("a policy's live content keeps what the form does not show (guards, descriptions of rules)", async () => {
  const policy = {
    description: "Mail stays in", mode: "enforce", onError: "fail_closed",
    guards: { tox: { route: "mod", kind: "moderation" } },
    rules: [{ id: "r1", description: "why r1", condition: "true", action: "deny", code: "no", guard: "tox" }],
  };
  const api = reader({ "/api/v1/changes/live/policy/mail": { kind: "policy", target: "mail", version: "v7", content: policy } });
  const r = await readLive(api, "policy", "mail");
  assert.equal(r.state, "live");
  if (r.state !== "live") return;
  assert.equal(r.version, "v7");
  const spec = kindSpec("policy");
  assert.deepEqual(toContent(spec, fromContent(spec, r.content)), policy);
});

test("a provider's live content: options kept, the credential flag named and left out, no credential sent", async () => {
  const provider = {
    kind: "openai", baseUrl: "https://api.example/v1", region: "eu", clearance: 2, timeoutMs: 5000,
    options: { responsesApi: true }, models: [{ name: "m1", capabilities: ["chat", "tools"] }], credentialSet: true,
  };
  const api = reader({ "/api/v1/changes/live/provider/p1": { kind: "provider", target: "p1", version: "abc", content: provider } });
  const r = await readLive(api, "provider", "p1");
  assert.equal(r.state, "live");
  if (r.state !== "live") return;
  assert.deepEqual(r.secretsSet, ["credential"]);
  assert.equal("credentialSet" in r.content, false);
  const spec = kindSpec("provider");
  const back = toContent(spec, fromContent(spec, r.content));
  assert.deepEqual((back as Record<string, unknown>)["options"], { responsesApi: true });
  assert.equal("credential" in back, false);
});

test("routes and MCP servers are read the same way (no more 'replaces the whole object')", async () => {
  const route = { operation: "chat", strategy: "priority", targets: [{ provider: "p1", model: "m1" }] };
  const api = reader({ "/api/v1/changes/live/route/support": { kind: "route", target: "support", version: "r2", content: route } });
  const r = await readLive(api, "route", "support");
  assert.equal(r.state, "live");
  if (r.state === "live") assert.deepEqual(r.content, route);
  const mcp = reader({ "/api/v1/changes/live/mcp_server/files": { kind: "mcp_server", target: "files", version: "1", content: { transport: "sandbox", tools: [], credentialSet: false } } });
  const m = await readLive(mcp, "mcp_server", "files");
  assert.equal(m.state, "live");
  if (m.state === "live") {
    assert.deepEqual(m.secretsSet, []);
    assert.deepEqual(m.content, { transport: "sandbox", tools: [] });
  }
});

test("nothing live (404: unknown here, or another tenant's) is 'none'; other errors are not", async () => {
  assert.deepEqual(await readLive(reader({}), "policy", "nope"), { state: "none" });
  const api: Reader = { get: async () => { throw new ApiError({ status: 403, title: "Forbidden", detail: "no" }); } };
  await assert.rejects(readLive(api, "prompt", "faq"), (e: unknown) => e instanceof ApiError && e.problem.status === 403);
});
