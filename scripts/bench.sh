#!/usr/bin/env bash
# Build-time benchmark of remedy, beside the peer generators when they are installed.
#
#   scripts/bench.sh [N ...]        default N: 1000 10000
#
# Prints, for the bundled knowledge base and for each synthetic corpus of N pages
# (../shared/bench/gen-corpus.py), the median wall time and peak memory of a whole
# `remedy build` (release binary), and the same figures for Hugo, Pagefind and mdBook
# when ../shared/bench/install-peers.sh has installed them. Timings are whole-process,
# 1 warm-up + RUNS (default 5) runs. Compare tools within one run: machines are noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH="${BENCH_DIR:-../shared/bench}"
[ -f "$BENCH/bench-peers.sh" ] || { echo "no $BENCH/bench-peers.sh: set BENCH_DIR" >&2; exit 2; }
RUNS="${RUNS:-5}"
export RUNS

cargo build --release --locked --quiet
export REMEDY="$PWD/target/release/remedy"

echo "== bundled knowledge base"
out="$(mktemp -d)"
python3 "$BENCH/timeit.py" -n "$RUNS" -w 1 --json "$out/bundled.json" -- "$REMEDY" build --quiet --output "$out/site" >/dev/null
python3 - "$out/bundled.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f'remedy   bundled  wall {r["wall_s"]["median"]:.3f} s  peak {r["peak_mib"]["median"]:.1f} MiB')
PY
"$REMEDY" build --verbose --output "$out/site" | sed 's/^/  /'
rm -rf "$out"

peers=""
for t in hugo pagefind mdbook; do
  [ -x "${PEERS_DIR:-/tmp/remedy-peers}/bin/$t" ] && peers="$peers $t"
done
for n in "${@:-1000 10000}"; do
  echo "== synthetic corpus, N=$n (peers installed:${peers:- none})"
  tools="remedy$peers"
  # mdBook takes over 15 minutes per build at 10,000 pages.
  [ "$n" -ge 10000 ] && tools="${tools/ mdbook/}"
  bash "$BENCH/bench-peers.sh" "$n" $tools
done
