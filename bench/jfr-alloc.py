#!/usr/bin/env python3
"""Bytes allocated per request from a JFR recording of Gatehouse.

JFR writes jdk.ThreadAllocationStatistics (each thread's allocated bytes since it started) at the
beginning and end of every chunk. The growth per thread between its first and last sample, summed over
threads, is what the JVM allocated while the recording ran. A thread with one sample was either started
during the recording (sampled only at its end: counted from its start, which is right) or ended during
it (sampled only at its beginning: its figure is its whole life, most of it before the recording, so it
is left out and reported on stderr; what it allocated in the recording is then missing, a small
undercount). Until 2026-12-07 such threads were counted from their start: the pool's retired worker
threads then added their lifetime to the figure (17 KB per request in that day's run). Divided by the
requests the load generator completed meanwhile, that is bytes per request.

    bench/jfr-alloc.py target/bench/gatehouse.jfr REQUESTS
prints: allocated_bytes<TAB>bytes_per_request
"""
import json
from datetime import datetime
import subprocess
import sys


def nearer_start(t, first, last):
    def at(x):  # 2026-12-07T12:32:01.631190205Z: nanoseconds cut to what datetime reads
        return datetime.fromisoformat(x.rstrip("Z")[:26])
    return at(t) - at(first) < at(last) - at(t)


def main():
    recording, requests = sys.argv[1], int(sys.argv[2])
    out = subprocess.run(
        ["jfr", "print", "--json", "--events", "jdk.ThreadAllocationStatistics", recording],
        check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    per_thread = {}
    times = []
    for e in events:
        v = e["values"]
        thread = v["thread"]["javaThreadId"] if v.get("thread") else None
        if thread is None:
            continue
        times.append(v["startTime"])
        per_thread.setdefault(thread, []).append((v["startTime"], int(v["allocated"])))
    # the samples at a chunk's start and end are written within milliseconds of each other: a sample
    # belongs to the beginning when it is nearer the first sample than the last
    first, last = (min(times), max(times)) if times else (None, None)
    total = 0
    left_out = []
    for thread, samples in per_thread.items():
        values = [a for _, a in samples]
        if len(samples) > 1:
            total += max(values) - min(values)
        elif nearer_start(samples[0][0], first, last):
            left_out.append((thread, values[0]))  # ended during the recording: lifetime figure
        else:
            total += values[0]  # started during the recording
    if left_out:
        print(f"left out {len(left_out)} thread(s) that ended during the recording "
              f"(lifetime figures {', '.join(str(b) for _, b in left_out)} bytes)", file=sys.stderr)
    per_request = total / requests if requests > 0 else 0
    print(f"{total}\t{per_request:.0f}")


if __name__ == "__main__":
    main()
