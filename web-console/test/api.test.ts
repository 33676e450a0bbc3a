import { test } from "node:test";
import assert from "node:assert/strict";
import { Api, ApiError } from "../src/api.js";
import { numberText } from "../src/jsontext.js";

type Call = { url: string; init: RequestInit | undefined };

function fake(status: number, body: string, contentType = "application/json") {
  const calls: Call[] = [];
  const fn = async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return new Response(status === 204 ? null : body, { status, headers: { "Content-Type": contentType } });
  };
  return { calls, fn };
}

test("actions POST {comment} with the bearer token", async () => {
  const f = fake(200, '{"id":"c1","state":"approved"}');
  const api = new Api(f.fn, () => "tok");
  const c = await api.act("c1", "approve", "  looks good ");
  assert.equal(c.state, "approved");
  assert.equal(f.calls[0]!.url, "/api/v1/changes/c1/approve");
  assert.equal(f.calls[0]!.init!.method, "POST");
  assert.equal((f.calls[0]!.init!.headers as Record<string, string>)["Authorization"], "Bearer tok");
  assert.equal(f.calls[0]!.init!.body, '{"comment":"looks good"}');
});

test("login sends no token", async () => {
  const f = fake(200, '{"access_token":"abc"}');
  const api = new Api(f.fn, () => "old");
  assert.equal((await api.login("alice", "pw")).access_token, "abc");
  assert.equal((f.calls[0]!.init!.headers as Record<string, string>)["Authorization"], undefined);
});

test("a 403 becomes an ApiError with the problem's detail", async () => {
  const f = fake(403, '{"title":"Forbidden","status":403,"detail":"The author of a change cannot approve it","code":"own_change"}', "application/problem+json");
  const api = new Api(f.fn, () => "tok");
  await assert.rejects(api.act("c1", "approve", ""), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.problem.status, 403);
    assert.equal(e.message, "The author of a change cannot approve it");
    return true;
  });
});

test("a 401 tells the app to sign in again", async () => {
  const f = fake(401, '{"status":401,"detail":"expired"}', "application/problem+json");
  const api = new Api(f.fn, () => "tok");
  let told = 0;
  api.onUnauthorized = () => told++;
  await assert.rejects(api.me());
  assert.equal(told, 1);
});

test("a failed connection is an ApiError too", async () => {
  const api = new Api(async () => { throw new TypeError("Failed to fetch"); }, () => null);
  await assert.rejects(api.changes(null), (e: unknown) => e instanceof ApiError && e.problem.status === 0);
});

test("changes: list unwraps data and filters by state", async () => {
  const f = fake(200, '{"data":[{"id":"a"},{"id":"b"}]}');
  const api = new Api(f.fn, () => "tok");
  assert.deepEqual((await api.changes("in_review")).map((c) => c.id), ["a", "b"]);
  assert.equal(f.calls[0]!.url, "/api/v1/changes?state=in_review");
});

test("a conditional write sends If-Match with the ETag of the read, and hands back the new ETag", async () => {
  const calls: Call[] = [];
  let n = 0;
  const fn = async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    n++;
    return new Response('{"entries":[]}', { status: 200, headers: { "Content-Type": "application/json", ETag: `"v${n}"` } });
  };
  const api = new Api(fn, () => "tok");
  const read = await api.getTagged<{ entries: unknown[] }>("/api/v1/platform/tenants/t/egress-allowlist");
  assert.equal(read.etag, '"v1"');
  assert.deepEqual(read.body, { entries: [] });
  const saved = await api.sendIfMatch("PUT", "/api/v1/platform/tenants/t/egress-allowlist", { entries: [] }, read.etag);
  assert.equal(saved.etag, '"v2"');
  const h = calls[1]!.init!.headers as Record<string, string>;
  assert.equal(h["If-Match"], '"v1"');
  assert.equal(h["Authorization"], "Bearer tok");
  assert.equal(calls[1]!.init!.method, "PUT");
  // no ETag read: no If-Match (the server then replaces unconditionally)
  await api.sendIfMatch("PUT", "/x", {}, null);
  assert.equal((calls[2]!.init!.headers as Record<string, string>)["If-Match"], undefined);
});

test("a refused conditional write is an ApiError with status 409 and the problem's code", async () => {
  const f = fake(409, '{"title":"Conflict","status":409,"detail":"The egress allow-list changed since it was read","code":"stale_allowlist"}', "application/problem+json");
  const api = new Api(f.fn, () => "tok");
  await assert.rejects(api.sendIfMatch("PUT", "/x", { entries: [] }, '"a"'), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.problem.status, 409);
    assert.equal(e.problem.code, "stale_allowlist");
    return true;
  });
});

test("the change page's calls: revise is PUT {content, comment}, a reply names its parent, the post-hoc review approves", async () => {
  const f = fake(200, '{"id":"c1","state":"draft"}');
  const api = new Api(f.fn, () => "tok");
  await api.revise("c1", { messages: [] }, " kinder ");
  assert.equal(f.calls[0]!.url, "/api/v1/changes/c1");
  assert.equal(f.calls[0]!.init!.method, "PUT");
  assert.equal(f.calls[0]!.init!.body, '{"content":{"messages":[]},"comment":"kinder"}');
  await api.revise("c1", { a: 1 }, "");
  assert.equal(f.calls[1]!.init!.body, '{"content":{"a":1}}');
  await api.addComment("c1", "Why?", "p1");
  assert.equal(f.calls[2]!.url, "/api/v1/changes/c1/comments");
  assert.equal(f.calls[2]!.init!.body, '{"comment":"Why?","parentId":"p1"}');
  await api.addComment("c1", "On its own");
  assert.equal(f.calls[3]!.init!.body, '{"comment":"On its own"}');
  await api.act("c1", "post-hoc-review", "checked");
  assert.equal(f.calls[4]!.url, "/api/v1/changes/c1/approve");
  await api.act("c1", "rollback", "incident");
  assert.equal(f.calls[5]!.url, "/api/v1/changes/c1/rollback");
  await api.act("c1", "rebase", "");
  assert.equal(f.calls[6]!.url, "/api/v1/changes/c1/rebase");
  assert.equal(f.calls[6]!.init!.body, "{}");
});

test("the test call is POST /changes/{id}/test-call with the body as given", async () => {
  const f = fake(200, '{"changeId":"c 1","status":200,"outcome":"answered","text":"hi","inputTokens":1,"outputTokens":1,"costMicros":0,"requestId":"r"}');
  const api = new Api(f.fn, () => "tok");
  const a = await api.testCall("c 1", { messages: [{ role: "user", content: "hi" }], model: "sandbox" });
  assert.equal(f.calls[0]!.url, "/api/v1/changes/c%201/test-call");
  assert.equal(f.calls[0]!.init!.method, "POST");
  assert.equal(f.calls[0]!.init!.body, '{"messages":[{"role":"user","content":"hi"}],"model":"sandbox"}');
  assert.equal(a.text, "hi");
});

test("a change is read by a GET without a body, its numbers keeping their JSON text (the prompt preview)", async () => {
  const f = fake(200, '{"id":"c1","content":{"variables":{"properties":{"n":{"default":1.0}}}}}');
  const api = new Api(f.fn, () => "tok");
  const c = await api.change("c1");
  assert.equal(f.calls[0]!.url, "/api/v1/changes/c1");
  assert.equal(f.calls[0]!.init!.method, "GET");
  assert.equal(f.calls[0]!.init!.body, undefined);
  const n = (c.content as { variables: { properties: { n: object } } }).variables.properties.n;
  assert.equal(numberText(n, "default"), "1.0");
});
