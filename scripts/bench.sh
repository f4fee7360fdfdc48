#!/usr/bin/env bash
# make bench: every Go benchmark once (-count 5 for medians), then the
# side-by-side comparisons that need other tools, then the growth curves
# of the store. Results go to bench/out/.
#
# SCALE=0 skips the growth curves; SCALE_SIZES="1000 10000" limits them.
# The studios are built once into bench/out/scale/ (100,000 versions take
# about half an hour on 2 cores) and reused; each run measures a copy.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm)"
  grep -m1 "model name" /proc/cpuinfo || true
  echo "cores: $(nproc)  memory: $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
  go version
} | tee "$out/machine.txt"
# The merge benchmarks of models/store run once (-benchtime 1x): each
# reports the median of its own 120 merges.
go test -run '^$' -bench . -benchmem -count "${BENCH_COUNT:-5}" $(go list ./... | grep -v '/models/store$') | tee "$out/go.txt"
go test -run '^$' -bench . -benchmem -benchtime 1x -timeout 60m ./models/store/ | tee -a "$out/go.txt"
for s in bench/*/run.sh; do
  [ -x "$s" ] || continue
  echo "== $s"
  "$s" | tee "$out/$(basename "$(dirname "$s")").txt"
done

[ "${SCALE:-1}" = 0 ] && exit 0
echo "== growth curves"
go build -o "$out/cordwain" .
: > "$out/scale.json"
for n in ${SCALE_SIZES:-1000 10000 100000}; do
  base="$PWD/$out/scale/s$n"
  work="$PWD/$out/scale/work$n"
  if [ ! -f "$base/cordwain.db" ]; then
    CORDWAIN_SCALE_DIR="$base" CORDWAIN_SCALE_VERSIONS=$n go test -count=1 -timeout 3h -run '^TestBuildScaleStudio$' ./cli/ >&2
  fi
  rm -rf "$work"
  cp -a "$base" "$work"
  sync
  {
    CORDWAIN_SCALE_DIR="$work" CORDWAIN_SCALE_VERSIONS=$n go test -count=1 -timeout 1h -run '^TestScaleCurves$' -v ./cli/ | sed -n 's/^SCALE //p'
    # The commands as a designer runs them, on the design of 1,000
    # elements (the largest history): a new process each time.
    scripts/cmdtime.py log 11 -- "$out/cordwain" --data "$work" log --design "Scale 0000"
    scripts/cmdtime.py edit 11 -- "$out/cordwain" --data "$work" edit --design "Scale 0000" --set "meta.notes=bench edit {i}"
    scripts/cmdtime.py log_small 11 -- "$out/cordwain" --data "$work" log --design "Scale 0001"
    scripts/cmdtime.py edit_small 11 -- "$out/cordwain" --data "$work" edit --design "Scale 0001" --set "meta.notes=bench edit {i}"
    echo "{\"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
  } | python3 -c 'import json,sys; r={}; [r.update(json.loads(l)) for l in sys.stdin if l.strip()]; print(json.dumps(r))' | tee -a "$out/scale.json"
  rm -rf "$work"
done
python3 scripts/plot_growth.py "$out/scale.json" > "$out/growth.svg"
mkdir -p docs/bench
cp "$out/growth.svg" docs/bench/growth.svg
