#!/usr/bin/env bash
# Three-way merge, Go vs Yjs vs Automerge on the same design and edits
# (see merge.mjs for what each side times). Prints medians and ratios as
# JSON. Run by `make bench` (scripts/bench.sh).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null; then
  echo "merge_compare: node not found; skipped" >&2
  exit 0
fi
if [ ! -d node_modules/yjs ] || [ ! -d node_modules/@automerge/automerge ]; then
  npm install --no-audit --no-fund >&2
fi
exec node merge.mjs --go
