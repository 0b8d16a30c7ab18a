#!/usr/bin/env bash
# Build-time benchmark of remedy beside Hugo + Pagefind (and Zola when
# installed): one table per corpus size with wall time, peak memory, files,
# bytes on disk and search bytes per query, and remedy's ratios.
#
#   scripts/bench.sh [N ...]        default N: 1000 10000
#
# Peers: ../shared/bench/install-peers.sh hugo pagefind. RUNS (default 3)
# counted runs after one warm-up. Machines are noisy: compare tools within
# one run. Not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
exec python3 scripts/bench.py "$@"
