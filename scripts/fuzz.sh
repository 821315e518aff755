#!/usr/bin/env bash
# Build the libFuzzer targets (clang, ASan+UBSan) and run a fuzzing campaign.
#   scripts/fuzz.sh [--seconds N] [--runs N] [--jobs N] [TARGET...]
# Each target runs until N seconds (default 1800) or N executions (default 10,000,000),
# whichever comes first, on a working corpus in build-fuzz/corpus/<target> seeded from
# test/fuzz/corpus/<target> and the target's SEEDS. Crashes are left in build-fuzz/crashes/:
# minimise one, fix the bug, and add the input to test/fuzz/corpus/<target>/ so that the
# ordinary test run replays it. A summary line per target (executions, coverage, corpus) is
# printed at the end and written to build-fuzz/campaign.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=1800 runs=10000000 targets=()
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
scripts/deps.sh test
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMW_FUZZ=ON -DMW_BENCH=OFF "${launcher[@]}" >/dev/null
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(ls test/fuzz/*_fuzz.cpp | xargs -n1 basename | sed 's/_fuzz\.cpp$//')
fi
ninja -C "$BUILD" -j"${JOBS:-$(nproc)}" "${targets[@]/%/_fuzz}"
mkdir -p "$BUILD/crashes" "$BUILD/logs"
summary="$BUILD/campaign.txt"
: >"$summary"
for t in "${targets[@]}"; do
  work="$BUILD/corpus/$t"
  mkdir -p "$work" "$BUILD/crashes/$t"
  mapfile -t seeds < <(grep -v '^$' "$BUILD/fuzz-seeds/$t.txt")
  log="$BUILD/logs/$t.log"
  start=$SECONDS
  # -fork would restart after a crash; a campaign wants to see every crash, so keep going.
  "$BUILD/test/fuzz/${t}_fuzz" "$work" "${seeds[@]}" -max_total_time="$seconds" -runs="$runs" \
    -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 -artifact_prefix="$BUILD/crashes/$t/" \
    >"$log" 2>&1 || echo "fuzz: $t stopped with a finding, see $log" >&2
  # (a target that stopped early may have printed no statistics: `|| true` keeps going)
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{print $2}' | tail -1 || true)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | awk '{print $2}' || true)
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | awk '{print $2}' || true)
  corp=$(ls "$work" | wc -l)
  crashes=$(ls "$BUILD/crashes/$t" | wc -l)
  line="$t execs=${execs:-?} seconds=$((SECONDS - start)) cov=${cov:-?} ft=${ft:-?} corpus=$corp findings=$crashes"
  echo "$line" | tee -a "$summary"
done
