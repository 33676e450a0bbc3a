import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../src/api.js";
import { fromContent, kindSpec, toContent } from "../src/authoring.js";
import { canReadLive, liveLabel, readLive, type Reader } from "../src/livecontent.js";

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

const promptVersion = {
  messages: [{ role: "system", content: "Live {{product}}." }],
  variables: { type: "object", properties: { product: { type: "string" } } },
  route: "support",
  parameters: { temperature: 0.1 },
};

test("a prompt's live version is read as change content, with the label it is live under", async () => {
  const api = reader({
    "/api/v1/prompts/faq": { name: "faq", liveVersion: 3, labels: { staging: { version: 4 }, production: { version: 3 } }, versions: [] },
    "/api/v1/prompts/faq/versions/3": { version: 3, content: promptVersion },
  });
  const r = await readLive(api, "prompt", "faq");
  assert.equal(r.state, "live");
  if (r.state !== "live") return;
  assert.equal(r.version, "3");
  assert.deepEqual(r.content, { ...promptVersion, label: "production" });
  // what the form makes of it is the live content again (nothing dropped)
  const spec = kindSpec("prompt");
  assert.deepEqual(toContent(spec, fromContent(spec, r.content)), r.content);
});

test("a policy's live content keeps what the form does not show (guards, descriptions of rules)", async () => {
  const policy = {
    description: "Mail stays in", mode: "enforce", onError: "fail_closed",
    guards: { tox: { route: "mod", kind: "moderation" } },
    rules: [{ id: "r1", description: "why r1", condition: "true", action: "deny", code: "no", guard: "tox" }],
  };
  const api = reader({ "/api/v1/policies/mail": { name: "mail", version: "v7", mode: "enforce", global: false, content: policy, history: [] } });
  const r = await readLive(api, "policy", "mail");
  assert.equal(r.state, "live");
  if (r.state !== "live") return;
  assert.equal(r.version, "v7");
  const spec = kindSpec("policy");
  assert.deepEqual(toContent(spec, fromContent(spec, r.content)), policy);
});

test("nothing live: unknown (404) or never published; names are escaped in the address", async () => {
  assert.deepEqual(await readLive(reader({}), "policy", "nope"), { state: "none" });
  const api = reader({ "/api/v1/prompts/new": { name: "new", liveVersion: null, labels: {}, versions: [] } });
  assert.deepEqual(await readLive(api, "prompt", "new"), { state: "none" });
  const esc = reader({});
  await readLive(esc, "policy", "a/b?c");
  assert.deepEqual(esc.paths, ["/api/v1/policies/a%2Fb%3Fc"]);
});

test("other errors are not taken for 'nothing live'", async () => {
  const api: Reader = { get: async () => { throw new ApiError({ status: 403, title: "Forbidden", detail: "no" }); } };
  await assert.rejects(readLive(api, "prompt", "faq"), (e: unknown) => e instanceof ApiError && e.problem.status === 403);
});

test("providers, routes and MCP servers have no read API: the form warns instead", async () => {
  assert.deepEqual(["prompt", "provider", "route", "policy", "mcp_server", "golden_set"].filter(canReadLive), ["prompt", "policy", "golden_set"]);
  for (const kind of ["provider", "route", "mcp_server"]) assert.deepEqual(await readLive(reader({}), kind, "x"), { state: "unreadable" });
  assert.equal(liveLabel({ liveVersion: 2, labels: { b: { version: 2 }, a: { version: 2 } } }), "a");
  assert.equal(liveLabel({ liveVersion: 2, labels: {} }), null);
});
