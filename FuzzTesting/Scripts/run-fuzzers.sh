#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets (release, fuzzer + address sanitizer) and runs each one from its
# seed corpus until FUZZ_RUNS inputs ran or FUZZ_SECONDS passed, whichever comes first. Prints
# runs and runs/s per target; exits non-zero when any target crashes, leaks, times out or
# allocates past the limits below. Crash inputs land in FuzzTesting/Artifacts/ (git-ignored).
#
#   FUZZ_SECONDS   time limit per target (default 1800)
#   FUZZ_RUNS      run limit per target (default 1000000; 0 = time only)
#   FUZZ_TARGETS   space-separated subset (default: all)
#   FUZZ_WORKERS   fuzzer processes per target, sharing one corpus; FUZZ_RUNS is split
#                  between them and the reported runs are their sum (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-1800}
FUZZ_RUNS=${FUZZ_RUNS:-1000000}
ALL_TARGETS="FuzzRLP FuzzENR FuzzPacket FuzzMessage FuzzUTPPacket FuzzDiscv5Protocol FuzzUTPConnection"
FUZZ_TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}
FUZZ_WORKERS=${FUZZ_WORKERS:-1}

# `--sanitize=fuzzer` makes SwiftPM link libFuzzer's `main` instead of renaming ours; the
# combined `-sanitize=fuzzer,address` afterwards is what the compiler keeps (the last
# `-sanitize=` wins, and fuzzer alone would drop ASan, address alone the coverage counters).
"$SWIFT" build -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
BIN=$("$SWIFT" build -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --show-bin-path)

# Swift's own backtracer fights ASan over the crash signal (and takes minutes); libFuzzer's
# handler prints the stack instead.
export SWIFT_BACKTRACE=enable=no
# Allocation stacks cost a stack unwind per malloc (a tenth of the stateful targets' time); a
# crash input reproduces with full reports by running the target on it.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0}
mkdir -p Artifacts .work

# Datagram targets take up to a full UDP payload; the programs of the stateful targets need far
# less, and shorter programs keep them fast.
max_len() {
    case "$1" in
    FuzzDiscv5Protocol | FuzzUTPConnection) echo 512 ;;
    *) echo 1400 ;;
    esac
}

status=0
summary=()
for target in $FUZZ_TARGETS; do
    # The committed seeds stay untouched; new inputs go to a scratch corpus that the workers
    # share (libFuzzer reloads it, so each sees what the others found).
    work=".work/corpus/$target"
    mkdir -p "$work"
    args=(
        -max_total_time="$FUZZ_SECONDS"
        -rss_limit_mb=2048
        -malloc_limit_mb=256
        -timeout=10
        -max_len="$(max_len "$target")"
        -print_final_stats=1
        -artifact_prefix="Artifacts/$target-"
    )
    [[ "$FUZZ_RUNS" != 0 ]] && args+=(-runs="$(( (FUZZ_RUNS + FUZZ_WORKERS - 1) / FUZZ_WORKERS ))")
    [[ -f "Dictionaries/$target.dict" ]] && args+=(-dict="Dictionaries/$target.dict")
    echo "== $target ($FUZZ_WORKERS worker(s)): ${args[*]}"
    start=$(date +%s)
    pids=()
    for worker in $(seq 1 "$FUZZ_WORKERS"); do
        "$BIN/$target" "${args[@]}" -seed="$worker" "$work" "Corpus/$target" >".work/$target.$worker.log" 2>&1 &
        pids+=($!)
    done
    result=ok
    for index in "${!pids[@]}"; do
        if ! wait "${pids[$index]}"; then
            result=FAILED
            status=1
            grep -E "ERROR|SUMMARY|Test unit written|out-of-memory|Fatal error|timeout" \
                ".work/$target.$((index + 1)).log" | head -20 || true
        fi
    done
    elapsed=$(( $(date +%s) - start ))
    runs=0
    for worker in $(seq 1 "$FUZZ_WORKERS"); do
        done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' ".work/$target.$worker.log" | tail -1)
        runs=$(( runs + ${done_runs:-0} ))
    done
    rate=$(( runs / (elapsed > 0 ? elapsed : 1) ))
    line=$(printf '%-20s %-6s runs=%-10s exec/s=%-8s seconds=%s' "$target" "$result" "$runs" "$rate" "$elapsed")
    echo "$line"
    summary+=("$line")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
