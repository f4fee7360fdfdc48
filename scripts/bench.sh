#!/usr/bin/env bash
# make bench: every Go benchmark once (-count 5 for medians), then the
# side-by-side comparisons that need other tools. Results go to bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm)"
  grep -m1 "model name" /proc/cpuinfo || true
  echo "cores: $(nproc)  memory: $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  go version
} | tee "$out/machine.txt"
go test -run '^$' -bench . -benchmem -count "${BENCH_COUNT:-5}" ./... | tee "$out/go.txt"
for s in bench/*/run.sh; do
  [ -x "$s" ] || continue
  echo "== $s"
  "$s" | tee "$out/$(basename "$(dirname "$s")").txt"
done
