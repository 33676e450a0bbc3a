import { test } from "node:test";
import assert from "node:assert/strict";
import { FieldError, fieldForParam, fieldPaths, fromContent, kindSpec, toContent } from "../src/authoring.js";
import { bindsLabel, expectationLabel, inputLabel, minPassRateLabel } from "../src/goldensets.js";
import { parseRoute, hrefFor } from "../src/routes.js";

const set = {
  binds: [{ kind: "prompt", target: "support-answer" }, { kind: "policy", target: "demo" }],
  minPassRate: 0.9,
  cases: [
    {
      id: "refund-1",
      input: { variables: { question: "Can I get a refund?" }, messages: [{ role: "user", content: "Refund please" }] },
      expect: [
        { type: "contains", value: "refund" },
        { type: "judge", route: "judge", rubric: "Does it state the 30-day window?", threshold: 0.7 },
      ],
      source: { requestId: "r-1", contentHash: "abc" },
    },
    {
      id: "deny.2",
      input: { messages: [{ role: "user", content: "my key is AKIA..." }], model: "sandbox", future: true },
      expect: [{ type: "policy", outcome: "denied" }],
    },
  ],
};

test("a golden set's content survives the form both ways: binds, cases, nested input, expectations, source", () => {
  const spec = kindSpec("golden_set");
  const form = fromContent(spec, set);
  assert.equal(form.values["minPassRate"], "0.9");
  assert.equal(form.groups["binds"]!.length, 2);
  assert.equal(form.groups["binds"]![1]!.values["kind"], "policy");
  assert.equal(form.groups["cases"]![0]!.values["id"], "refund-1");
  assert.equal(form.groups["cases"]![1]!.values["input.model"], "sandbox");
  assert.deepEqual(JSON.parse(String(form.groups["cases"]![0]!.values["expect"])), set.cases[0]!.expect);
  // the provenance of a captured case and an input key the form does not know are carried through
  assert.deepEqual(form.groups["cases"]![0]!.extra, { source: { requestId: "r-1", contentHash: "abc" } });
  assert.deepEqual(form.groups["cases"]![1]!.extra, { input: { future: true } });
  assert.deepEqual(toContent(spec, form), set);
});

test("a typed minimum pass rate is a JSON number; a word is named at its field", () => {
  const spec = kindSpec("golden_set");
  const form = fromContent(spec, set);
  form.values["minPassRate"] = " 0.75 ";
  assert.equal(toContent(spec, form)["minPassRate"], 0.75);
  form.values["minPassRate"] = "1";
  assert.equal(toContent(spec, form)["minPassRate"], 1);
  form.values["minPassRate"] = "most";
  assert.throws(() => toContent(spec, form), (e: unknown) => e instanceof FieldError && e.param === "content.minPassRate");
  form.values["minPassRate"] = "0.9";
  form.groups["cases"]![0]!.values["expect"] = "[{\"type\": ";
  assert.throws(() => toContent(spec, form), (e: unknown) => e instanceof FieldError && e.param === "content.cases[0].expect");
});

test("empty optional input fields are left out (messages too: a prompt case may give variables alone), required ones sent empty so that the server names them", () => {
  const spec = kindSpec("golden_set");
  const msgs = [{ role: "user", content: "x?" }];
  const form = fromContent(spec, { binds: [{ kind: "prompt", target: "p" }], minPassRate: 1, cases: [{ id: "a", input: { messages: msgs }, expect: [{ type: "contains", value: "x" }] }] });
  // no variables, no model: left out
  assert.deepEqual(toContent(spec, form)["cases"], [{ id: "a", input: { messages: msgs }, expect: [{ type: "contains", value: "x" }] }]);
  form.groups["cases"]![0]!.values["expect"] = "";
  form.groups["cases"]![0]!.values["input.messages"] = "";
  form.values["minPassRate"] = "";
  const c = toContent(spec, form);
  assert.equal(c["minPassRate"], "");
  assert.deepEqual((c["cases"] as Record<string, unknown>[])[0], { id: "a", expect: "" });
  // a prompt case given by its variables alone
  form.groups["cases"]![0]!.values["input.variables"] = "{\"product\": \"Acme\"}";
  assert.deepEqual((toContent(spec, form)["cases"] as Record<string, unknown>[])[0], { id: "a", input: { variables: { product: "Acme" } }, expect: "" });
});

test("the server's field errors find their fields in the golden set form", () => {
  const spec = kindSpec("golden_set");
  const paths = fieldPaths(spec, fromContent(spec, set));
  assert.equal(fieldForParam("content.cases[1].expect[0].threshold", paths), "cases[1].expect");
  assert.equal(fieldForParam("content.cases[0].input.variables.question", paths), "cases[0].input.variables");
  assert.equal(fieldForParam("content.cases[0].input.model", paths), "cases[0].input.model");
  assert.equal(fieldForParam("content.cases[1].input", paths), "cases[1]");
  assert.equal(fieldForParam("content.binds[1].target", paths), "binds[1].target");
  assert.equal(fieldForParam("content.minPassRate", paths), "minPassRate");
  assert.equal(fieldForParam("content.binds", paths), "binds");
});

test("the golden set pages' words and addresses", () => {
  assert.equal(bindsLabel(set.binds), "prompt support-answer, policy demo");
  assert.equal(bindsLabel([]), "—");
  assert.equal(minPassRateLabel(0.9), "90%");
  assert.equal(minPassRateLabel(undefined), "—");
  assert.equal(expectationLabel({ type: "contains", value: "refund" }), "contains \"refund\"");
  assert.equal(expectationLabel({ type: "policy", outcome: "denied" }), "policy outcome denied");
  assert.equal(expectationLabel({ type: "judge", route: "judge", rubric: "30 days?", threshold: 0.7 }), "judge over judge ≥ 0.7: \"30 days?\"");
  assert.equal(inputLabel(set.cases[1]!), "user: my key is AKIA... · model sandbox");
  assert.deepEqual(parseRoute("/console/golden-sets"), { name: "golden-sets" });
  assert.deepEqual(parseRoute("/console/golden-sets/support.v2"), { name: "golden-set", set: "support.v2" });
  assert.deepEqual(parseRoute("/console/golden-sets/Bad%20Name").name, "not-found");
  assert.equal(hrefFor({ name: "golden-set", set: "support.v2" }), "/console/golden-sets/support.v2");
});
