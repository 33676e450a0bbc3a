#!/usr/bin/env bash
# The gateway benchmark: a fake OpenAI-compatible upstream (nginx), Gatehouse in demo mode and
# Portkey's open-source gateway in front of it, load from wrk. See bench/README.md.
#
#   bench/run.sh                      the full run; writes the results into docs/benchmarks.md
#   bench/run.sh --soak 600           Gatehouse under 16 connections for 600 s, RSS every 10 s
#   bench/run.sh --help               all options
#
# On a shared machine run it under the team's lock: flock /tmp/gatehouse-build.lock bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

duration=30          # seconds per wrk point (10 s windows are too noisy on a shared VM)
warmup=3             # seconds of unrecorded load before each target's first point of a mode
gh_warmup=240        # Gatehouse's warm-up per mode: on 2 cores the JIT compiles for minutes (docs/benchmarks.md)
connections="1 16 64"
modes="json stream messages"
targets="direct gatehouse portkey"
ttfc_n=300
ttfc_warmup=30
build=true
jfr=true
jfr_seconds=30
soak=0
nmt=false
write_docs=true
upstream_port=${BENCH_UPSTREAM_PORT:-18080}
portkey_port=${BENCH_PORTKEY_PORT:-18787}
gatehouse_port=9080
wrk_threads=${BENCH_WRK_THREADS:-1}
portkey_version=1.15.2

usage() {
  cat <<TEXT
usage: bench/run.sh [options]
  --duration S        seconds per measured point (default $duration)
  --warmup S          unrecorded warm-up per target and mode (default $warmup)
  --gatehouse-warmup S  Gatehouse's warm-up per mode (default $gh_warmup; the JIT compiles meanwhile)
  --connections "L"   connection counts (default "$connections")
  --modes "L"         json, stream and/or messages (default "$modes"; messages = Anthropic Messages
                      streaming through Gatehouse, beside the direct upstream stream; Portkey skipped)
  --targets "L"       direct, gatehouse, portkey (default "$targets")
  --ttfc N            time-to-first-chunk samples per target (default $ttfc_n)
  --ttfc-warmup S     seconds of fresh-connection requests per target before them (default $ttfc_warmup)
  --no-jfr            skip the JFR profile of Gatehouse
  --jfr-seconds S     length of the profiled 16-connection run (default $jfr_seconds)
  --no-build          reuse the Liberty server already in target/liberty
  --no-docs           do not rewrite the results section of docs/benchmarks.md
  --soak S            soak mode: only Gatehouse, 16 connections for S seconds, RSS every 10 s
  --nmt               Native Memory Tracking (summary) in Gatehouse's JVM; its report, taken at the
                      end of the soak or of the run, goes to target/bench/nmt.txt (what the RSS is made of)
  --quick             short development run: --duration 3 --warmup 1 --ttfc 50 --no-jfr --no-docs
Environment: BENCH_UPSTREAM_PORT ($upstream_port), BENCH_PORTKEY_PORT ($portkey_port),
  BENCH_WRK_THREADS ($wrk_threads), GATEHOUSE_DEMO_API_KEY, GATEHOUSE_DB_NAME (gatehouse_bench).
TEXT
}

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --gatehouse-warmup) gh_warmup=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    --ttfc) ttfc_n=$2; shift 2 ;;
    --ttfc-warmup) ttfc_warmup=$2; shift 2 ;;
    --no-jfr) jfr=false; shift ;;
    --jfr-seconds) jfr_seconds=$2; shift 2 ;;
    --no-build) build=false; shift ;;
    --no-docs) write_docs=false; shift ;;
    --soak) soak=$2; shift 2 ;;
    --nmt) nmt=true; shift ;;
    --quick) duration=3; warmup=1; gh_warmup=5; ttfc_n=50; ttfc_warmup=2; jfr=false; write_docs=false; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

out=$root/target/bench
mkdir -p "$out"
log() { echo "[bench] $*" >&2; }
has() { case " $targets " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# ---------------------------------------------------------------- prerequisites
echo_module=/usr/lib/nginx/modules/ngx_http_echo_module.so
need_pkgs=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx)
[ -f "$echo_module" ] || need_pkgs+=(libnginx-mod-http-echo)
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if has portkey; then command -v npm >/dev/null 2>&1 || need_pkgs+=(nodejs npm); fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing from Debian's packages: ${need_pkgs[*]}"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
  else
    log "missing: ${need_pkgs[*]} (install them with apt-get as root)"; exit 1
  fi
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
clk_tck=$(getconf CLK_TCK)

