#!/usr/bin/env bash
# Sync benchmarks, side by side in one run (BENCHMARKS.md, "Studio sync"):
# an edit from one `cordwain serve`-like process to another on 127.0.0.1
# against Syncthing moving the same change as a file, a new peer pulling
# 10,000 and 100,000 versions, and two peers in step reconnecting.
# Everything listens and dials on 127.0.0.1 only. SYNC_BENCH_ARGS adds
# flags (e.g. "-big 0 -edits 200"); CPU profiles of the 10,000-version
# pull go to bench/out/.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/ensure-packages.sh syncthing iproute2
mkdir -p build/bench bench/out
go build -o build/bench/cordwain .
go build -o build/bench/syncbench ./bench/sync
export CORDWAIN_LOOPBACK=1
# shellcheck disable=SC2086
exec build/bench/syncbench -cordwain build/bench/cordwain -profile bench/out ${SYNC_BENCH_ARGS:-}
