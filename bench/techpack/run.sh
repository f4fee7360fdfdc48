#!/usr/bin/env bash
# Tech pack output against the targets in DESIGN.md, in one run of the Go
# benchmarks (packaging/bench_test.go):
#   - an editor frame: canvas.DrawDesign of a 20-piece sample through
#     packaging.Raster at 1920×1080 (target ≤ 8 ms);
#   - the full tech pack PDF of the sample derby (≤ 300 ms);
#   - an A4 page at 300 dpi to PNG, ours vs rsvg-convert on the SVG of the
#     same page, timed alternately in the same loop (ours ≤ 400 ms and
#     ≥ 2× faster than rsvg-convert).
# Prints the medians of -count runs and the ratio. Run by `make bench`.
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${BENCH_COUNT:-5}"
if ! command -v rsvg-convert >/dev/null; then
  echo "techpack: rsvg-convert not found (apt-get install librsvg2-bin); the comparison is skipped" >&2
fi
out=$(go test -run '^$' -bench '^(BenchmarkEditorFrame|BenchmarkTechPackPDF|BenchmarkPage300dpi)$' \
  -benchtime 20x -count "$count" ./packaging/)
echo "$out" | grep '^Benchmark' >&2
echo "$out" | awk '
function median(a, n,   i, j, t) {
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
/^BenchmarkEditorFrame/ { ef[++nef] = $3 / 1e6 }
/^BenchmarkTechPackPDF/ { pdf[++npdf] = $3 / 1e6 }
/^BenchmarkPage300dpi/ {
  for (i = 4; i < NF; i++) {
    if ($(i + 1) == "ms/png") png[++npng] = $i
    if ($(i + 1) == "ms/rsvg") rsvg[++nrsvg] = $i
  }
}
END {
  printf "editor frame 1920x1080, 20 pieces: %.2f ms (target <= 8)\n", median(ef, nef)
  printf "tech pack PDF (derby):             %.1f ms (target <= 300)\n", median(pdf, npdf)
  printf "A4 page 300 dpi PNG, ours:         %.1f ms (target <= 400)\n", median(png, npng)
  if (nrsvg > 0) {
    r = median(rsvg, nrsvg)
    printf "same page, rsvg-convert:           %.1f ms\n", r
    printf "ratio rsvg / ours:                 %.2fx (target >= 2)\n", r / median(png, npng)
  }
}'
