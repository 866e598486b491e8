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
#   FUZZ_FORK      worker processes for the slow stateful targets (default 2; libFuzzer -fork)
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-1800}
FUZZ_RUNS=${FUZZ_RUNS:-1000000}
ALL_TARGETS="FuzzRLP FuzzENR FuzzPacket FuzzMessage FuzzUTPPacket FuzzDiscv5Protocol FuzzUTPConnection"
FUZZ_TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}
FUZZ_FORK=${FUZZ_FORK:-2}

# `--sanitize=fuzzer` makes SwiftPM link libFuzzer's `main` instead of renaming ours; the
# combined `-sanitize=fuzzer,address` afterwards is what the compiler keeps (the last
# `-sanitize=` wins, and fuzzer alone would drop ASan, address alone the coverage counters).
"$SWIFT" build -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
BIN=$("$SWIFT" build -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --show-bin-path)

# Swift's own backtracer fights ASan over the crash signal (and takes minutes); libFuzzer's
# handler prints the stack instead.
export SWIFT_BACKTRACE=enable=no
mkdir -p Artifacts .work

# Datagram targets take up to a full UDP payload; the programs of the stateful targets need far
# less, and shorter programs keep them fast.
max_len() {
    case "$1" in
    FuzzDiscv5Protocol | FuzzUTPConnection) echo 512 ;;
    *) echo 1400 ;;
    esac
}

# The stateful targets spend most of a run in secp256k1 and the state machines, so libFuzzer's
# restart overhead in fork mode is small next to the gain of a second worker.
is_slow() {
    case "$1" in
    FuzzDiscv5Protocol | FuzzUTPConnection) return 0 ;;
    *) return 1 ;;
    esac
}
status=0
summary=()
for target in $FUZZ_TARGETS; do
    # The committed seeds stay untouched; new inputs go to a scratch corpus.
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
    [[ "$FUZZ_RUNS" != 0 ]] && args+=(-runs="$FUZZ_RUNS")
    [[ -f "Dictionaries/$target.dict" ]] && args+=(-dict="Dictionaries/$target.dict")
    if is_slow "$target" && [[ "$FUZZ_FORK" -gt 1 ]]; then args+=(-fork="$FUZZ_FORK"); fi
    log=".work/$target.log"
    echo "== $target: ${args[*]}"
    start=$(date +%s)
    if "$BIN/$target" "${args[@]}" "$work" "Corpus/$target" >"$log" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
        grep -E "ERROR|SUMMARY|Test unit written|out-of-memory|Fatal error|timeout" "$log" | head -20 || true
    fi
    elapsed=$(( $(date +%s) - start ))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    # Fork mode prints no final stats; its status lines carry the total across workers.
    [[ -z "$runs" ]] && runs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -1)
    runs=${runs:-0}
    rate=$(( runs / (elapsed > 0 ? elapsed : 1) ))
    line=$(printf '%-20s %-6s runs=%-10s exec/s=%-8s seconds=%s' "$target" "$result" "$runs" "$rate" "$elapsed")
    echo "$line"
    summary+=("$line")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