# ---------------------------------------------------------------- process bookkeeping
pids=()
gatehouse_started=false
cleanup() {
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  if [ "$gatehouse_started" = true ]; then
    "$root/target/liberty/wlp/bin/server" stop gatehouse >/dev/null 2>&1
  fi
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # url seconds pid
  local i
  for i in $(seq 1 "$2"); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}

# ---------------------------------------------------------------- 1. the fake upstream
start_upstream() {
  local p=$out/nginx
  mkdir -p "$p/tmp"
  sed -e "s#@PREFIX@#$p#g" -e "s#@PORT@#$upstream_port#g" -e "s#@ECHO_MODULE@#$echo_module#g" \
    bench/upstream/nginx.conf.in >"$p/nginx.conf"
  "$nginx_bin" -p "$p" -c "$p/nginx.conf" -e "$p/error.log" &
  upstream_pid=$!
  pids+=("$upstream_pid")
  for _ in $(seq 1 50); do
    curl -fsS -o /dev/null -XPOST "http://127.0.0.1:$upstream_port/v1/chat/completions" -d '{}' 2>/dev/null && break
    sleep 0.1
  done
  log "upstream (nginx) on 127.0.0.1:$upstream_port"
}

# ---------------------------------------------------------------- 2. Gatehouse
start_gatehouse() {
  export GATEHOUSE_DEMO_ENABLED=true
  export GATEHOUSE_DEMO_PASSWORD=${GATEHOUSE_DEMO_PASSWORD:-gatehouse-demo}
  export GATEHOUSE_DEMO_API_KEY=${GATEHOUSE_DEMO_API_KEY:-gh_demo_0123456789abcdefghijklmnopqrstuv}
  export GATEHOUSE_MASTER_KEY=${GATEHOUSE_MASTER_KEY:-ZGVtby1vbmx5LW1hc3Rlci1rZXktbm90LXNlY3JldCE=}
  export GATEHOUSE_BENCH_UPSTREAM=http://127.0.0.1:$upstream_port/v1
  # snapshots of /metrics by plain curl on the HTTP port (a local run, never production)
  export GATEHOUSE_METRICS_ACCESS=${GATEHOUSE_METRICS_ACCESS:-public}
  # A database of its own, recreated per run: repeatable, and never the demo's or the tests'.
  eval "$(deploy/local/postgres.sh ensure "${GATEHOUSE_DB_NAME:-gatehouse_bench}" --reset)"
  local wlp=$root/target/liberty/wlp
  if [ "$build" = true ] || [ ! -x "$wlp/bin/server" ]; then
    log "building Gatehouse"
    mvn -B -q -ntp package -DskipTests >&2
    mvn -B -q -ntp liberty:create liberty:deploy >&2
  fi
  # a test run leaves its Arquillian overlay (local JMX connector) in the same server: not wanted here
  rm -f "$wlp/usr/servers/gatehouse/configDropins/overrides/arquillian.xml"
  # Liberty's launcher appends JVM_ARGS to jvm.options: NMT only when asked (it costs a little memory)
  if [ "$nmt" = true ]; then export JVM_ARGS="${JVM_ARGS:-} -XX:NativeMemoryTracking=summary"; fi
  "$wlp/bin/server" run gatehouse >"$out/gatehouse.log" 2>&1 &
  local launcher=$!
  pids+=("$launcher")
  gatehouse_started=true
  if ! wait_for "http://127.0.0.1:$gatehouse_port/health/ready" 240 "$launcher"; then
    log "Gatehouse did not become ready (see $out/gatehouse.log)"; return 1
  fi
  gatehouse_pid=$(java_pid "$launcher")
  log "Gatehouse ready on :$gatehouse_port (JVM pid $gatehouse_pid)"
}

# The NMT summary of Gatehouse's JVM next to its RSS at that moment (only with --nmt).
nmt_report() {
  [ "$nmt" = true ] && [ -n "${gatehouse_pid:-}" ] || return 0
  { echo "RSS $(awk -v k="$(rss_kb "$gatehouse_pid")" 'BEGIN {printf "%.0f", k / 1024}') MB at $(date -u '+%H:%M:%S UTC')"
    jcmd "$gatehouse_pid" VM.native_memory summary scale=MB; } >"$out/nmt.txt" 2>&1 || true
  log "NMT summary: $out/nmt.txt"
}

# The JVM under Liberty's launcher script (the launcher itself when it exec'ed java).
java_pid() {
  local p=$1 c
  for _ in 1 2 3 4; do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ] && { echo "$p"; return; }
    c=$(ps -o pid= --ppid "$p" | head -n 1 | tr -d ' ')
    [ -n "$c" ] || break
    p=$c
  done
  echo "$1"
}

