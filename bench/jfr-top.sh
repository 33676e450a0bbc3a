#!/usr/bin/env bash
# Summarizes a JFR recording of Gatehouse: the hottest top frames (CPU samples), the hottest
# Gatehouse frames (first io.gatehouse frame on each sampled stack), and allocation by class and
# by allocating frame (jdk.ObjectAllocationSample weights). Works with JDK 17's jfr tool.
#   bench/jfr-top.sh target/bench/gatehouse.jfr [N]
set -euo pipefail
rec=$1 n=${2:-15}

samples() { jfr print --stack-depth 64 --events jdk.ExecutionSample "$rec"; }
echo "== CPU: top frames (share of $(samples | grep -c '^jdk.ExecutionSample') execution samples)"
samples | awk '
  /stackTrace = \[/ { inst = 1; first = 1; gh = ""; next }
  inst && /^[[:space:]]*\]/ { inst = 0; if (gh != "") ghc[gh]++; next }
  inst { f = $0; sub(/^[[:space:]]+/, "", f); sub(/[[:space:]]+line:.*/, "", f)
         if (first) { top[f]++; total++; first = 0 }
         if (gh == "" && f ~ /^io\.gatehouse\./) gh = f }
  END {
    for (k in top) printf "%6.2f%%  %s\n", 100 * top[k] / total, k | "sort -rn | head -n '"$n"'"
    close("sort -rn | head -n '"$n"'")
    print "\n== CPU: first Gatehouse frame on the stack (inclusive share)"
    for (k in ghc) printf "%6.2f%%  %s\n", 100 * ghc[k] / total, k | "sort -rn | head -n '"$n"'"
  }'

echo
echo "== Allocation (jdk.ObjectAllocationSample weight) by class"
jfr print --stack-depth 1 --events jdk.ObjectAllocationSample "$rec" | awk '
  function bytes(v, u) { return u == "kB" ? v * 1024 : u == "MB" ? v * 1048576 : u == "GB" ? v * 1073741824 : v }
  /objectClass = / { c = $3 }
  /weight = / { w = bytes($3, $4); cls[c] += w; tot += w }
  /stackTrace = \[/ { getline; f = $0; sub(/^[[:space:]]+/, "", f); sub(/[[:space:]]+line:.*/, "", f); fr[f] += w }
  END {
    printf "total sampled weight: %.0f MB\n", tot / 1048576
    for (k in cls) printf "%6.2f%%  %s\n", 100 * cls[k] / tot, k | "sort -rn | head -n '"$n"'"
    close("sort -rn | head -n '"$n"'")
    print "\n== Allocation by allocating frame"
    for (k in fr) printf "%6.2f%%  %s\n", 100 * fr[k] / tot, k | "sort -rn | head -n '"$n"'"
  }'
