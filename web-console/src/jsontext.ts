// JSON as JSON.parse reads it, but remembering how each number was written. The server renders a
// prompt variable's number from its JSON text (Java's JsonNumber: 1.0 stays "1.0", 2.50 stays
// "2.50"), while JSON.parse keeps only the double (1.0 becomes 1): the prompt preview needs the text
// to show what the gateway sends. The values are plain JSON.parse values (objects with every key as
// an own property, "__proto__" included); the text of a number is kept beside them, by the object
// or array that holds it and its key (numberText).

const sources = new WeakMap<object, Map<string, string>>();

/** How the number at holder[key] was written in the JSON text it was parsed from, if it was. */
export function numberText(holder: object, key: string | number): string | undefined {
  return sources.get(holder)?.get(String(key));
}

/** JSON.parse, recording every number's text (numberText); throws SyntaxError as JSON.parse does. */
export function parseJson(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i} in JSON`);
  };
  const space = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const remember = (holder: object, key: string, source: string) => {
    let m = sources.get(holder);
    if (!m) sources.set(holder, (m = new Map()));
    m.set(key, source);
  };
  const stringToken = (): string => {
    const start = i;
    i++; // the opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) i++;
      else if (c < 0x20) fail("Bad control character in string");
      i++;
    }
    if (i >= text.length) fail("Unterminated string");
    i++;
    // the escapes exactly as JSON.parse reads them
    return JSON.parse(text.slice(start, i)) as string;
  };
  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  // value() returns the value and, for a number, its text (recorded by the caller under its key)
  const value = (): { v: unknown; source?: string } => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      const o: Record<string, unknown> = {};
      space();
      if (text[i] === "}") {
        i++;
        return { v: o };
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail("Expected a property name");
        const key = stringToken();
        space();
        if (text[i] !== ":") fail("Expected ':'");
        i++;
        const x = value();
        // an own property even for "__proto__", as JSON.parse makes it
        Object.defineProperty(o, key, { value: x.v, writable: true, enumerable: true, configurable: true });
        if (x.source !== undefined) remember(o, key, x.source);
        else sources.get(o)?.delete(key);
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return { v: o };
        }
        fail("Expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const a: unknown[] = [];
      space();
      if (text[i] === "]") {
        i++;
        return { v: a };
      }
      for (;;) {
        const x = value();
        if (x.source !== undefined) remember(a, String(a.length), x.source);
        a.push(x.v);
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return { v: a };
        }
        fail("Expected ',' or ']'");
      }
    }
    if (c === '"') return { v: stringToken() };
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { v };
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail(i >= text.length ? "Unexpected end" : "Unexpected token");
    i += m[0].length;
    return { v: Number(m[0]), source: m[0] };
  };
  const out = value().v;
  space();
  if (i < text.length) fail("Unexpected non-whitespace character after JSON");
  return out;
}
