#!/usr/bin/env bash
# Search budget: bytes a reader fetches and what the index costs to build and
# store, for the bundled site and a synthetic corpus, beside Pagefind.
#
#   scripts/search-budget.sh [N]      default N: 10000
#
# Prints, per site: the bytes loaded before the first keystroke (client
# script + metadata), the bytes and files a query fetches (shards and
# result fragments), the search stage's build time (from `remedy build -v`)
# and the index size on disk. For the corpus (../shared/bench/gen-corpus.py)
# it also builds it with Hugo + Pagefind when ../shared/bench/install-peers.sh
# has installed them, and prints Pagefind's bytes for the same queries.
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
"$REMEDY" build --verbose --output "$WORK/bundled" | grep -E "^built|search index"
node scripts/search-budget.mjs "$WORK/bundled" "${QUERIES[@]}"

echo "== synthetic corpus, N=$N"
python3 "$BENCH/gen-corpus.py" "$N" "$WORK/corpus" >/dev/null
( cd "$WORK/corpus/remedy" && "$REMEDY" build --verbose --output "$WORK/remedy" ) | grep -E "^built|search index"
node scripts/search-budget.mjs "$WORK/remedy" "${QUERIES[@]}"

if [ -x "$BIN/hugo" ] && [ -x "$BIN/pagefind" ]; then
  "$BIN/hugo" --source "$WORK/corpus/hugo" --destination "$WORK/hugo" --quiet
  start=$(date +%s.%N)
  "$BIN/pagefind" --site "$WORK/hugo" --output-path "$WORK/pagefind" >/dev/null
  end=$(date +%s.%N)
  echo "pagefind indexing: $(echo "$end - $start" | bc) s; on disk: $(du -sh "$WORK/pagefind" | cut -f1) ($(find "$WORK/pagefind" -type f | wc -l) files)"
  node scripts/pagefind-budget.mjs "$WORK/pagefind" "${QUERIES[@]}"
else
  echo "(Pagefind not installed: run $BENCH/install-peers.sh to compare)"
fi
