#!/usr/bin/env python3
"""Bytes allocated per request from a JFR recording of Gatehouse.

JFR writes jdk.ThreadAllocationStatistics (each thread's allocated bytes since it started) at the
beginning and end of every chunk. The growth per thread between its first and last sample, summed over
threads, is what the JVM allocated while the recording ran (threads with one sample count from their
start). Divided by the requests the load generator completed meanwhile, that is bytes per request.

    bench/jfr-alloc.py target/bench/gatehouse.jfr REQUESTS
prints: allocated_bytes<TAB>bytes_per_request
"""
import json
import subprocess
import sys


def main():
    recording, requests = sys.argv[1], int(sys.argv[2])
    out = subprocess.run(
        ["jfr", "print", "--json", "--events", "jdk.ThreadAllocationStatistics", recording],
        check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    per_thread = {}
    for e in events:
        v = e["values"]
        thread = v["thread"]["javaThreadId"] if v.get("thread") else None
        if thread is None:
            continue
        per_thread.setdefault(thread, []).append(int(v["allocated"]))
    total = 0
    for samples in per_thread.values():
        total += max(samples) - min(samples) if len(samples) > 1 else samples[0]
    per_request = total / requests if requests > 0 else 0
    print(f"{total}\t{per_request:.0f}")


if __name__ == "__main__":
    main()
