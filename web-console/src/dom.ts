// A tiny element builder. Text always goes in as text (never innerHTML), so nothing the server or a
// user wrote can become markup; no inline styles (the console's CSP allows only style sheets).

type Child = Node | string | number | null | undefined | false;
type Handler = (ev: Event) => void;

export interface Attrs {
  [name: string]: string | number | boolean | null | undefined | Handler | Record<string, Handler>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "on" && typeof v === "object") {
        for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      } else if (k === "class") {
        el.className = String(v);
      } else if (k === "style") {
        throw new Error("inline styles are not allowed by the console's CSP");
      } else if (typeof v === "function") {
        el.addEventListener(k.replace(/^on/, ""), v);
      } else if (v === true) {
        el.setAttribute(k, "");
      } else {
        el.setAttribute(k, String(v));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Replaces the contents of {@code el}. */
export function render(el: Element, ...children: (Child | Child[])[]): void {
  clear(el);
  append(el, children);
}

let uid = 0;
/** A fresh id for label/aria wiring. */
export function newId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element (same rules as h: text as text, no style attribute). */
export function svg(tag: string, attrs: Attrs | null = null, ...children: (Child | Child[])[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "style") throw new Error("inline styles are not allowed by the console's CSP");
    if (k === "on" && typeof v === "object") {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (typeof v !== "function" && typeof v !== "object") {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  return el;
}
