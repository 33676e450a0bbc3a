import { test } from "node:test";
import assert from "node:assert/strict";
import {
  emptyForm, FieldError, fieldForParam, fieldId, fieldPaths, fromContent, KINDS, kindSpec, toContent,
} from "../src/authoring.js";

const prompt = {
  messages: [
    { role: "system", content: "You answer questions about {{product}}." },
    { role: "user", content: "{{question}}" },
  ],
  variables: { type: "object", required: ["product"], properties: { product: { type: "string" }, question: { type: "string" } } },
  route: "sandbox",
  label: "production",
  parameters: { temperature: 0.2 },
  canary: { percent: 10 },
};

test("every kind the server has a ChangeKind for has a form", () => {
  assert.deepEqual(KINDS.map((k) => k.kind), ["prompt", "provider", "route", "policy", "mcp_server"]);
});

test("a prompt's content survives the form both ways", () => {
  const spec = kindSpec("prompt");
  const form = fromContent(spec, prompt);
  assert.equal(form.values["route"], "sandbox");
  assert.equal(form.values["canary.percent"], "10");
  assert.equal(form.groups["messages"]!.length, 2);
  assert.equal(form.groups["messages"]![1]!.values["content"], "{{question}}");
  assert.deepEqual(toContent(spec, form), prompt);
});

test("what the form does not show is carried through: a policy's guards, a rule's unknown keys", () => {
  const spec = kindSpec("policy");
  const policy = {
    mode: "enforce",
    onError: "fail_closed",
    guards: { tox: { route: "mod", kind: "moderation" } },
    rules: [{ id: "deny-secrets", condition: "entities.secret.count > 0", action: "deny", code: "secrets", guard: "tox" }],
  };
  const form = fromContent(spec, policy);
  assert.deepEqual(form.extra, { guards: policy.guards });
  assert.deepEqual(form.groups["rules"]![0]!.extra, { guard: "tox" });
  assert.deepEqual(toContent(spec, form), policy);
});

test("typed values become the content's types: numbers, csv lists, JSON, checkboxes; empty optional fields are left out", () => {
  const spec = kindSpec("provider");
  const form = emptyForm(spec);
  form.values["kind"] = "openai";
  form.values["baseUrl"] = " https://api.example.test/v1 ";
  form.values["clearance"] = "2";
  form.values["enabled"] = false;
  form.groups["models"]![0]!.values["name"] = "gpt-x";
  form.groups["models"]![0]!.values["capabilities"] = "chat, tools,, json";
  form.groups["models"]![0]!.values["inputPricePerMillion"] = "0.15";
  assert.deepEqual(toContent(spec, form), {
    kind: "openai",
    baseUrl: "https://api.example.test/v1",
    clearance: 2,
    enabled: false,
    models: [{ name: "gpt-x", capabilities: ["chat", "tools", "json"], inputPricePerMillion: "0.15" }],
  });
});

test("a credential is never shown: the form's field starts empty, and empty keeps the stored one (left out)", () => {
  const spec = kindSpec("mcp_server");
  const form = fromContent(spec, { transport: "sandbox", url: "sandbox:builtin", credential: "********", tools: [{ name: "t", risk: "low", approval: "none" }] });
  assert.equal(form.values["credential"], "");
  const content = toContent(spec, form);
  assert.equal("credential" in content, false);
  form.values["credential"] = "s3cret";
  assert.equal(toContent(spec, form)["credential"], "s3cret");
});

test("required fields are sent even when empty, so that the server names them", () => {
  const spec = kindSpec("route");
  const form = emptyForm(spec);
  assert.deepEqual(toContent(spec, form), { enabled: true, targets: [{ provider: "", model: "" }] });
});

test("what cannot be sent at all is a FieldError naming the content path", () => {
  const spec = kindSpec("route");
  const form = emptyForm(spec);
  form.groups["targets"]![0]!.values["weight"] = "heavy";
  assert.throws(() => toContent(spec, form), (e: unknown) => e instanceof FieldError && e.param === "content.targets[0].weight");
  const p = kindSpec("prompt");
  const pf = fromContent(p, prompt);
  pf.values["variables"] = "{not json";
  assert.throws(() => toContent(p, pf), (e: unknown) => e instanceof FieldError && e.param === "content.variables");
});

test("the server's param finds its field: exact, nested inside a field, an item, the target; null otherwise", () => {
  const spec = kindSpec("prompt");
  const paths = fieldPaths(spec, fromContent(spec, prompt));
  assert.equal(fieldForParam("content.messages[1].content", paths), "messages[1].content");
  assert.equal(fieldForParam("content.variables.properties", paths), "variables");
  assert.equal(fieldForParam("content.canary.percent", paths), "canary.percent");
  assert.equal(fieldForParam("content.messages", paths), "messages");
  assert.equal(fieldForParam("content.messages[7].role", paths), "messages");
  assert.equal(fieldForParam("target", paths), "target");
  assert.equal(fieldForParam("content.unknown", paths), null);
  assert.equal(fieldForParam("kind", paths), null);
  assert.equal(fieldForParam(undefined, paths), null);
  const policy = kindSpec("policy");
  const pp = fieldPaths(policy, emptyForm(policy));
  assert.equal(fieldForParam("content.rules[0]", pp), "rules[0]");
  assert.equal(fieldForParam("content.rules[0].condition", pp), "rules[0].condition");
});

test("field ids are safe and distinct per path", () => {
  assert.equal(fieldId("messages[0].content"), "f-messages-0-content");
  assert.equal(fieldId("canary.percent"), "f-canary-percent");
  assert.notEqual(fieldId("rules[1]"), fieldId("rules[1].id"));
});
