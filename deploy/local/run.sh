#!/usr/bin/env bash
# The local demo: a PostgreSQL (started for you), Open Liberty with Gatehouse, migrations, demo data.
#   deploy/local/run.sh            Ctrl-C stops it cleanly.
# Defaults (override in the environment): see README.md, "Configuration".
set -euo pipefail
cd "$(dirname "$0")/../.."

export GATEHOUSE_DEMO_ENABLED=true
export GATEHOUSE_DEMO_PASSWORD=${GATEHOUSE_DEMO_PASSWORD:-gatehouse-demo}
export GATEHOUSE_DEMO_API_KEY=${GATEHOUSE_DEMO_API_KEY:-gh_demo_0123456789abcdefghijklmnopqrstuv}
# A fixed, publicly known key: fine for the demo, never for production (see docs/security.md).
export GATEHOUSE_MASTER_KEY=${GATEHOUSE_MASTER_KEY:-ZGVtby1vbmx5LW1hc3Rlci1rZXktbm90LXNlY3JldCE=}
# A person reads this console: plain lines (messages.log stays JSON). Containers keep the JSON default.
# A local demo: /metrics open on the HTTP port for a local Prometheus (never in production).
export GATEHOUSE_METRICS_ACCESS=${GATEHOUSE_METRICS_ACCESS:-public}
export GATEHOUSE_LOG_CONSOLE_FORMAT=${GATEHOUSE_LOG_CONSOLE_FORMAT:-simple}
eval "$(deploy/local/postgres.sh ensure "${GATEHOUSE_DB_NAME:-gatehouse}")"

echo "[demo] building Gatehouse" >&2
mvn -B -q -ntp package -DskipTests
mvn -B -q -ntp liberty:create liberty:deploy
wlp=target/liberty/wlp
# a test run leaves its overlays in the same server (Arquillian's local JMX connector, the stand-ins'
# egress entry for "localhost"): not for the demo
rm -f "$wlp/usr/servers/gatehouse/configDropins/overrides/arquillian.xml" \
  "$wlp/usr/servers/gatehouse/configDropins/overrides/egress.xml"

stop() {
  echo "[demo] stopping" >&2
  "$wlp/bin/server" stop gatehouse >/dev/null 2>&1 || true
  wait "$server_pid" 2>/dev/null || true
  exit 0
}
trap stop INT TERM

"$wlp/bin/server" run gatehouse &
server_pid=$!

port=9080
for _ in $(seq 1 120); do
  if curl -fsS "http://localhost:$port/health/ready" >/dev/null 2>&1; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { echo "[demo] the server exited" >&2; exit 1; }
  sleep 1
done
cat >&2 <<TEXT

  Gatehouse demo is up (tenant "demo").
    OpenAI-compatible API  http://localhost:$port/v1   (API key: \$GATEHOUSE_DEMO_API_KEY = $GATEHOUSE_DEMO_API_KEY)
    Review console         http://localhost:$port/console/
    Management API         http://localhost:$port/api/v1
    OpenAPI                http://localhost:$port/openapi   (UI: http://localhost:$port/openapi/ui)
    Health                 http://localhost:$port/health/ready
    Metrics                http://localhost:$port/metrics
    Users admin, alice, bob, carol, dave; password: \$GATEHOUSE_DEMO_PASSWORD = $GATEHOUSE_DEMO_PASSWORD
  Ctrl-C stops it.

TEXT
wait "$server_pid"
