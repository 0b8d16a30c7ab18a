#!/usr/bin/env bash
# Search budget: bytes a reader fetches (before the first keystroke, and for
# each query as a reader's first, pasted and typed) and the index on disk, for
# the bundled site and an N-page synthetic corpus, beside Pagefind when
# ../shared/bench/install-peers.sh has installed it. scripts/bench.sh prints
# the same figures in its table, with build times.
#
#   scripts/search-budget.sh [N]      default N: 10000
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
BENCH="${BENCH_DIR:-../shared/bench}"
BIN="${PEERS_DIR:-/tmp/remedy-peers}/bin"
WORK="${WORK:-/tmp/remedy-search-budget}"
QUERIES=("idempotency key" "retry after" "stale etag" "insufficient_quota")
mkdir -p "$WORK"

cargo build --release --locked --quiet
REMEDY="$PWD/target/release/remedy"

echo "== bundled knowledge base"
"$REMEDY" build --verbose --output "$WORK/bundled" | grep -E "^built|search"
node scripts/search-budget.mjs "$WORK/bundled" "${QUERIES[@]}"

echo "== synthetic corpus, N=$N"
[ -d "$WORK/corpus-$N" ] || python3 "$BENCH/gen-corpus.py" "$N" "$WORK/corpus-$N" >/dev/null
( cd "$WORK/corpus-$N/remedy" && "$REMEDY" build --verbose --output "$WORK/remedy" ) | grep -E "^built|search"
node scripts/search-budget.mjs "$WORK/remedy" "${QUERIES[@]}"

if [ -x "$BIN/hugo" ] && [ -x "$BIN/pagefind" ]; then
  "$BIN/hugo" --source "$WORK/corpus-$N/hugo" --destination "$WORK/hugo" --quiet
  "$BIN/pagefind" --site "$WORK/hugo" --output-path "$WORK/pagefind" >/dev/null
  # One process per query: each is a reader's first (metadata and wasm included).
  for q in "${QUERIES[@]}"; do node scripts/pagefind-budget.mjs "$WORK/pagefind" "$q" | tail -1; done
else
  echo "(Pagefind not installed: run $BENCH/install-peers.sh to compare)"
fi