# ---------------------------------------------------------------- 3. Portkey
start_portkey() {
  local d=$out/portkey
  if [ ! -f "$d/node_modules/@portkey-ai/gateway/package.json" ] \
    || ! grep -q "\"version\": \"$portkey_version\"" "$d/node_modules/@portkey-ai/gateway/package.json"; then
    log "installing @portkey-ai/gateway@$portkey_version (npm)"
    mkdir -p "$d"
    [ -f "$d/package.json" ] || echo '{"name":"gatehouse-bench-portkey","private":true}' >"$d/package.json"
    (cd "$d" && npm install --no-audit --no-fund --loglevel=error "@portkey-ai/gateway@$portkey_version" >&2)
  fi
  (cd "$d" && exec node --import "$root/bench/portkey-fetch-shim.mjs" \
    node_modules/@portkey-ai/gateway/build/start-server.js --port="$portkey_port" --headless \
    >"$out/portkey.log" 2>&1) &
  portkey_pid=$!
  pids+=("$portkey_pid")
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$portkey_port/" 2>/dev/null && break
    sleep 0.1
  done
  log "Portkey $portkey_version on 127.0.0.1:$portkey_port (pid $portkey_pid)"
}

# ---------------------------------------------------------------- per-target request shape
target_url() { # target [mode]
  case "$1" in
    direct) echo "http://127.0.0.1:$upstream_port/v1/chat/completions" ;;
    gatehouse) if [ "${2:-}" = messages ]; then echo "http://127.0.0.1:$gatehouse_port/v1/messages";
      else echo "http://127.0.0.1:$gatehouse_port/v1/chat/completions"; fi ;;
    portkey) echo "http://127.0.0.1:$portkey_port/v1/chat/completions" ;;
  esac
}
target_auth() { [ "$1" = gatehouse ] && echo "$GATEHOUSE_DEMO_API_KEY" || echo ""; }
target_headers() { # "|"-separated, for wrk
  [ "$1" = portkey ] && echo "x-portkey-provider: openai|x-portkey-custom-host: http://127.0.0.1:$upstream_port/v1|Authorization: Bearer sk-bench" || echo ""
}
target_pid() {
  case "$1" in gatehouse) echo "${gatehouse_pid:-}" ;; portkey) echo "${portkey_pid:-}" ;; *) echo "" ;; esac
}
# Messages mode: Gatehouse gets the Anthropic Messages body and answers Anthropic events; the direct
# row is the same upstream chat stream Gatehouse calls; Portkey has no Messages row (it would need an
# Anthropic upstream). So the table shows what the Messages dialect adds over the upstream's stream.
applies() { # target mode
  [ "$2" != messages ] || [ "$1" != portkey ]
}
body_for() { # mode [target]
  if [ "$1" = messages ] && [ "${2:-}" = gatehouse ]; then
    echo '{"model":"bench","max_tokens":16,"messages":[{"role":"user","content":"Say hello in one short sentence."}],"stream":true}'
    return
  fi
  local s=""; [ "$1" = stream ] || [ "$1" = messages ] && s=',"stream":true'
  echo "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in one short sentence.\"}],\"max_tokens\":16$s}"
}

# One request with curl: the target answers 2xx with the expected shape.
sanity() { # target mode
  local args=(-sS -o "$out/sanity.out" -w '%{http_code}' -XPOST "$(target_url "$1" "$2")" -H 'Content-Type: application/json' --max-time 10)
  local auth h
  auth=$(target_auth "$1"); [ -n "$auth" ] && args+=(-H "Authorization: Bearer $auth")
  IFS='|' read -r -a hs <<<"$(target_headers "$1")"
  for h in "${hs[@]}"; do [ -n "$h" ] && args+=(-H "$h"); done
  local code
  code=$(curl "${args[@]}" -d "$(body_for "$2" "$1")" 2>/dev/null || true)
  if [ "$code" != 200 ]; then
    log "$1 ($2) answered HTTP $code: $(head -c 300 "$out/sanity.out")"; return 1
  fi
  if [ "$2" = messages ] && [ "$1" = gatehouse ]; then
    grep -q '^event: message_stop' "$out/sanity.out" || { log "$1 Messages stream has no message_stop"; return 1; }
  elif [ "$2" != json ]; then grep -q '^data: \[DONE\]' "$out/sanity.out" || { log "$1 stream has no [DONE]"; return 1; }
  else grep -q '"usage"' "$out/sanity.out" || { log "$1 answer has no usage"; return 1; }; fi
  [ "$1" = gatehouse ] && answered_sanity=$((answered_sanity + 1))
  return 0
}

