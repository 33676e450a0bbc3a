import { test } from "node:test";
import assert from "node:assert/strict";
import {
  csv, egressDifference, InputError, inputValue, MAX_INT, microsToUnits, optionalInt, rolesToSend, unitsToMicros, utcInstant,
  sessionsEndedText,
} from "../src/adminforms.js";
import { adminPages, capabilities, holdsRole } from "../src/permissions.js";
import { hrefFor, parseRoute } from "../src/routes.js";
import type { Me } from "../src/types.js";

const me = (roles: string[]): Me => ({ userId: "u", username: "x", tenant: "demo", roles });

test("administration pages follow the server's roles: tenant admins their tenant's, the platform admin every page", () => {
  const allowed = (roles: string[]) => adminPages(me(roles)).filter((p) => p.allowed).map((p) => p.page);
  assert.deepEqual(allowed(["admin"]), ["users", "keys", "limits", "webhooks"]);
  // Caller.has: the platform admin holds every tenant role (in its own tenant), so the server lets it in
  assert.deepEqual(allowed(["platform-admin"]), ["tenants", "egress", "users", "keys", "limits", "webhooks"]);
  assert.equal(holdsRole(me(["platform-admin"]), "admin"), true);
  assert.equal(holdsRole(me(["platform-admin"]), "platform-admin"), true);
  assert.equal(holdsRole(me(["admin"]), "platform-admin"), false);
  assert.deepEqual(allowed(["author"]), []);
  assert.deepEqual(allowed(["auditor", "reviewer"]), []);
  assert.equal(capabilities(me(["admin"])).administer, true);
  assert.equal(capabilities(me(["platform-admin"])).administer, true);
  assert.equal(capabilities(me(["author"])).administer, false);
  for (const p of adminPages(me(["author"]))) assert.match(p.who, /admin/);
});

test("admin addresses parse and print both ways", () => {
  assert.deepEqual(parseRoute("/console/admin"), { name: "admin", page: null });
  assert.deepEqual(parseRoute("/console/admin/keys"), { name: "admin", page: "keys" });
  assert.deepEqual(parseRoute("/console/admin/egress", "?tenant=0f3c-11"), { name: "admin", page: "egress", tenant: "0f3c-11" });
  assert.deepEqual(parseRoute("/console/admin/egress", "?tenant=%3Cx%3E"), { name: "admin", page: "egress" });
  assert.equal(parseRoute("/console/admin/nothing").name, "not-found");
  assert.equal(hrefFor({ name: "admin", page: "egress", tenant: "t1" }), "/console/admin/egress?tenant=t1");
  assert.equal(hrefFor({ name: "admin", page: null }), "/console/admin");
});

test("money: currency units to micros and back, exactly", () => {
  assert.equal(unitsToMicros("12.5", "d", "Daily"), 12_500_000);
  assert.equal(unitsToMicros("0.000001", "d", "Daily"), 1);
  assert.equal(unitsToMicros(" ", "d", "Daily"), null);
  assert.equal(microsToUnits(12_500_000), "12.5");
  assert.equal(microsToUnits(25_000_000), "25");
  assert.equal(microsToUnits(null), "");
  // negative amounts keep their sign (a credit, a correction), however small
  assert.equal(microsToUnits(-500_000), "-0.5");
  assert.equal(microsToUnits(-12_500_000), "-12.5");
  assert.equal(microsToUnits(-3_000_000), "-3");
  assert.equal(microsToUnits(0), "0");
  assert.throws(() => unitsToMicros("1.2345678", "dailyBudgetMicros", "Daily"), (e: unknown) => e instanceof InputError && e.param === "dailyBudgetMicros");
  assert.throws(() => unitsToMicros("-3", "d", "Daily"), InputError);
});

test("numbers, lists and UTC times as the API takes them", () => {
  assert.equal(optionalInt("", "rpmLimit", "Rpm"), null);
  assert.equal(optionalInt(" 60 ", "rpmLimit", "Rpm"), 60);
  assert.throws(() => optionalInt("6o", "rpmLimit", "Rpm"), (e: unknown) => e instanceof InputError && e.param === "rpmLimit");
  // the API's integers are Java ints: anything larger is named here, not refused later as a parse error
  assert.equal(optionalInt(String(MAX_INT), "rpmLimit", "Rpm"), 2_147_483_647);
  assert.throws(() => optionalInt("2147483648", "rpmLimit", "Rpm"), (e: unknown) => e instanceof InputError && /at most 2147483647/.test(e.message));
  assert.throws(() => optionalInt("99999999999999999999", "tpmLimit", "Tpm"), (e: unknown) => e instanceof InputError && e.param === "tpmLimit");
  assert.deepEqual(csv(" a, b ,,c "), ["a", "b", "c"]);
  assert.equal(utcInstant("2027-01-02T03:04"), "2027-01-02T03:04:00.000Z");
  assert.equal(utcInstant(""), null);
});

test("a number or date the browser cannot read is a mistake named at its field, never 'no limit' or 'no expiry'", () => {
  // type=number / datetime-local with unreadable text: value "" and validity.badInput
  const bad = (type: string) => ({ type, value: "", validity: { badInput: true } });
  assert.throws(() => inputValue(bad("number"), "port", "Port"), (e: unknown) => e instanceof InputError && e.param === "port" && /not a number/.test(e.message));
  assert.throws(() => inputValue(bad("datetime-local"), "expiresAt", "Expires"), (e: unknown) => e instanceof InputError && e.param === "expiresAt" && /date and time/.test(e.message));
  assert.equal(inputValue({ type: "number", value: "", validity: { badInput: false } }, "port", "Port"), "");
  assert.equal(inputValue({ type: "number", value: "443", validity: { badInput: false } }, "port", "Port"), "443");
  assert.equal(inputValue({ type: "checkbox", value: "on", checked: true }, "x", "X"), "true");
  assert.equal(inputValue({ type: "checkbox", value: "on", checked: false }, "x", "X"), "false");
  assert.equal(inputValue({ type: "text", value: " a " }, "x", "X"), " a ");
});

test("saving a user's role boxes keeps the roles the boxes do not show (platform-admin)", () => {
  const shown = ["author", "reviewer", "auditor", "admin"] as const;
  assert.deepEqual(rolesToSend(shown, ["admin"], ["platform-admin", "admin", "author"]), ["admin", "platform-admin"]);
  assert.deepEqual(rolesToSend(shown, ["author", "reviewer"], ["author"]), ["author", "reviewer"]);
  assert.deepEqual(rolesToSend(shown, [], ["platform-admin"]), ["platform-admin"]);
});

test("what another admin changed in the egress allow-list, named for the person whose save was refused", () => {
  const before = [{ destination: "10.1.0.0/16" }, { destination: "127.0.0.1", port: 9 }];
  const after = [{ destination: "10.1.0.0/16" }, { destination: "10.3.0.0/16", port: null, note: "new" }];
  assert.deepEqual(egressDifference(before, after), { added: ["10.3.0.0/16"], removed: ["127.0.0.1:9"] });
  assert.deepEqual(egressDifference(after, after), { added: [], removed: [] });
});

test("ending a person's sessions says how many ended, and when there were none", () => {
  assert.equal(sessionsEndedText("alice", 0), "alice had no live session; nothing to end.");
  assert.match(sessionsEndedText("alice", 1), /^1 session of alice ended/);
  assert.match(sessionsEndedText("oidc:x", 3), /^3 sessions of oidc:x ended; their access tokens no longer work\.$/);
});
