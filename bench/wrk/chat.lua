-- wrk script for the benchmark: POSTs a chat completion (JSON or streaming) and prints one
-- machine-readable line in done(). Configured through the environment (set by bench/run.sh):
--   BENCH_STREAM=1        ask for a streamed answer ("stream": true)
--   BENCH_DIALECT         "chat" (default) or "messages": an Anthropic Messages body for /v1/messages
--   BENCH_MODEL           model name in the body (default "bench")
--   BENCH_AUTH            bearer token (Authorization header), optional
--   BENCH_HEADERS         extra headers, "Name: value" separated by "|", optional
-- No response() callback on purpose: defining one makes wrk parse every answer in Lua.
local stream = os.getenv("BENCH_STREAM") == "1"
local model = os.getenv("BENCH_MODEL") or "bench"
local auth = os.getenv("BENCH_AUTH") or ""
local extra = os.getenv("BENCH_HEADERS") or ""
local dialect = os.getenv("BENCH_DIALECT") or "chat"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if auth ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. auth
end
for h in string.gmatch(extra, "[^|]+") do
  local k, v = h:match("^%s*([^:]+):%s*(.-)%s*$")
  if k then wrk.headers[k] = v end
end
if dialect == "messages" then
  wrk.body = '{"model":"' .. model .. '","max_tokens":16,"messages":[{"role":"user","content":"Say hello in one short sentence."}]'
    .. (stream and ',"stream":true' or '') .. '}'
else
  wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":16'
    .. (stream and ',"stream":true' or '') .. '}'
end

function done(summary, latency, requests)
  local e = summary.errors
  -- latency values are microseconds; status counts answers with a status >= 400
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50=%d p90=%d p99=%d max=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
