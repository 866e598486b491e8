#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# uTP throughput on 127.0.0.1: `discv5 utp-cat` moving SIZE_MB of random data between two processes (raw-UDP
# uTP, 1400-byte payloads), next to a raw-UDP `udp-blast` run of the same datagram size (1420 bytes) in the same
# run (the ceiling), and the ratio of the two. The last stdout line is JSON for Benchmarks/scripts/report.py:
#   {"name":"utp-raw","bytes":N,"seconds":S,"mib_per_s":R,"datagrams_per_s":D,"blast_mib_per_s":B,...}
# Usage: scripts/bench-utp.sh [SIZE_MB=200] [PORT=47000]   (BENCH_SKIP_BUILD=1: use the existing release build)
# Baselines beside it: scripts/bench-libtorrent-utp.py (needs python3-libtorrent); all of it: `make bench`.
set -euo pipefail
size_mb=${1:-200}
port=${2:-47000}
payload=1400
cd "$(dirname "$0")/.."
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
    swift build -c release --product discv5 >&2
    swift build -c release --product udp-blast >&2
fi
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bytes=$((size_mb * 1000000))
head -c "$bytes" /dev/urandom > "$work/in"

"$bin/discv5" utp-cat --listen "127.0.0.1:$port" --payload-size "$payload" > "$work/out" < /dev/null &
listener=$!
sleep 0.3
start=$(date +%s.%N)
"$bin/discv5" utp-cat --connect "127.0.0.1:$port" --payload-size "$payload" --stats < "$work/in" > /dev/null \
    2> "$work/stats"
wait "$listener"
end=$(date +%s.%N)
cmp -s "$work/in" "$work/out" || { echo "bench-utp: output differs from input" >&2; exit 1; }
seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
utp=$(awk -v b="$bytes" -v t="$seconds" 'BEGIN { printf "%.1f", b / t / 1048576 }')
echo "utp-cat: ${size_mb} MB in ${seconds} s = ${utp} MiB/s ($(tr -d '\r' < "$work/stats" | tail -n 1))"

blast_size=$((payload + 20))
blast_line=$("$bin/udp-blast" --seconds 3 --size "$blast_size" | tee -a /dev/stderr | grep -E '^received')
blast=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "MiB/s") print $(i - 1) }' <<< "$blast_line")
blast_rate=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "datagrams/s,") print $(i - 1) }' <<< "$blast_line")
echo "udp-blast (${blast_size}-byte datagrams): ${blast} MiB/s"
awk -v u="$utp" -v b="$blast" 'BEGIN { printf "uTP / raw UDP = %.2f\n", u / b }'
awk -v b="$bytes" -v t="$seconds" -v r="$utp" -v p="$payload" -v bs="$blast_size" -v bm="$blast" -v bd="$blast_rate" \
    'BEGIN { printf "{\"name\":\"utp-raw\",\"bytes\":%d,\"seconds\":%s,\"mib_per_s\":%s,\"payload_bytes\":%d,", b, t, r, p;
             printf "\"datagrams_per_s\":%d,\"blast_size\":%d,\"blast_mib_per_s\":%s,\"blast_datagrams_per_s\":%s}\n",
                 b / p / t, bs, bm, bd }'
