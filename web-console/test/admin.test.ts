import { test } from "node:test";
import assert from "node:assert/strict";
import { csv, InputError, microsToUnits, optionalInt, unitsToMicros, utcInstant } from "../src/adminforms.js";
import { adminPages, capabilities } from "../src/permissions.js";
import { hrefFor, parseRoute } from "../src/routes.js";
import type { Me } from "../src/types.js";

const me = (roles: string[]): Me => ({ userId: "u", username: "x", tenant: "demo", roles });

test("administration pages follow the server's roles: tenant admins their tenant's, the platform admin tenants", () => {
  const allowed = (roles: string[]) => adminPages(me(roles)).filter((p) => p.allowed).map((p) => p.page);
  assert.deepEqual(allowed(["admin"]), ["users", "keys", "limits", "webhooks"]);
  assert.deepEqual(allowed(["platform-admin"]), ["tenants", "egress"]);
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
  assert.throws(() => unitsToMicros("1.2345678", "dailyBudgetMicros", "Daily"), (e: unknown) => e instanceof InputError && e.param === "dailyBudgetMicros");
  assert.throws(() => unitsToMicros("-3", "d", "Daily"), InputError);
});

test("numbers, lists and UTC times as the API takes them", () => {
  assert.equal(optionalInt("", "rpmLimit", "Rpm"), null);
  assert.equal(optionalInt(" 60 ", "rpmLimit", "Rpm"), 60);
  assert.throws(() => optionalInt("6o", "rpmLimit", "Rpm"), (e: unknown) => e instanceof InputError && e.param === "rpmLimit");
  assert.deepEqual(csv(" a, b ,,c "), ["a", "b", "c"]);
  assert.equal(utcInstant("2027-01-02T03:04"), "2027-01-02T03:04:00.000Z");
  assert.equal(utcInstant(""), null);
});
