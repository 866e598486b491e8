#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# uTP throughput on 127.0.0.1: `discv5 utp-cat` moving SIZE_MB of random data between two processes, next to
# a raw-UDP `udp-blast` run on the same machine in the same run (the ceiling), and the ratio of the two.
# Usage: scripts/bench-utp.sh [SIZE_MB=200] [PORT=47000]
# Optional libtorrent baseline: scripts/bench-libtorrent-utp.py (needs python3-libtorrent).
set -euo pipefail
size_mb=${1:-200}
port=${2:-47000}
cd "$(dirname "$0")/.."
swift build -c release --product discv5 >&2
swift build -c release --product udp-blast >&2
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c $((size_mb * 1000000)) /dev/urandom > "$work/in"

"$bin/discv5" utp-cat --listen "127.0.0.1:$port" > "$work/out" < /dev/null &
listener=$!
sleep 0.3
start=$(date +%s.%N)
"$bin/discv5" utp-cat --connect "127.0.0.1:$port" --stats < "$work/in" > /dev/null
wait "$listener"
end=$(date +%s.%N)
cmp -s "$work/in" "$work/out" || { echo "bench-utp: output differs from input" >&2; exit 1; }
utp=$(awk -v b=$((size_mb * 1000000)) -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", b / (e - s) / 1048576 }')
echo "utp-cat: ${size_mb} MB in $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }') s = ${utp} MiB/s"

blast=$("$bin/udp-blast" --seconds 3 --size 1420 | tee /dev/stderr | awk '/MiB\/s/ { for (i = 1; i <= NF; i++) if ($i == "MiB/s") print $(i - 1) }')
echo "udp-blast (1420-byte datagrams): ${blast} MiB/s"
awk -v u="$utp" -v b="$blast" 'BEGIN { printf "uTP / raw UDP = %.2f\n", u / b }'
