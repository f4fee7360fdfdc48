#!/usr/bin/env python3
"""Draw the growth curves (bench/out/scale.json, one JSON object per
studio size) as a small SVG: milliseconds against the number of versions,
log-log, one line per operation. No plotting library needed.

    plot_growth.py bench/out/scale.json > docs/bench/growth.svg
"""
import json
import math
import sys

# CPU time of each operation (the machine these run on is shared and
# loaded: wall time is mostly waiting for a core; BENCHMARKS.md has both).
SERIES = [
    ("open_cpu_ms", "open (in-process, lazy)", "#1f77b4"),
    ("log_cpu_ms", "cordwain log (process)", "#2ca02c"),
    ("edit_cpu_ms", "cordwain edit (process)", "#d62728"),
    ("merge_cpu_ms", "MergeHeads, 1,000 elements", "#9467bd"),
    ("commit_small_cpu_ms", "commit (37 elements)", "#ff7f0e"),
]


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    rows.sort(key=lambda r: r["versions"])
    W, H, L, R, T, B = 620, 320, 60, 230, 20, 40
    xs = [r["versions"] for r in rows]
    ys = [r[k] for r in rows for k, _, _ in SERIES if r.get(k)]
    x0, x1 = math.log10(min(xs)), math.log10(max(xs))
    if x1 == x0:
        x1 = x0 + 1
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    if y1 == y0:
        y1 = y0 + 1
    px = lambda v: L + (math.log10(v) - x0) / (x1 - x0) * (W - L - R)
    py = lambda v: H - B - (math.log10(v) - y0) / (y1 - y0) * (H - T - B)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
           f'<rect width="{W}" height="{H}" fill="white"/>']
    for e in range(y0, y1 + 1):
        y = py(10 ** e)
        out.append(f'<line x1="{L}" y1="{y:.1f}" x2="{W-R}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{L-6}" y="{y+4:.1f}" text-anchor="end">{10**e:g} ms</text>')
    for v in xs:
        x = px(v)
        out.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{H-B}" stroke="#eee"/>')
        out.append(f'<text x="{x:.1f}" y="{H-B+16}" text-anchor="middle">{v:,}</text>')
    out.append(f'<text x="{(L+W-R)/2:.0f}" y="{H-6}" text-anchor="middle">versions in the studio (log scale); CPU time per operation</text>')
    for i, (k, label, colour) in enumerate(SERIES):
        pts = [(px(r["versions"]), py(r[k])) for r in rows if r.get(k)]
        if not pts:
            continue
        out.append('<polyline fill="none" stroke-width="2" stroke="%s" points="%s"/>' % (colour, " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)))
        for x, y in pts:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        ly = T + 14 + i * 16
        out.append(f'<line x1="{W-R+10}" y1="{ly-4}" x2="{W-R+28}" y2="{ly-4}" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{W-R+32}" y="{ly}">{label}</text>')
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
