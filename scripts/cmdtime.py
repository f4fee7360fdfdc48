#!/usr/bin/env python3
"""Time a command: run it RUNS times (after one warm-up run) and print the
median wall time and the median CPU time (user + system of the child) in
milliseconds as JSON. Used by scripts/bench.sh for `cordwain log` and
`cordwain edit` on the growth-curve studios.

    cmdtime.py NAME RUNS -- command args...   ({i} in an argument is the run number)
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import time


def main():
    name, runs = sys.argv[1], int(sys.argv[2])
    tmpl = sys.argv[sys.argv.index("--") + 1:]
    wall, cpu = [], []
    for i in range(runs + 1):
        cmd = [a.replace("{i}", str(i)) for a in tmpl]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        t = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if i == 0:
            continue  # warm-up: page cache
        wall.append(t * 1000)
        cpu.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    print(json.dumps({name + "_ms": round(statistics.median(wall), 2), name + "_cpu_ms": round(statistics.median(cpu), 2)}))


if __name__ == "__main__":
    main()
