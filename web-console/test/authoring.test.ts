import { test } from "node:test";
import assert from "node:assert/strict";
import {
  emptyForm, FieldError, fieldForParam, fieldId, fieldPaths, fromContent, KINDS, kindSpec, secretNote, splitSecrets,
  toContent, withSecrets,
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
  assert.deepEqual(KINDS.map((k) => k.kind), ["prompt", "provider", "route", "policy", "mcp_server", "golden_set"]);
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

test("a credential given in the JSON editor survives the switch to the form, is said to be sent, and is sent", () => {
  for (const kind of ["provider", "mcp_server"]) {
    const spec = kindSpec(kind);
    const base = kind === "provider"
      ? { kind: "sandbox", models: [{ name: "m" }] }
      : { transport: "sandbox", tools: [{ name: "t", risk: "low", approval: "required" }] };
    // a new one
    const form = fromContent(spec, { ...base, credential: "sk-new" });
    assert.equal(form.values["credential"], "", `${kind}: the input stays empty (write-only)`);
    assert.match(secretNote(form, "credential")!, /new credential .* will be sent/);
    assert.equal(toContent(spec, form)["credential"], "sk-new");
    // its removal
    const removal = fromContent(spec, { ...base, credential: null });
    assert.match(secretNote(removal, "credential")!, /will be removed/);
    const c = toContent(spec, removal);
    assert.ok("credential" in c && c["credential"] === null, `${kind}: null is sent: ${JSON.stringify(c)}`);
    // typed in the form wins over what the JSON gave; typing and removing at once is refused
    form.values["credential"] = "sk-typed";
    assert.equal(toContent(spec, form)["credential"], "sk-typed");
    assert.match(secretNote(form, "credential")!, /typed here/);
    removal.values["credential"] = "sk-typed";
    assert.throws(() => toContent(spec, removal), (e: unknown) => e instanceof FieldError && e.param === "content.credential");
    // nothing said: nothing sent (the stored one stays)
    assert.equal(secretNote(fromContent(spec, base), "credential"), null);
    assert.equal("credential" in toContent(spec, fromContent(spec, base)), false);
  }
});

test("a credential typed in the form is never shown in the JSON editor, and is sent with it unless the JSON sets one", () => {
  const spec = kindSpec("provider");
  const form = fromContent(spec, { kind: "sandbox", models: [{ name: "m" }] });
  form.values["credential"] = "sk-typed-secret";
  const { shown, held } = splitSecrets(spec, toContent(spec, form));
  assert.equal(JSON.stringify(shown).includes("sk-typed-secret"), false);
  assert.deepEqual(held, { credential: "sk-typed-secret" });
  // back to the form: still there (as a pending value), and sent
  const again = fromContent(spec, withSecrets(shown, held));
  assert.equal(toContent(spec, again)["credential"], "sk-typed-secret");
  // the JSON's own value wins, including null (remove)
  assert.equal(withSecrets({ ...shown, credential: null }, held)["credential"], null);
  assert.equal(withSecrets({ ...shown, credential: "sk-json" }, held)["credential"], "sk-json");
  // a removal ticked in the form travels the same way
  const removal = fromContent(spec, { kind: "sandbox", models: [{ name: "m" }] });
  removal.secrets = { credential: null };
  const split = splitSecrets(spec, toContent(spec, removal));
  assert.deepEqual(split.held, { credential: null });
  assert.equal("credential" in split.shown, false);
});

test("every kind's content survives the form both ways: provider, route, MCP server (prompt and policy above)", () => {
  const provider = {
    kind: "openai", baseUrl: "https://api.example.test/v1", region: "eu", clearance: 2, timeoutMs: 5000, maxConcurrency: 8, enabled: true,
    options: { responsesApi: true },
    models: [
      { name: "m1", contextWindow: 128000, capabilities: ["chat", "tools"], inputPricePerMillion: "0.15", outputPricePerMillion: "0.6" },
      // an explicit empty list stays empty (the server's default would be ["chat"])
      { name: "emb", capabilities: [] },
    ],
  };
  const route = {
    operation: "chat", strategy: "weighted", requiredCapabilities: [], cacheTtlSeconds: 60, enabled: false,
    targets: [{ provider: "p", model: "m1", weight: 3 }, { provider: "q", model: "m2", weight: 0 }],
  };
  const mcp = {
    transport: "streamable-http", url: "https://tools.example/mcp",
    tools: [{ name: "lookup", description: "Looks up.\nSecond line.", risk: "low", approval: "none", inputSchema: { type: "object" } }],
  };
  for (const [kind, content] of [["provider", provider], ["route", route], ["mcp_server", mcp]] as const) {
    const spec = kindSpec(kind);
    assert.deepEqual(toContent(spec, fromContent(spec, content)), content, kind);
  }
});

test("a group that is not a list, or an item that is not an object, is named instead of becoming an empty group", () => {
  const spec = kindSpec("policy");
  assert.throws(() => fromContent(spec, { mode: "enforce", rules: { id: "r", action: "deny" } }),
    (e: unknown) => e instanceof FieldError && e.param === "content.rules" && /list/.test(e.message));
  assert.throws(() => fromContent(spec, { rules: [{ id: "a", action: "deny" }, "deny"] }),
    (e: unknown) => e instanceof FieldError && e.param === "content.rules[1]");
  // absent is fine: an empty group
  assert.deepEqual(fromContent(spec, { mode: "shadow" }).groups["rules"], []);
});

test("an MCP server on the sandbox transport with an empty URL leaves the URL to the server (sandbox:builtin)", () => {
  const spec = kindSpec("mcp_server");
  const form = emptyForm(spec);
  form.values["transport"] = "sandbox";
  form.groups["tools"]![0]!.values["name"] = "lookup";
  const c = toContent(spec, form);
  assert.equal("url" in c, false);
  // a new tool needs a person's approval unless the author says otherwise
  assert.equal(c["tools"] && (c["tools"] as Array<Record<string, unknown>>)[0]!["approval"], "required");
  // streamable-http still sends the empty URL, so that the server names the field
  form.values["transport"] = "streamable-http";
  assert.equal(toContent(spec, form)["url"], "");
});

test("multi-line text stays multi-line: CEL conditions, deny messages, tool descriptions are text areas", () => {
  const policy = kindSpec("policy");
  const rules = policy.groups.find((g) => g.key === "rules")!;
  for (const k of ["condition", "message", "providers"]) assert.equal(rules.fields.find((f) => f.key === k)!.type, "textarea", k);
  const tools = kindSpec("mcp_server").groups.find((g) => g.key === "tools")!;
  assert.equal(tools.fields.find((f) => f.key === "description")!.type, "textarea");
  const content = { rules: [{ id: "r", action: "deny", condition: "entities.email.count > 0 &&\n  request.classification > 1", message: "No.\nReally." }] };
  assert.deepEqual(toContent(policy, fromContent(policy, content)), content);
});