cpu_ticks() { # pid -> utime+stime in clock ticks
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || { echo 0; return; }
  sed -E 's/^.*\) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}
rss_kb() { [ -n "$1" ] && awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# Samples the RSS of pid every second into a file until stopped; prints nothing.
rss_sampler() { # pid file interval
  while kill -0 "$1" 2>/dev/null; do rss_kb "$1" >>"$2"; sleep "${3:-1}"; done
}

# Runs wrk once; sets w_requests w_rps w_p50 w_p90 w_p99 w_errors w_status (latencies in us).
run_wrk() { # target mode conns seconds
  local threads=$wrk_threads
  [ "$threads" -gt "$3" ] && threads=$3
  local line
  line=$(BENCH_STREAM=$([ "$2" != json ] && echo 1 || echo 0) BENCH_AUTH=$(target_auth "$1") \
    BENCH_DIALECT=$([ "$2" = messages ] && [ "$1" = gatehouse ] && echo messages || echo chat) \
    BENCH_HEADERS=$(target_headers "$1") \
    wrk -t"$threads" -c"$3" -d"${4}s" --timeout 10s -s bench/wrk/chat.lua "$(target_url "$1" "$2")" \
    | tee -a "$out/wrk.log" | grep '^BENCH ' || true)
  [ -n "$line" ] || { log "wrk printed no result for $1"; line="BENCH requests=0 duration_us=1 p50=0 p90=0 p99=0 max=0 connect=0 read=0 write=0 status=0 timeout=0"; }
  local kv
  declare -A r=()
  for kv in ${line#BENCH }; do r[${kv%%=*}]=${kv#*=}; done
  w_requests=${r[requests]}
  w_rps=$(awk -v n="${r[requests]}" -v d="${r[duration_us]}" 'BEGIN {printf "%.0f", n / (d / 1e6)}')
  w_p50=${r[p50]}; w_p90=${r[p90]}; w_p99=${r[p99]}
  w_status=${r[status]}
  w_errors=$((r[connect] + r[read] + r[write] + r[status] + r[timeout]))
}

# ---------------------------------------------------------------- governance counters
psql_app() {
  PGPASSWORD=${GATEHOUSE_DB_PASSWORD:-gatehouse-app-dev} psql -X -qtA -h "$GATEHOUSE_DB_HOST" \
    -p "$GATEHOUSE_DB_PORT" -U "${GATEHOUSE_DB_USER:-gatehouse_app}" -d "$GATEHOUSE_DB_NAME" -c "$1" 2>/dev/null
}
audit_count() { psql_app "SELECT count(*) FROM audit_events WHERE action = 'gateway.request'" || echo n/a; }
metric_sum() { # prometheus name prefix regex -> sum of matching samples, or n/a
  { curl -fsS "http://127.0.0.1:$gatehouse_port/metrics" 2>/dev/null || true; } \
    | awk -v re="$1" '$0 !~ /^#/ && $1 ~ re {s += $NF; n++} END {if (n) printf "%.0f", s; else print "n/a"}'
}
limiter_count() { metric_sum '^gatehouse_limiter_decisions_total'; }
# The audit overhead: snapshots of the audit metrics, compared by audit_metrics_delta.
source bench/audit-metrics.sh
audit_snapshot() { # file
  { curl -fsS "http://127.0.0.1:$gatehouse_port/metrics" 2>/dev/null || true; } | audit_metrics_filter >"$1"
}
audit_overhead() { # before after -> sets a_audited a_mean a_p50 a_p99 a_epc (microseconds)
  local kv line
  line=$(audit_metrics_delta "$1" "$2")
  echo "$line" >>"$out/audit-overhead.log"
  declare -A r=()
  for kv in $line; do r[${kv%%=*}]=${kv#*=}; done
  a_audited=${r[audited]}; a_mean=${r[mean_us]}; a_p50=${r[p50_us]}; a_p99=${r[p99_us]}
  a_epc=${r[events_per_commit]}
}
ms_or() { case "$1" in n/a) echo n/a ;; \>*) echo ">$(ms "${1#>}")" ;; *) ms "$1" ;; esac; }
# The policy module explains its input and output decisions in each request's audit details
# under "policy" (PolicyStage.AUDIT_KEY); a request without them had no policy decision.
policy_count() { # input|output
  psql_app "SELECT count(*) FROM audit_events WHERE action = 'gateway.request' AND details->'policy' ? '$1'" || echo n/a
}
delta() { if [ "$1" = n/a ] || [ "$2" = n/a ]; then echo n/a; else echo $(($2 - $1)); fi; }

# ---------------------------------------------------------------- time to first chunk
ttfc() { # target -> sets t_p50 t_p99 t_errors
  local hs=() h auth
  auth=$(target_auth "$1"); [ -n "$auth" ] && hs+=("Authorization: Bearer $auth")
  IFS='|' read -r -a more <<<"$(target_headers "$1")"
  for h in "${more[@]}"; do [ -n "$h" ] && hs+=("$h"); done
  local line
  line=$(timeout 300 java bench/TtfcProbe.java "$(target_url "$1")" "$ttfc_n" "$ttfc_warmup" "$(body_for stream)" "${hs[@]}" \
    | grep '^TTFC ' || true)
  [ -n "$line" ] || { log "the TTFC probe gave no result for $1"; line="TTFC n=0 ok=0 errors=$ttfc_n p50_us=-1 p90_us=-1 p99_us=-1"; }
  echo "$1 $line" >>"$out/ttfc.log"
  declare -A r=()
  local kv
  for kv in ${line#TTFC }; do r[${kv%%=*}]=${kv#*=}; done
  t_n=${r[n]}; t_ok=${r[ok]}; t_p50=${r[p50_us]}; t_p90=${r[p90_us]}; t_p99=${r[p99_us]}; t_errors=${r[errors]}
}

ms() { awk -v u="$1" 'BEGIN {printf "%.2f", u / 1000}'; }

answered_sanity=0 # Gatehouse answers of the sanity checks (counted with wrk's answers)

# ---------------------------------------------------------------- soak mode
if [ "$soak" -gt 0 ]; then
  start_upstream
  start_gatehouse
  sanity gatehouse json
  # The curve starts warm: the JIT's code cache and the heap grow during the first minutes by design.
  if [ "$gh_warmup" -gt 0 ]; then
    log "soak warm-up: ${gh_warmup}s (not recorded)"
    run_wrk gatehouse json 16 "$gh_warmup" >/dev/null
  fi
  log "soak: Gatehouse, 16 connections, JSON, ${soak}s; RSS every 10 s -> $out/soak.csv"
  echo "seconds,rss_mb" >"$out/soak.csv"
  (
    t=0
    while kill -0 "$gatehouse_pid" 2>/dev/null; do
      echo "$t,$(awk -v k="$(rss_kb "$gatehouse_pid")" 'BEGIN {printf "%.0f", k / 1024}')" >>"$out/soak.csv"
      sleep 10; t=$((t + 10))
    done
  ) &
  sampler=$!
  pids+=("$sampler")
  audit0=$(audit_count)
  run_wrk gatehouse json 16 "$soak"
  kill "$sampler" 2>/dev/null || true
  nmt_report
  sleep 1
  audit1=$(audit_count)
  first=$(sed -n 2p "$out/soak.csv" | cut -d, -f2)
  last=$(tail -n 1 "$out/soak.csv" | cut -d, -f2)
  peak=$(tail -n +2 "$out/soak.csv" | cut -d, -f2 | sort -n | tail -n 1)
  summary="soak ${soak}s at 16 connections after a ${gh_warmup}s warm-up: $w_rps req/s, p50 $(ms "$w_p50") ms, p99 $(ms "$w_p99") ms, errors $w_errors; RSS first $first MB, last $last MB, peak $peak MB; audit events $(delta "$audit0" "$audit1") for $w_requests requests"
  echo "$summary"
  cat "$out/soak.csv"
  if [ "$write_docs" = true ]; then
    {
      echo "<!-- soak:begin (written by bench/run.sh --soak; do not edit by hand) -->"
      echo "Run $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD): $summary."
      echo
      echo "| seconds | RSS (MB) |"
      echo "|---:|---:|"
      tail -n +2 "$out/soak.csv" | awk -F, '{printf "| %s | %s |\n", $1, $2}'
      echo "<!-- soak:end -->"
    } >"$out/soak.md"
    bench/docs-section.sh docs/benchmarks.md soak "$out/soak.md"
    log "wrote the soak section of docs/benchmarks.md"
  fi
  exit 0
fi

# ---------------------------------------------------------------- the run
: >"$out/wrk.log"; : >"$out/ttfc.log"
start_upstream
gatehouse_note=""
if has gatehouse; then
  if ! start_gatehouse; then gatehouse_note="Gatehouse did not start"; targets=${targets/gatehouse/}; fi
fi
has portkey && start_portkey

# Gatehouse must answer the bench route in both modes, or its rows are "pending".
if has gatehouse; then
  for m in $modes; do
    if ! sanity gatehouse "$m"; then
      gatehouse_note="route alias 'bench' not answering (GATEHOUSE_BENCH_UPSTREAM seeding from the gateway branch not merged?)"
      targets=${targets/gatehouse/}
      break
    fi
  done
fi
for t in direct portkey; do
  has "$t" || continue
  for m in $modes; do applies "$t" "$m" || continue; sanity "$t" "$m" || { log "$t does not answer correctly; stopping"; exit 1; }; done
done

if has gatehouse; then
  audit0=$(audit_count); limiter0=$(limiter_count); policy_in0=$(policy_count input); policy_out0=$(policy_count output)
  audit_snapshot "$out/audit-metrics-run0.txt"
  gh_cpu0=$(cpu_ticks "$gatehouse_pid")
fi
gh_answered=0
gh_rss_file=$out/gatehouse-rss.txt
: >"$gh_rss_file"

results=$out/results.tsv
printf 'mode\tconns\ttarget\trps\tp50_us\tp90_us\tp99_us\terrors\trequests\tcpu_pct\trss_mb\n' >"$results"
audit_results=$out/audit-overhead.tsv
: >"$out/audit-overhead.log"
printf 'mode\tconns\taudited\tmean_us\tp50_us\tp99_us\tevents_per_commit\n' >"$audit_results"
for m in $modes; do
  for t in $targets; do
    applies "$t" "$m" || continue
    w=$warmup; [ "$t" = gatehouse ] && w=$gh_warmup
    log "warm-up: $t $m ${w}s"
    run_wrk "$t" "$m" 16 "$w"
    [ "$t" = gatehouse ] && gh_answered=$((gh_answered + w_requests - w_status))
  done
  for c in $connections; do
    for t in $targets; do
      applies "$t" "$m" || continue
      pid=$(target_pid "$t")
      [ "$t" = gatehouse ] && audit_snapshot "$out/audit-metrics-0.txt"  # before the CPU window
      c0=$(cpu_ticks "$pid")
      sampler=""
      if [ -n "$pid" ]; then
        : >"$out/rss.tmp"
        rss_sampler "$pid" "$out/rss.tmp" 1 &
        sampler=$!
      fi
      run_wrk "$t" "$m" "$c" "$duration"
      c1=$(cpu_ticks "$pid")
      if [ "$t" = gatehouse ]; then
        audit_snapshot "$out/audit-metrics-1.txt"
        audit_overhead "$out/audit-metrics-0.txt" "$out/audit-metrics-1.txt"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$m" "$c" "$a_audited" "$a_mean" "$a_p50" "$a_p99" "$a_epc" >>"$audit_results"
      fi
      rss=-
      if [ -n "$sampler" ]; then
        kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
        rss=$(sort -n "$out/rss.tmp" | tail -n 1 | awk '{printf "%.0f", $1 / 1024}')
        [ "$t" = gatehouse ] && cat "$out/rss.tmp" >>"$gh_rss_file"
      fi
      cpu=-
      [ -n "$pid" ] && cpu=$(awk -v t=$((c1 - c0)) -v hz="$clk_tck" -v d="$duration" 'BEGIN {printf "%.0f", t / hz / d * 100}')
      [ "$t" = gatehouse ] && gh_answered=$((gh_answered + w_requests - w_status))
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$m" "$c" "$t" "$w_rps" "$w_p50" "$w_p90" "$w_p99" \
        "$w_errors" "$w_requests" "$cpu" "$rss" >>"$results"
      log "$(printf '%-6s %3s conns %-9s %7s req/s  p50 %6s  p90 %6s  p99 %6s ms  errors %s  cpu %s%%  rss %s MB' \
        "$m" "$c" "$t" "$w_rps" "$(ms "$w_p50")" "$(ms "$w_p90")" "$(ms "$w_p99")" "$w_errors" "$cpu" "$rss")"
    done
  done
done

# Time to first streamed chunk (fresh connection per sample, the same probe for all).
ttfc_file=$out/ttfc.tsv
printf 'target\tn\terrors\tp50_us\tp90_us\tp99_us\n' >"$ttfc_file"
if [[ " $modes " == *" stream "* ]]; then
  for t in $targets; do
    log "time to first chunk: $t ($ttfc_n samples)"
    ttfc "$t"
    [ "$t" = gatehouse ] && gh_answered=$((gh_answered + t_ok))
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$t_n" "$t_errors" "$t_p50" "$t_p90" "$t_p99" >>"$ttfc_file"
  done
fi

if has gatehouse; then
  gh_cpu1=$(cpu_ticks "$gatehouse_pid")
  sleep 2  # audit group commit and in-flight requests cut by wrk's stop finish
  audit1=$(audit_count); limiter1=$(limiter_count); policy_in1=$(policy_count input); policy_out1=$(policy_count output)
  audit_snapshot "$out/audit-metrics-run1.txt"
  audit_overhead "$out/audit-metrics-run0.txt" "$out/audit-metrics-run1.txt"
  run_audited=$a_audited run_mean=$a_mean run_p50=$a_p50 run_p99=$a_p99 run_epc=$a_epc
fi

# JFR: a separate, unrecorded 16-connection run (the profiler's own cost stays out of the table).
if has gatehouse && [ "$jfr" = true ]; then
  rm -f "$out/gatehouse.jfr"
  log "JFR: profiling Gatehouse during ${jfr_seconds}s at 16 connections (JSON)"
  jcmd "$gatehouse_pid" JFR.start name=bench settings=profile duration="${jfr_seconds}s" \
    filename="$out/gatehouse.jfr" >/dev/null || log "JFR.start failed"
  jfr_c0=$(cpu_ticks "$gatehouse_pid")
  run_wrk gatehouse json 16 "$jfr_seconds"
  jfr_c1=$(cpu_ticks "$gatehouse_pid")
  jfr_requests=$w_requests jfr_rps=$w_rps
  sleep 3
  jfr summary "$out/gatehouse.jfr" >"$out/jfr-summary.txt" 2>&1 || true
  bench/jfr-top.sh "$out/gatehouse.jfr" >"$out/jfr-top.txt" 2>&1 || true
  # per request: bytes the JVM allocated (all threads) and Gatehouse CPU, over the profiled run
  if alloc_line=$(bench/jfr-alloc.py "$out/gatehouse.jfr" "$jfr_requests" 2>"$out/jfr-alloc.err"); then
    jfr_alloc_per_req=$(cut -f2 <<<"$alloc_line")
  fi
  jfr_cpu_us=$(awk -v t=$((jfr_c1 - jfr_c0)) -v hz="$clk_tck" -v n="$jfr_requests" 'BEGIN {if (n > 0) printf "%.0f", t / hz / n * 1e6}')
  log "JFR: $out/gatehouse.jfr; top frames in $out/jfr-top.txt; ${jfr_alloc_per_req:-?} B allocated and ${jfr_cpu_us:-?} us CPU per request"
fi

has gatehouse && nmt_report

# ---------------------------------------------------------------- report
machine_cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
machine_mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
v_nginx=$("$nginx_bin" -v 2>&1 | sed 's#.*/##')
v_wrk=$( (wrk -v 2>&1 || true) | head -n 1 | awk '{print $2}')  # wrk -v exits 1
v_java=$( (java -version 2>&1 || true) | sed -n '1s/.*version "\(.*\)".*/\1/p')
v_node=$(node -v 2>/dev/null || echo n/a)
v_pg=$( (has gatehouse && psql_app 'SHOW server_version') || echo n/a)
v_liberty=$(sed -n 's/^com.ibm.websphere.productVersion=//p' target/liberty/wlp/lib/versions/openliberty.properties 2>/dev/null || echo n/a)
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml liberty db || echo "+changes")

report=$out/results.md
{
  echo "<!-- results:begin (written by bench/run.sh; do not edit by hand) -->"
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on commit \`$commit\`: ${duration} s per point after a warm-up, wrk $wrk_threads thread(s)."
  echo
  echo "Machine: $(nproc) cores ($machine_cpu), $machine_mem memory. Versions: $v_nginx, wrk $v_wrk, Java $v_java," \
    "Open Liberty $v_liberty, PostgreSQL $v_pg, Node $v_node, Portkey gateway $portkey_version."
  echo
  echo "Latencies in ms; **added** = the target's percentile minus the direct upstream's at the same point."
  echo "CPU: the target process's CPU time over the point (100% = one core). RSS: peak sampled each second."
  echo
  echo "| mode | conns | target | req/s | p50 | p90 | p99 | added p50 | added p99 | errors | CPU | RSS MB |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' -v note="$gatehouse_note" -v conns="$connections" -v modes="$modes" '
    NR == 1 { next }
    { key = $1 SUBSEP $2; row[key, $3] = $0; if ($3 == "direct") { d50[key] = $5; d99[key] = $7 } }
    function f(u) { return sprintf("%.2f", u / 1000) }
    END {
      nm = split(modes, M, " "); nc = split(conns, C, " "); split("direct gatehouse portkey", T, " ")
      for (i = 1; i <= nm; i++) for (j = 1; j <= nc; j++) for (k = 1; k <= 3; k++) {
        key = M[i] SUBSEP C[j]
        if ((key, T[k]) in row) {
          split(row[key, T[k]], r, "\t")
          a50 = (T[k] == "direct" || !(key in d50)) ? "–" : f(r[5] - d50[key])
          a99 = (T[k] == "direct" || !(key in d99)) ? "–" : f(r[7] - d99[key])
          printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", \
            M[i], C[j], T[k], r[4], f(r[5]), f(r[6]), f(r[7]), a50, a99, r[8], \
            (r[10] == "-" ? "–" : r[10] "%"), (r[11] == "-" ? "–" : r[11])
        } else if (T[k] == "gatehouse" && note != "") {
          printf "| %s | %s | gatehouse | pending merge | | | | | | | | |\n", M[i], C[j]
        }
      }
    }' "$results"
  echo
  if [ -s "$ttfc_file" ] && [ "$(wc -l <"$ttfc_file")" -gt 1 ]; then
    echo "Time to first streamed chunk (\`data:\` line), fresh connection per sample, $ttfc_n samples after ${ttfc_warmup} s of the same requests:"
    echo
    echo "| target | p50 ms | p90 ms | p99 ms | added p50 | added p99 | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' 'NR == 1 { next } { t[NR] = $0; if ($1 == "direct") { d50 = $4; d99 = $6; hd = 1 } }
      function f(u) { return sprintf("%.2f", u / 1000) }
      END { for (i = 2; i <= NR; i++) { split(t[i], r, "\t");
        printf "| %s | %s | %s | %s | %s | %s | %s |\n", r[1], f(r[4]), f(r[5]), f(r[6]),
          (r[1] == "direct" || !hd) ? "–" : f(r[4] - d50), (r[1] == "direct" || !hd) ? "–" : f(r[6] - d99), r[3] } }' "$ttfc_file"
    if [ -n "$gatehouse_note" ]; then echo "| gatehouse | pending merge | | | | | |"; fi
    echo
  fi
  if has gatehouse; then
    gh_secs=$(awk -v d="$duration" -v n="$(echo "$connections" | wc -w)" -v m="$(echo "$modes" | wc -w)" 'BEGIN {print d * n * m}')
    rss_peak=$(sort -n "$gh_rss_file" | tail -n 1 | awk '{printf "%.0f", $1 / 1024}')
    echo "Governance during the run (all Gatehouse traffic: warm-ups, measured points, TTFC probe, sanity checks):"
    echo
    echo "- audit events \`gateway.request\` written: $(delta "$audit0" "$audit1"); requests answered 2xx as counted by the clients: $((gh_answered + answered_sanity))" \
      "(wrk counts only answers completed before it stops; requests in flight at each stop are answered and audited by Gatehouse but not counted by wrk, at most the connection count per run)"
    echo "- limiter decisions (\`gatehouse_limiter_decisions_total\`): $(delta "$limiter0" "$limiter1")"
    echo "- audit wait per gateway request (\`record\` call until the event is durable, \`gatehouse_audit_record_wait_us\`)" \
      "over the whole run: $run_audited requests, mean $(ms_or "$run_mean") ms, p50 $(ms_or "$run_p50") ms, p99 $(ms_or "$run_p99") ms;" \
      "events per group commit (\`gatehouse_audit_commit_events\`): $run_epc"
    echo "- policy decisions recorded in the audit details: input $(delta "$policy_in0" "$policy_in1"), output $(delta "$policy_out0" "$policy_out1")"
    if [ -n "${jfr_requests:-}" ]; then
      echo "- per request, over the profiled 16-connection JSON run ($jfr_requests requests, $jfr_rps req/s, JFR on):" \
        "Gatehouse CPU ${jfr_cpu_us:-n/a} µs; bytes allocated by the JVM (\`jdk.ThreadAllocationStatistics\`, all threads) ${jfr_alloc_per_req:-n/a}"
    fi
    echo "- Gatehouse CPU over the whole run: $(awk -v t=$((gh_cpu1 - gh_cpu0)) -v hz="$clk_tck" 'BEGIN {printf "%.0f", t / hz}') s; peak RSS under load: ${rss_peak:-n/a} MB"
    if [ "$(wc -l <"$audit_results")" -gt 1 ]; then
      echo
      echo "Audit overhead per measured Gatehouse point (from \`/metrics\` before and after the point): the wait of a"
      echo "gateway request's audit recording, from the \`record\` call until its event is committed (group commit,"
      echo "\`synchronous_commit\` on), in ms — p50/p99 interpolated within the histogram's buckets — and the mean"
      echo "number of events per group commit (all events, also non-gateway ones)."
      echo
      echo "| mode | conns | requests audited | wait mean | wait p50 | wait p99 | events per commit |"
      echo "|---|---:|---:|---:|---:|---:|---:|"
      while IFS=$'\t' read -r am ac an amean ap50 ap99 aepc; do
        echo "| $am | $ac | $an | $(ms_or "$amean") | $(ms_or "$ap50") | $(ms_or "$ap99") | $aepc |"
      done < <(tail -n +2 "$audit_results")
    fi
  elif [ -n "$gatehouse_note" ]; then
    echo "Gatehouse: pending merge ($gatehouse_note). Governance counts: pending."
  fi
  echo "<!-- results:end -->"
} >"$report"

echo
cat "$report"
if [ "$write_docs" = true ]; then
  bench/docs-section.sh docs/benchmarks.md results "$report"
  log "wrote the results section of docs/benchmarks.md"
fi
