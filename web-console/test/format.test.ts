import { test } from "node:test";
import assert from "node:assert/strict";
import { approvalsLabel, decisionLabel, evidenceStatusLabel, formatInstant, riskLabel, shortId, stateLabel } from "../src/format.js";
import { hrefFor, parseRoute } from "../src/routes.js";
import { exportTicketRequest, searchPath, toInstant } from "../src/auditquery.js";
import { actorName, actorRoles, fieldRows } from "../src/auditfmt.js";
import { Session } from "../src/session.js";

test("labels", () => {
  assert.equal(stateLabel("in_review"), "In review");
  assert.equal(stateLabel("changes_requested"), "Changes requested");
  assert.equal(stateLabel("something_new"), "something new");
  assert.equal(riskLabel("HIGH"), "High risk (two reviewers)");
  assert.equal(riskLabel("low"), "Low risk");
  assert.equal(approvalsLabel(0, 1), "0 of 1 approval");
  assert.equal(approvalsLabel(1, 2), "1 of 2 approvals");
  assert.equal(decisionLabel("approve"), "approved");
  assert.equal(decisionLabel("request_changes"), "requested changes");
  assert.equal(shortId("0b6f4c7e-1111-2222-3333-444455556666"), "0b6f4c7e");
  // the change list's evidence column (issue 23)
  assert.equal(evidenceStatusLabel("none"), "No golden set");
  assert.equal(evidenceStatusLabel("missing"), "Run missing");
  assert.equal(evidenceStatusLabel("running"), "Evaluating");
  assert.equal(evidenceStatusLabel("passed"), "Passed");
  assert.equal(evidenceStatusLabel("failed"), "Failed");
  assert.equal(evidenceStatusLabel("error"), "Error");
  assert.equal(evidenceStatusLabel("something_new"), "something new");
  assert.equal(evidenceStatusLabel(undefined), "—");
});

test("instants are shown in UTC, and nonsense as it came", () => {
  assert.equal(formatInstant("2026-11-27T05:18:52.123Z"), "2026-11-27 05:18 UTC");
  assert.equal(formatInstant(null), "—");
  assert.equal(formatInstant("yesterday"), "yesterday");
});

const routes: [string, string, unknown][] = [
  ["/console/", "", { name: "changes", state: null }],
  ["/console", "", { name: "changes", state: null }],
  ["/console/changes", "?state=in_review", { name: "changes", state: "in_review" }],
  ["/console/changes/new", "", { name: "new-change" }],
  ["/console/changes/0b6f4c7e-1111-2222-3333-444455556666", "", { name: "change", id: "0b6f4c7e-1111-2222-3333-444455556666" }],
  ["/console/audit/", "", { name: "audit" }],
  ["/console/login", "", { name: "login" }],
  ["/console/dashboard", "", { name: "dashboard" }],
  ["/console/audit/events/0b6f4c7e-1111-2222-3333-444455556666", "", { name: "audit-event", id: "0b6f4c7e-1111-2222-3333-444455556666" }],
  ["/console/audit/events/a/b", "", { name: "not-found", path: "/console/audit/events/a/b" }],
  ["/console/lineage", "", { name: "lineage", from: null }],
  ["/console/lineage", "?request=req-1", { name: "lineage", from: { kind: "request", id: "req-1" } }],
  ["/console/lineage", "?prompt-version=support%2Fv3", { name: "lineage", from: { kind: "prompt-version", id: "support/v3" } }],
  ["/console/lineage", "?policy-version=global%3Abaseline%40v2", { name: "lineage", from: { kind: "policy-version", id: "global:baseline@v2" } }],
  ["/console/lineage", "?reviewer=u-1&change=c-1", { name: "lineage", from: { kind: "reviewer", id: "u-1" } }],
  ["/console/lineage", "?request=%20%20", { name: "lineage", from: null }],
  ["/console/nope/deeper", "", { name: "not-found", path: "/console/nope/deeper" }],
  ["/elsewhere", "", { name: "not-found", path: "/elsewhere" }],
];
for (const [path, search, route] of routes) {
  test(`route ${path}${search}`, () => assert.deepEqual(parseRoute(path, search), route));
}

