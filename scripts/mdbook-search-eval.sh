#!/usr/bin/env bash
# Search quality on real mdBook books: remedy, mdBook's own search
# (elasticlunr in node, with the book's index and options) and Pagefind over
# mdBook's HTML, on queries derived from each book and on questions written
# beforehand (scripts/mdbook-search-questions.json). Prints one Markdown row
# per book, query family and engine: recall@1, recall@3, MRR.
#
#   scripts/mdbook-search-eval.sh BOOK_DIR [BOOK_DIR ...]
#
# Needs node, the test npm packages (tests/browser/node_modules), mdBook
# 0.5.4 (MDBOOK, default /tmp/mdbook-venv/bin/mdbook: see mdbook-compat.sh)
# and Pagefind (PAGEFIND, default `pagefind` on PATH, else where
# ../shared/bench/install-peers.sh pagefind puts it: /tmp/remedy-peers/bin).
# remedy is this checkout's release build unless REMEDY names one.
# Not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
MDBOOK="${MDBOOK:-/tmp/mdbook-venv/bin/mdbook}"
PAGEFIND="${PAGEFIND:-$(command -v pagefind || echo /tmp/remedy-peers/bin/pagefind)}"
if [ -z "${REMEDY:-}" ]; then
  cargo build --release --locked --quiet
  REMEDY="$PWD/target/release/remedy"
fi
work="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
echo "| book | queries | engine | recall@1 | recall@3 | MRR |"
echo "| --- | --- | --- | --- | --- | --- |"
for book in "$@"; do
  name="$(basename "$book")"
  for tool in mdbook remedy; do
    mkdir -p "$work/$tool"
    cp -r "$book" "$work/$tool/$name"
    rm -rf "$work/$tool/$name/book"
  done
  (cd "$work/mdbook/$name" && "$MDBOOK" build >/dev/null 2>&1)
  (cd "$work/remedy/$name" && "$REMEDY" build --quiet >/dev/null 2>&1)
  # Pagefind indexes the chapters mdBook wrote, not its print page (every
  # chapter again), toc.html, 404.html or index.html (a copy of the first chapter).
  site="$work/pagefind/$name"
  mkdir -p "$(dirname "$site")"
  cp -r "$work/mdbook/$name/book" "$site"
  rm -f "$site/print.html" "$site/toc.html" "$site/404.html" "$site/index.html"
  "$PAGEFIND" --site "$site" --output-subdir pagefind >/dev/null
  node scripts/mdbook-search-eval.mjs "$work/mdbook/$name/book" "$work/remedy/$name/book" "$site/pagefind"
done
