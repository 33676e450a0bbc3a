#!/usr/bin/env bash
# The audit overhead between two /metrics snapshots of Gatehouse (Prometheus text), from
#   gatehouse_audit_record_wait_us{event="gateway"}  histogram (with buckets): microseconds from a
#                                                    gateway request's record call until its event
#                                                    is durable
#   gatehouse_audit_commit_events                    histogram: events per group commit (count =
#                                                    commits, sum = events)
# Sourced by bench/run.sh; run on its own to check the parsing against captured snapshots:
#   bench/audit-metrics.sh before.txt after.txt
# prints: audited=N mean_us=X p50_us=X p99_us=X commits=N events=N events_per_commit=X
# (n/a where the metric is missing or nothing moved). p50/p99 are interpolated inside the bucket
# the rank falls into (as Prometheus' histogram_quantile does); the buckets are set in
# src/main/resources/META-INF/microprofile-config.properties.

# Keeps only the audit metric lines of a /metrics text (stdin), for snapshot files.
audit_metrics_filter() { grep -E '^gatehouse_audit_(record_wait_us|commit_events)' || true; }

audit_metrics_delta() { # before-file after-file
  awk '
    function labels(line,  s) { s = line; sub(/^[^{]*\{/, "", s); sub(/\}.*$/, "", s); return s }
    function le(line,  s) { s = line; if (!match(s, /le="[^"]*"/)) return ""; s = substr(s, RSTART + 4, RLENGTH - 5); return s }
    function value(line,  n, f) { n = split(line, f, " "); return f[n] + 0 }
    /^#/ { next }
    {
      name = $0; sub(/[{ ].*$/, "", name)
      sign = (FILENAME == ARGV[1]) ? -1 : 1
      if (name == "gatehouse_audit_commit_events_count") commits += sign * value($0)
      else if (name == "gatehouse_audit_commit_events_sum") events += sign * value($0)
      else if (index(labels($0), "event=\"gateway\"") == 0) next
      else if (name == "gatehouse_audit_record_wait_us_count") { n += sign * value($0); seen = 1 }
      else if (name == "gatehouse_audit_record_wait_us_sum") sum += sign * value($0)
      else if (name == "gatehouse_audit_record_wait_us_bucket") {
        b = le($0)
        if (!(b in cum)) { bounds[++nb] = b }
        cum[b] += sign * value($0)
      }
    }
    function quantile(q,  rank, i, lo, prev, ub) {
      rank = q * n; lo = 0; prev = 0
      for (i = 1; i <= nb; i++) {
        ub = bounds[i]
        if (cum[ub] >= rank) {
          if (ub == "+Inf") return sprintf(">%.0f", lo)
          if (cum[ub] == prev) return sprintf("%.0f", ub)
          return sprintf("%.0f", lo + (ub - lo) * (rank - prev) / (cum[ub] - prev))
        }
        lo = ub; prev = cum[ub]
      }
      return "n/a"
    }
    END {
      # buckets in ascending order of their bound (+Inf last)
      for (i = 2; i <= nb; i++) for (j = i; j > 1; j--) {
        a = bounds[j - 1]; c = bounds[j]
        if (a == "+Inf" || (c != "+Inf" && a + 0 > c + 0)) { bounds[j - 1] = c; bounds[j] = a }
      }
      if (seen && n > 0) printf "audited=%d mean_us=%.0f p50_us=%s p99_us=%s", n, sum / n, quantile(0.5), quantile(0.99)
      else printf "audited=%s mean_us=n/a p50_us=n/a p99_us=n/a", (seen ? n : "n/a")
      if (commits > 0) printf " commits=%d events=%d events_per_commit=%.2f\n", commits, events, events / commits
      else printf " commits=n/a events=n/a events_per_commit=n/a\n"
    }' "$1" "$2"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  [ $# -eq 2 ] || { echo "usage: $0 before.txt after.txt" >&2; exit 2; }
  audit_metrics_delta "$1" "$2"
fi
