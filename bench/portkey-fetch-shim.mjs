// Preloaded into Portkey's gateway (node --import) by bench/run.sh, for streaming only.
// Portkey 1.15.2 on Node 20 fails every streamed answer with "TypeError: immutable": it wraps the
// upstream fetch() Response in @hono/node-server's Response, which keeps a reference to fetch's
// immutable Headers, and then appends its x-portkey-* headers to them. This shim re-wraps each
// fetch() answer in a native Response (same status, headers and body stream; mutable headers).
// It costs one small object per call and changes nothing else.
const NativeResponse = globalThis.Response;
const nativeFetch = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const r = await nativeFetch(...args);
  return new NativeResponse(r.body, { status: r.status, statusText: r.statusText, headers: r.headers });
};
