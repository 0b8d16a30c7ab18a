#!/usr/bin/env bash
# The long fuzz pass (issue 22): every target of tests/fuzz/ for INPUTS
# inputs, in chunks of CHUNK inputs with their own seeds, in a release
# build at low priority. Failing inputs are saved under
# tests/fuzz-regressions/TARGET/ (each becomes the test
# `regression::TARGET::NAME` of `cargo test --test fuzz`); rename them to
# say what they are once the cause is fixed.
#
#   scripts/fuzz.sh [INPUTS] [TARGET...]     default: 1000000, every target
#
# Environment: CHUNK (100000), SEED (first chunk's seed, 1), JOBS (targets
# run at once, 2), REMEDY_FUZZ_CPU_LIMIT (CPU seconds one input may take, 2).
# A target that aborts (a stack overflow cannot be caught) is run again on
# the same seed with REMEDY_FUZZ_TRACE=1, which keeps the input it died on.
# Prints one line per chunk and a table: inputs, CPU seconds, inputs per
# CPU second, slowest input, largest heap peak and the bound, failures.
set -euo pipefail
cd "$(dirname "$0")/.."

INPUTS=${1:-1000000}
shift || true
CHUNK=${CHUNK:-100000}
SEED=${SEED:-1}
JOBS=${JOBS:-2}
export REMEDY_FUZZ_SAVE=1

echo "== building the fuzz harness (release)" >&2
# The fuzz test's own artifact: the same build also lists remedy's binary,
# in an order that varies with what had to be rebuilt.
bin=$(cargo test --release --test fuzz --no-run --message-format=json 2>/dev/null |
  grep '"kind":\["test"\],"crate_types":\["bin"\],"name":"fuzz"' |
  sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
[ -x "$bin" ] || { echo "no fuzz binary built" >&2; exit 1; }
out=target/fuzz-report
mkdir -p "$out"
# A copy, so a build while the pass runs does not replace it underfoot.
cp "$bin" "$out/fuzz-bin"
bin=$out/fuzz-bin

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <("$bin" --list 2>/dev/null | sed -n 's/^fuzz::\(.*\): test$/\1/p')
fi

report="$out/$(date +%Y%m%d-%H%M%S).tsv"
: >"$report"
chunks=$(((INPUTS + CHUNK - 1) / CHUNK))

run_target() {
  local t=$1 failed=0
  for ((c = 0; c < chunks; c++)); do
    local n=$CHUNK seed=$((SEED + c))
    if ((c == chunks - 1)); then n=$((INPUTS - c * CHUNK)); fi
    if ! REMEDY_FUZZ_INPUTS=$n REMEDY_FUZZ_SEED=$seed REMEDY_FUZZ_REPORT="$report" \
      nice -n 19 "$bin" --exact "fuzz::$t" --test-threads 1 >"$out/$t.$seed.log" 2>&1; then
      failed=1
      # A failure ends with the harness's summary; an abort has none.
      if ! grep -q "^test result:" "$out/$t.$seed.log"; then
        echo "fuzz::$t aborted on seed $seed; finding the input" >&2
        REMEDY_FUZZ_TRACE=1 REMEDY_FUZZ_INPUTS=$n REMEDY_FUZZ_SEED=$seed \
          nice -n 19 "$bin" --exact "fuzz::$t" --test-threads 1 >/dev/null 2>&1 || true
        mkdir -p "tests/fuzz-regressions/$t"
        cp "target/fuzz-current-$t.bin" "tests/fuzz-regressions/$t/abort-seed-$seed.bin"
        echo "  saved tests/fuzz-regressions/$t/abort-seed-$seed.bin" >&2
        printf '%s\t%s\t-\t-\t-\t-\t-\t-\t-\tabort\n' "$t" "$n" >>"$report"
      fi
    fi
    grep -h "^fuzz	$t	" "$out/$t.$seed.log" | cut -f2- >&2 || true
  done
  return $failed
}

status=0
pids=()
for t in "${targets[@]}"; do
  run_target "$t" &
  pids+=($!)
  while (($(jobs -rp | wc -l) >= JOBS)); do wait -n || status=1; done
done
for p in "${pids[@]}"; do wait "$p" || status=1; done

echo
echo "$INPUTS inputs per target, chunks of $CHUNK from seed $SEED ($report)"
awk -F'\t' '
  { n[$1] += $2; cpu[$1] += $4; if ($6 > slow[$1]) slow[$1] = $6; if ($7 > peak[$1]) peak[$1] = $7
    bound[$1] = $9; fail[$1] += ($10 == "abort" ? 1 : $10); if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
  END {
    printf "| %-13s | %9s | %8s | %8s | %10s | %9s | %-20s | %s |\n", "target", "inputs", "CPU s", "inputs/s", "slowest ms", "peak MiB", "heap bound", "failures"
    for (i = 1; i <= k; i++) { t = order[i]
      printf "| %-13s | %9d | %8.0f | %8.0f | %10.1f | %9.2f | %-20s | %d |\n", t, n[t], cpu[t], n[t] / (cpu[t] ? cpu[t] : 1), slow[t], peak[t], bound[t], fail[t] }
  }' "$report"
ls tests/fuzz-regressions/*/crash-* tests/fuzz-regressions/*/abort-* 2>/dev/null && status=1
exit $status
