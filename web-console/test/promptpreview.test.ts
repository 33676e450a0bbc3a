import { test } from "node:test";
import assert from "node:assert/strict";
import { previewVariables, renderPreview, renderTemplate, variablesOf } from "../src/promptpreview.js";

const content = {
  messages: [
    { role: "system", content: "You answer questions about {{product}} in {{{ language }}}." },
    { role: "user", content: "{{question}} ({{ticket}})" },
  ],
  variables: {
    type: "object",
    required: ["product", "question"],
    properties: {
      product: { type: "string", examples: ["Gatehouse"] },
      language: { type: "string", default: "English" },
      question: { type: "string" },
    },
  },
};

test("variables in order of first use; triple braces and spaces are the same variable", () => {
  assert.deepEqual(variablesOf("{{a}} {{{ b }}} {{a}} {{ c}}"), ["a", "b", "c"]);
});

test("rendering: given values, else the schema's default, else nothing (as the server's PromptTemplate)", () => {
  const props = content.variables.properties;
  assert.equal(renderTemplate("{{product}} in {{{ language }}}: {{x}}.", { product: "Gatehouse" }, props), "Gatehouse in English: .");
  assert.equal(renderTemplate("{{language}}", { language: "French" }, props), "French");
  assert.equal(renderTemplate("{{n}}", {}, { n: { default: 3 } }), "3");
  assert.equal(renderTemplate("no variables", {}, props), "no variables");
});

test("the form's variables: declared first with their samples, then those only used in a message", () => {
  assert.deepEqual(previewVariables(content), [
    { name: "product", declared: true, required: true, type: "string", sample: "Gatehouse" },
    { name: "language", declared: true, required: false, type: "string", sample: "English" },
    { name: "question", declared: true, required: true, type: "string", sample: "" },
    { name: "ticket", declared: false, required: false, type: null, sample: "" },
  ]);
  assert.deepEqual(previewVariables(null), []);
});

test("the preview renders every message and names required variables left empty", () => {
  const p = renderPreview(content, { product: "Gatehouse", question: "" });
  assert.deepEqual(p.messages, [
    { role: "system", content: "You answer questions about Gatehouse in English." },
    { role: "user", content: " ()" },
  ]);
  assert.deepEqual(p.missing, ["question"]);
  assert.deepEqual(renderPreview(content, { product: "G", question: "Why?", ticket: "T-1" }).messages[1], { role: "user", content: "Why? (T-1)" });
});
