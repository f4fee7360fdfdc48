#!/usr/bin/env python3
"""Old and new `cordwain` side by side on the growth-curve studios.

    scale_cmds.py ROUNDS OLD_BIN NEW_BIN STUDIO... (each bench/out/scale/sN)

Each binary gets its own copy of each studio (an `edit` commits). Then,
ROUNDS times, in alternation (old, new, new, old, ...): `cordwain log` and
`cordwain edit --set meta.notes=...` on the 1,000-element design ("Scale
0000") and a bare `cordwain version`, a new process each. Wall time is
the parent's clock around the child; CPU time is the child's user +
system time (wait4), its GC and other threads included. One warm-up run
of each command first (page cache). Prints one JSON line per studio and
binary with medians, and the load average before and after.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run(cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - t0) * 1000
    if status != 0:
        raise SystemExit(f"{cmd} failed: {p.stderr.read().decode()}")
    return wall, (ru.ru_utime + ru.ru_stime) * 1000


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    rounds, old, new = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    studios = sys.argv[4:]
    tmp = tempfile.mkdtemp(prefix="scale_cmds.")
    try:
        for studio in studios:
            name = os.path.basename(studio.rstrip("/"))
            dirs = {}
            for label in ("old", "new"):
                d = os.path.join(tmp, f"{name}-{label}")
                shutil.copytree(studio, d)
                dirs[label] = d
            subprocess.run(["sync"])
            bins = {"old": old, "new": new}
            res = {label: {k: ([], []) for k in ("log", "edit", "version")} for label in bins}
            count = [0]

            def cmds(label):
                count[0] += 1
                d = dirs[label]
                return {
                    "log": [bins[label], "--data", d, "log", "--design", "Scale 0000"],
                    "edit": [bins[label], "--data", d, "edit", "--design", "Scale 0000", "--set", f"meta.notes=bench {count[0]}"],
                    "version": [bins[label], "version"],
                }

            load0 = load()
            for label in bins:  # warm-up
                for c in cmds(label).values():
                    run(c)
            for r in range(rounds):
                order = ("old", "new") if r % 2 == 0 else ("new", "old")
                for label in order:
                    for k, c in cmds(label).items():
                        w, cpu = run(c)
                        res[label][k][0].append(w)
                        res[label][k][1].append(cpu)
            load1 = load()
            for label in bins:
                out = {"studio": name, "binary": label, "rounds": rounds, "load_before": load0, "load_after": load1}
                for k, (w, cpu) in res[label].items():
                    out[k + "_ms"] = round(statistics.median(w), 1)
                    out[k + "_cpu_ms"] = round(statistics.median(cpu), 1)
                    out[k + "_ms_min"] = round(min(w), 1)
                print(json.dumps(out), flush=True)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