test("hrefFor round-trips through parseRoute", () => {
  for (const r of [
    { name: "changes", state: "approved" },
    { name: "change", id: "abc-123" },
    { name: "audit" },
    { name: "new-change" },
    { name: "dashboard" },
    { name: "audit-event", id: "0b6f4c7e-1111" },
    { name: "lineage", from: null },
    { name: "lineage", from: { kind: "prompt-version", id: "triage/v2" } },
    { name: "lineage", from: { kind: "policy-version", id: "global:pii@v3" } },
    { name: "lineage", from: { kind: "change", id: "c&d=e" } },
  ] as const) {
    const href = hrefFor(r);
    const u = new URL(href, "http://x");
    assert.deepEqual(parseRoute(u.pathname, u.search), r);
  }
});

test("audit instants: datetime-local is UTC, bad input is refused with the field's name", () => {
  assert.equal(toInstant("2026-11-27T05:00", "From"), "2026-11-27T05:00:00.000Z");
  assert.equal(toInstant("2026-11-27", "From"), "2026-11-27T00:00:00.000Z");
  assert.equal(toInstant("2026-11-27T05:00:00+01:00", "From"), "2026-11-27T04:00:00.000Z");
  assert.equal(toInstant("  ", "From"), null);
  assert.throws(() => toInstant("last week", "To"), /^Error: To: "last week" is not a date/);
});

test("audit search and export paths", () => {
  assert.equal(searchPath({}), "/api/v1/audit/events");
  assert.equal(
    searchPath({ from: "2026-11-27T05:00", action: "change.approve", actor: " ", limit: 50 }),
    "/api/v1/audit/events?from=2026-11-27T05%3A00%3A00.000Z&action=change.approve&limit=50",
  );
});

test("the session keeps the token in the given storage and forgets it on sign-out", () => {
  const m = new Map<string, string>();
  const storage = {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  } as unknown as Storage;
  const s = new Session(storage);
  assert.equal(s.token(), null);
  s.signIn("t1");
  assert.equal(new Session(storage).token(), "t1");
  s.signOut();
  assert.equal(new Session(storage).token(), null);
  assert.equal(new Session(null).token(), null);
});

test("export tickets carry the period as instants, and nothing for an empty field", () => {
  assert.deepEqual(exportTicketRequest("jsonl"), { format: "jsonl" });
  assert.deepEqual(exportTicketRequest("csv", "2026-11-01", ""), { format: "csv", from: "2026-11-01T00:00:00.000Z" });
  assert.deepEqual(exportTicketRequest("jsonl", "2026-11-01T05:00", "2026-11-02"), {
    format: "jsonl", from: "2026-11-01T05:00:00.000Z", to: "2026-11-02T00:00:00.000Z",
  });
  assert.throws(() => exportTicketRequest("jsonl", "2026-11-02", "2026-11-01"), /To must be after From/);
  assert.throws(() => exportTicketRequest("jsonl", "soon"), /From: "soon" is not a date/);
});

test("actors by the name and roles recorded beside the event; details as rows", () => {
  const e = { seq: 1, id: "e", time: "t", action: "a", actor: "u-1", display: { "actor.name": "dave", "actor.roles": ["auditor", 3] } };
  assert.equal(actorName(e), "dave");
  assert.deepEqual(actorRoles(e), ["auditor"]);
  assert.equal(actorName({ ...e, display: null }), null);
  assert.equal(actorName({ ...e, display: { "actor.name": "" } }), null);
  assert.deepEqual(actorRoles({ ...e, display: { "actor.roles": "admin" } }), []);
  assert.deepEqual(fieldRows({ provider: "sb", tokens: { input: 3, output: 4 }, matched: ["a", "b"], none: [], n: null }), [
    ["provider", "sb"], ["tokens.input", "3"], ["tokens.output", "4"], ["matched", "a, b"], ["none", "(none)"], ["n", "—"],
  ]);
  assert.deepEqual(fieldRows([{ a: 1 }, { a: 2 }], "x"), [["x[0].a", "1"], ["x[1].a", "2"]]);
  assert.deepEqual(fieldRows(null), []);
  assert.deepEqual(fieldRows({}), []);
});
