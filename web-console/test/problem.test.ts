import { test } from "node:test";
import assert from "node:assert/strict";
import { describeProblem, networkProblem, parseProblem } from "../src/problem.js";

test("problem JSON: the server's detail is what people read", () => {
  const body = JSON.stringify({
    type: "urn:gatehouse:problem:own_change", title: "Forbidden", status: 403,
    detail: "The author of a change cannot approve it", code: "own_change", requestId: "req_1",
  });
  const p = parseProblem(403, "application/problem+json", body);
  assert.deepEqual(p, { status: 403, title: "Forbidden", detail: "The author of a change cannot approve it", code: "own_change", requestId: "req_1" });
  assert.equal(describeProblem(p), "403 Forbidden: The author of a change cannot approve it");
});

test("409 illegal transition keeps code and detail", () => {
  const p = parseProblem(409, "application/problem+json",
    '{"title":"Conflict","status":409,"detail":"Cannot publish a change that is draft","code":"illegal_transition"}');
  assert.equal(p.detail, "Cannot publish a change that is draft");
  assert.equal(p.code, "illegal_transition");
});

test("OpenAI error JSON is understood too", () => {
  const p = parseProblem(401, "application/json", '{"error":{"message":"Bad key","code":"invalid_api_key","param":null}}');
  assert.equal(p.detail, "Bad key");
  assert.equal(p.code, "invalid_api_key");
});

test("an HTML error page or empty body still gives a sentence", () => {
  assert.equal(parseProblem(502, "text/html", "<html>Bad gateway</html>").detail, "The server is not reachable right now.");
  assert.equal(parseProblem(401, null, "").detail, "You are not signed in, or your session has expired. Please sign in again.");
  assert.equal(parseProblem(418, null, "").detail, "The request failed with status 418.");
  assert.equal(parseProblem(599, null, "").detail, "The server failed. Try again later.");
  assert.equal(parseProblem(500, "application/json", "{not json").title, "Server Error");
});

test("network failures are problems with status 0", () => {
  const p = networkProblem(new TypeError("Failed to fetch"));
  assert.equal(p.status, 0);
  assert.equal(describeProblem(p), "No connection: The server could not be reached (Failed to fetch).");
});
