import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { numberText, parseJson } from "../src/jsontext.js";
import { formValues, missingVariables, previewVariables, renderPreview, renderTemplate, variablesOf } from "../src/promptpreview.js";

// The vectors the server's PromptTemplateTest reads too (src/test/resources/prompts/render-vectors.json),
// read as the console reads the API's answers: numbers keep their JSON text.
type Vectors = {
  render: { name: string; template: string; variables: Record<string, unknown>; properties: Record<string, unknown>; expected: string }[];
  missing: { name: string; schema: Record<string, unknown>; variables: Record<string, unknown>; missing: string[] }[];
};
// build/test/promptpreview.test.js -> the repository's root
const vectors = parseJson(readFileSync(new URL("../../../src/test/resources/prompts/render-vectors.json", import.meta.url), "utf8")) as Vectors;

test("every shared vector renders as on the server (PromptTemplateTest reads the same file)", () => {
  assert.ok(vectors.render.length > 10);
  for (const v of vectors.render) {
    assert.equal(renderTemplate(v.template, v.variables, v.properties), v.expected, v.name);
  }
});

test("every shared vector names the missing required variables the server refuses (defaults do not count)", () => {
  assert.ok(vectors.missing.length > 4);
  for (const v of vectors.missing) {
    assert.deepEqual(missingVariables(v.schema, v.variables), v.missing, v.name);
  }
});

// A prompt the server accepts (PromptContent: every variable a message uses is declared; property
// keys from VariableSchema's list only).
const content = parseJson(JSON.stringify({
  messages: [
    { role: "system", content: "You answer questions about {{product}} in {{{ language }}}." },
    { role: "user", content: "{{question}} ({{ticket}})" },
  ],
  variables: {
    type: "object",
    required: ["product", "question", "language"],
    properties: {
      product: { type: "string", description: "The product asked about" },
      language: { type: "string", default: "English" },
      question: { type: "string" },
      ticket: { type: "string" },
    },
  },
  route: "sandbox",
  label: "production",
}));

test("variables in order of first use; triple braces and ASCII spaces are the same variable", () => {
  assert.deepEqual(variablesOf("{{a}} {{{ b }}} {{a}} {{ c}} {{\u00a0d}}"), ["a", "b", "c"]);
});

test("the form's variables: declared ones, with their defaults as text", () => {
  assert.deepEqual(previewVariables(content), [
    { name: "product", declared: true, required: true, type: "string", defaultText: null },
    { name: "language", declared: true, required: true, type: "string", defaultText: "English" },
    { name: "question", declared: true, required: true, type: "string", defaultText: null },
    { name: "ticket", declared: true, required: false, type: "string", defaultText: null },
  ]);
  assert.deepEqual(previewVariables(parseJson('{"variables":{"properties":{"n":{"type":"number","default":1.0}}}}')),
    [{ name: "n", declared: true, required: false, type: "number", defaultText: "1.0" }]);
  assert.deepEqual(previewVariables(null), []);
});

test("an empty field is a variable not sent: the default applies, and a required one is missing even with a default", () => {
  const values = formValues([["product", "Gatehouse"], ["question", ""], ["language", ""], ["ticket", ""]]);
  assert.deepEqual(values, { product: "Gatehouse" });
  const p = renderPreview(content, values);
  assert.deepEqual(p.messages, [
    { role: "system", content: "You answer questions about Gatehouse in English." },
    { role: "user", content: " ()" },
  ]);
  assert.deepEqual(p.missing, ["question", "language"]);
  const all = renderPreview(content, formValues([["product", "G"], ["question", "Why?"], ["language", "French"], ["ticket", "T-1"]]));
  assert.deepEqual(all.messages[1], { role: "user", content: "Why? (T-1)" });
  assert.deepEqual(all.missing, []);
  // a field named like an inherited property is an own value
  assert.equal(Object.hasOwn(formValues([["__proto__", "P"]]), "__proto__"), true);
});

test("parseJson reads what JSON.parse reads and keeps each number's text", () => {
  const samples = ['{"a":[1,2.50,-0.5e-3,{"b":null}],"c":"\\u00e9\\n\\"x","d":true,"e":false}', "[]", "{}", '"s"', "0", ' { "__proto__" : 1.0 } '];
  for (const s of samples) assert.deepEqual(parseJson(s), JSON.parse(s), s);
  const o = parseJson('{"a":[1,2.50],"b":{"c":1.0E+2},"__proto__":1.0}') as { a: number[]; b: { c: number } };
  assert.equal(numberText(o.a, 1), "2.50");
  assert.equal(numberText(o.a, 0), "1");
  assert.equal(numberText(o.b, "c"), "1.0E+2");
  assert.equal(numberText(o, "__proto__"), "1.0");
  assert.equal(Object.getPrototypeOf(o), Object.prototype);
  for (const bad of ["", "{", "[1,]", "01", '{"a" 1}', "1 2", '"\n"', "tru", "-"]) {
    assert.throws(() => parseJson(bad), SyntaxError, bad);
    assert.throws(() => JSON.parse(bad), SyntaxError, bad);
  }
});
