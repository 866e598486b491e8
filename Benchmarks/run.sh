#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`: the whole benchmark suite in one run, then Benchmarks/REPORT.md with its SVG charts.
#   1. package-benchmark suites (codecs, handshakes, in-memory uTP): time and mallocs per operation;
#   2. bench-tool: uTP goodput against loss rate (simulated network), memory per idle session and connection;
#   3. loopback between processes: raw-UDP uTP and uTP-over-discv5 (200 MB each, with udp-blast ceilings of
#      the same datagram sizes), libtorrent's uTP (200 MB), and 1000 concurrent 1 MB transfers over discv5
#      (scripts/bench-concurrent.sh, when present).
# Every measurement appends one JSON line to Benchmarks/results/results.jsonl; a failed step is recorded
# and the rest still runs. Installs python3-libtorrent when it is missing.
# Usage: Benchmarks/run.sh [SIZE_MB=200]; BENCH_ROUNDS=N interleaved rounds of the 200 MB transfers (default 3).
set -uo pipefail
size_mb=${1:-200}
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/Benchmarks/results"
rm -rf "$out"
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"
log() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)" >&2; }
failed() { printf '{"name":"%s","failed":true,"error":"%s"}\n' "$1" "$2" >> "$results"; }

log "dependencies"
scripts/install-deps.sh || exit 1
if ! /usr/bin/python3 -c 'import libtorrent' 2>/dev/null; then
    echo "installing python3-libtorrent (the libtorrent uTP baseline)" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-libtorrent >/dev/null || true
fi

log "release builds"
swift build -c release --product discv5 >&2 || exit 1
swift build -c release --product udp-blast >&2 || exit 1
# The benchmark suites themselves are built by `swift package benchmark` below.
(cd Benchmarks && swift build -c release --product bench-tool >&2) || exit 1
bench_bin=$(cd Benchmarks && swift build -c release --show-bin-path)
export BENCH_SKIP_BUILD=1

{
    echo "{\"name\":\"machine\",\"date\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"cpus\":$(nproc),"
    echo "\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"kernel\":\"$(uname -r)\","
    echo "\"commit\":\"$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\","
    echo "\"swift\":\"$(swift --version 2>/dev/null | head -n 1 | tr -d '"')\"}"
} | tr -d '\n' >> "$results"
echo >> "$results"

# A step: run a command under a time limit and keep its last stdout line that is a JSON object.
step() {
    local name=$1
    shift
    log "$name"
    local output
    output=$(timeout 900 "$@" | tee -a /dev/stderr)
    local status=$?
    local line
    line=$(grep -E '^\{.*\}$' <<< "$output" | tail -n 1)
    if [ "$status" -ne 0 ] || [ -z "$line" ]; then
        failed "$name" "exit status $status"
    else
        echo "$line" >> "$results"
    fi
}

log "package-benchmark: codecs, handshakes, uTP in memory"
(cd Benchmarks && timeout 900 swift package --allow-writing-to-directory results benchmark \
    --format jmh --path results --no-progress >&2) \
    || failed "package-benchmark" "see the make bench output"

log "bench-tool: loss sweep, sender trace, handshakes per CPU second, memory"
timeout 600 "$bench_bin/bench-tool" loss-sweep 8 | tee -a /dev/stderr >> "$results" || failed "loss-sweep" "bench-tool failed"
timeout 600 "$bench_bin/bench-tool" trace "$out/sim-trace.csv" 1 | tee -a /dev/stderr >> "$results" \
    || failed "sim-trace" "bench-tool failed"
timeout 600 "$bench_bin/bench-tool" handshakes 3000 | tee -a /dev/stderr >> "$results" \
    || failed "handshakes" "bench-tool failed"
for kind in sessions utp; do
    timeout 600 "$bench_bin/bench-tool" "memory-$kind" 2000 | tee -a /dev/stderr >> "$results" \
        || failed "memory-$kind" "bench-tool failed"
done

# Interleaved rounds, so a burst of load from elsewhere hits every contender alike; the report takes medians.
rounds=${BENCH_ROUNDS:-3}
for round in $(seq "$rounds"); do
    log "loopback round $round of $rounds"
    step utp-raw scripts/bench-utp.sh "$size_mb" 47310
    trace=""
    [ "$round" -eq 1 ] && trace="$out/trace.csv"
    BENCH_TRACE="$trace" BENCH_RAW=0 step utp-discv5 scripts/bench-getdata.sh "$size_mb" 47320
    step libtorrent /usr/bin/python3 scripts/bench-libtorrent-utp.py bench "$size_mb"
done
if [ -x scripts/bench-concurrent.sh ]; then
    step concurrent scripts/bench-concurrent.sh 1000 1
else
    echo '{"name":"concurrent","not_run":true}' >> "$results"
fi

log "report"
python3 Benchmarks/scripts/report.py "$out" Benchmarks
echo "wrote Benchmarks/REPORT.md" >&2
