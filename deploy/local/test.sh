#!/usr/bin/env bash
# The full test suite: unit tests, ArchUnit rules, and integration tests against a real Open Liberty
# and a real PostgreSQL (a fresh database gatehouse_test, created for this run).
#   deploy/local/test.sh [extra maven arguments]
set -euo pipefail
cd "$(dirname "$0")/../.."

# The console's browser test (ConsoleBrowserIT) drives Debian's Chromium. As root it is installed if
# missing (as postgres.sh installs PostgreSQL); otherwise stop now rather than after the build.
needs_chromium=true
for arg in "$@"; do
  case "$arg" in
    -DskipTests|-DskipITs|-DskipTests=true|-DskipITs=true) needs_chromium=false ;;
    -Dit.test=*) case "$arg" in *Console*|*\**) ;; *) needs_chromium=false ;; esac ;;
  esac
done
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ "$needs_chromium" = true ] && [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "[test] installing Chromium from Debian's packages (for ConsoleBrowserIT)" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "[test] Chromium is missing ($chromium); the console's browser test needs it. Run:" >&2
    echo "  sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

export GATEHOUSE_TEST_SUPERUSER=${GATEHOUSE_TEST_SUPERUSER:-gatehouse_test_super}
export GATEHOUSE_TEST_SUPERUSER_PASSWORD=${GATEHOUSE_TEST_SUPERUSER_PASSWORD:-gatehouse-test-super}
# AlertRulesTest runs `promtool test rules` on deploy/monitoring: Debian's prometheus package has it.
if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
  else
    echo "promtool is missing: run 'sudo apt-get install prometheus' (only its promtool is used)" >&2
    exit 1
  fi
fi
# TLS on the test PostgreSQL with a local test CA (target/pg-tls/ca.crt, GATEHOUSE_TEST_DB_CA):
# PackagedServerIT connects with sslmode=verify-full as the Kubernetes manifests do.
export GATEHOUSE_PG_TLS_DIR=${GATEHOUSE_PG_TLS_DIR:-target/pg-tls}
eval "$(deploy/local/postgres.sh ensure gatehouse_test --reset)"
export GATEHOUSE_DB_NAME=gatehouse_test
export GATEHOUSE_MASTER_KEY=${GATEHOUSE_MASTER_KEY:-dGVzdC1vbmx5LW1hc3Rlci1rZXktMzItYnl0ZXMhISE=}
# The test server runs in demo mode (tenant demo, its users and key) with a bootstrap platform admin.
export GATEHOUSE_DEMO_ENABLED=true
export GATEHOUSE_DEMO_PASSWORD=${GATEHOUSE_DEMO_PASSWORD:-gatehouse-demo}
export GATEHOUSE_DEMO_API_KEY=${GATEHOUSE_DEMO_API_KEY:-gh_demo_0123456789abcdefghijklmnopqrstuv}
export GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD=${GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD:-gatehouse-platform-admin}
export GATEHOUSE_CORS_ORIGINS=${GATEHOUSE_CORS_ORIGINS:-http://console.example.test}
# a short MCP upstream deadline, so McpGatewayIT proves it without waiting a minute
export GATEHOUSE_MCP_CALL_TIMEOUT_MS=${GATEHOUSE_MCP_CALL_TIMEOUT_MS:-5000}
# LoginThrottlingIT plays a reverse proxy from 127.0.0.2 (plain test traffic comes from 127.0.0.1).
export GATEHOUSE_TRUSTED_PROXIES=${GATEHOUSE_TRUSTED_PROXIES:-127.0.0.2}
# /metrics is for the scraper only (GATEHOUSE_METRICS_ACCESS=authenticated, the default): tests read
# it over HTTPS as this user (io.gatehouse.testing.MetricsScrape); MetricsAccessIT proves the rest out.
export GATEHOUSE_METRICS_USER=${GATEHOUSE_METRICS_USER:-gatehouse-scraper}
export GATEHOUSE_METRICS_PASSWORD=${GATEHOUSE_METRICS_PASSWORD:-gatehouse-test-scraper}
# Governance gauges (review backlog) re-read every second so ObservabilityIT need not wait 15 s.
export GATEHOUSE_METRICS_BACKLOG_REFRESH_MS=${GATEHOUSE_METRICS_BACKLOG_REFRESH_MS:-1000}
# Evaluation runs (issue 23): look for queued runs every half second, and a short lease so that
# EvaluationResumeIT sees a dead instance's run claimed again within seconds (heartbeat: a third).
export GATEHOUSE_EVALUATION_POLL_MS=${GATEHOUSE_EVALUATION_POLL_MS:-500}
export GATEHOUSE_EVALUATION_LEASE_SECONDS=${GATEHOUSE_EVALUATION_LEASE_SECONDS:-6}

# Tests run their own Liberty; if a demo holds 9080, move the test server aside.
http_port=9080 https_port=9443
if (exec 3<>/dev/tcp/127.0.0.1/9080) 2>/dev/null; then http_port=19080 https_port=19443; fi

exec mvn -B -ntp verify \
  -Dliberty.var.default.http.port=$http_port -Dliberty.var.default.https.port=$https_port "$@"
