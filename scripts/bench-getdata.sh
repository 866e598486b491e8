#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# GetData over uTP-over-discv5 between two `discv5` processes on 127.0.0.1: a SIZE_MB file served by
# `discv5 run --serve-dir` and fetched by `discv5 get`, next to a raw-UDP `udp-blast` of about the same datagram
# size (a TALKREQ carrying a 1024-byte uTP payload: 1151 bytes) and raw-UDP uTP (`scripts/bench-utp.sh`), all in
# the same run. The `get` line is followed by one JSON line for Benchmarks/scripts/report.py:
#   {"name":"utp-discv5","bytes":N,"seconds":S,"mib_per_s":R,"datagrams_per_s":D,"blast_mib_per_s":B,...}
# Usage: scripts/bench-getdata.sh [SIZE_MB=200] [PORT=47100]
#   BENCH_TRACE=FILE.csv   also record the receiver's cwnd/RTT trace (`discv5 get --trace`)
#   BENCH_RAW=0            skip the raw-UDP uTP comparison (then the JSON line is the last stdout line)
#   BENCH_SKIP_BUILD=1     use the existing release build
set -euo pipefail
size_mb=${1:-200}
port=${2:-47100}
payload=1024
datagram_size=1151
cd "$(dirname "$0")/.."
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
    swift build -c release --product discv5 >&2
    swift build -c release --product udp-blast >&2
fi
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
server=""
# The server saves its state on SIGTERM: wait for it to exit before removing its data directory.
trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
mkdir "$work/serve"
head -c $((size_mb * 1000000)) /dev/urandom > "$work/serve/blob"
"$bin/discv5" run --listen "127.0.0.1:$port" --serve-dir "$work/serve" --data-dir "$work/data" --json \
    > "$work/run.json" 2> "$work/run.log" &
server=$!
for _ in $(seq 100); do [ -s "$work/run.json" ] && break; sleep 0.1; done
enr=$(head -n 1 "$work/run.json" | sed -E 's/.*"enr":"([^"]+)".*/\1/')
trace=()
[ -n "${BENCH_TRACE:-}" ] && trace=(--trace "$BENCH_TRACE")
result=$("$bin/discv5" get "$enr" blob --out "$work/out" --json "${trace[@]}")
echo "$result"
cmp -s "$work/serve/blob" "$work/out" || { echo "bench-getdata: output differs" >&2; exit 1; }
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
server=""

blast_line=$("$bin/udp-blast" --seconds 3 --size "$datagram_size" | grep -E '^received')
blast=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "MiB/s") print $(i - 1) }' <<< "$blast_line")
blast_rate=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "datagrams/s,") print $(i - 1) }' <<< "$blast_line")
field() { sed -E "s/.*\"$1\":([0-9.eE+-]+|null).*/\\1/" <<< "$result"; }
awk -v b="$(field bytes)" -v t="$(field seconds)" -v p="$payload" -v bs="$datagram_size" -v bm="$blast" \
    -v bd="$blast_rate" -v rtt="$(field rtt_ms)" -v rx="$(field retransmissions)" \
    'BEGIN { printf "{\"name\":\"utp-discv5\",\"bytes\":%d,\"seconds\":%.3f,\"mib_per_s\":%.1f,", b, t, b / t / 1048576;
             printf "\"payload_bytes\":%d,\"datagrams_per_s\":%d,\"blast_size\":%d,\"blast_mib_per_s\":%s,", p, b / p / t, bs, bm;
             printf "\"blast_datagrams_per_s\":%s,\"rtt_ms\":%s,\"retransmissions\":%s}\n", bd, rtt, rx }'
if [ "${BENCH_RAW:-1}" != 0 ]; then
    echo "raw-UDP uTP in the same run:"
    BENCH_SKIP_BUILD=1 scripts/bench-utp.sh "$size_mb" 2>/dev/null | grep -E "utp-cat|uTP / raw"
fi
