#!/usr/bin/env bash
# One-million-event audit export with the heap measured.
# Generates N events in a fresh chain with the server's own appender (JDBC batches of 2000, the
# same code the group-commit writer runs), exports them through the server's export code into a
# discarding writer, and prints the heap after a GC every 10 000 lines (see AuditExportIT).
#   bench/audit-export.sh [events]      (default 1000000; needs the test database, like test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
flock /tmp/gatehouse-build.lock deploy/local/test.sh \
  -Dit.test='AuditExportIT#aLargeExportRunsInConstantMemory' \
  -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dgatehouse.bench.events="$n" 2>&1 | tee target/audit-export-bench.log | grep -E 'audit export benchmark|Tests run|BUILD'
