#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# COUNT concurrent GetData fetches of one SIZE_MB file over uTP-over-discv5 between two `discv5`
# processes on 127.0.0.1: `discv5 run --serve-dir` serves it, `discv5 get --parallel COUNT` fetches it
# COUNT times at once (32 transfers at a time, the rest queued) and checks every copy's SHA-256.
# The LAST stdout line is one JSON object (the client's exit status is the script's):
#   {"name":"concurrent","transfers":…,"completed":…,"failed":…,"bytes":…,"seconds":…,"mib_per_s":…,
#    "utp_packets_received":…,"utp_packets_sent":…,"datagrams_received":…,"datagrams_sent":…} (the client's counts)
# Usage: scripts/bench-concurrent.sh [COUNT=1000] [SIZE_MB=1] [PORT=47300]
set -euo pipefail
count=${1:-1000}
size_mb=${2:-1}
port=${3:-47300}
cd "$(dirname "$0")/.."
swift build -c release --product discv5 >&2
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
server=""
# The server saves its state on SIGTERM: wait for it to exit before removing its data directory.
trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
mkdir "$work/serve"
head -c $((size_mb * 1000000)) /dev/urandom > "$work/serve/blob"
sha=$(sha256sum "$work/serve/blob" | cut -d " " -f 1)
"$bin/discv5" run --listen "127.0.0.1:$port" --serve-dir "$work/serve" --data-dir "$work/data" --json \
    > "$work/run.json" 2> "$work/run.log" &
server=$!
for _ in $(seq 100); do [ -s "$work/run.json" ] && break; sleep 0.1; done
enr=$(head -n 1 "$work/run.json" | sed -E 's/.*"enr":"([^"]+)".*/\1/')
status=0
"$bin/discv5" get "$enr" blob --parallel "$count" --sha256 "$sha" --timeout 600 --json > "$work/get.json" || status=$?
line=$(tail -n 1 "$work/get.json")
[ -n "$line" ] || { echo "bench-concurrent: the client printed nothing (exit $status)" >&2; exit 1; }
field() { echo "$line" | sed -E "s/.*\"$1\":([^,}]+).*/\1/"; }
printf '{"name":"concurrent","transfers":%s,"completed":%s,"failed":%s,"bytes":%s,"seconds":%s,"mib_per_s":%s,"utp_packets_received":%s,"utp_packets_sent":%s,"datagrams_received":%s,"datagrams_sent":%s}\n' \
    "$(field transfers)" "$(field completed)" "$(field failed)" "$(field bytes)" "$(field seconds)" "$(field mib_per_s)" \
    "$(field utp_packets_received)" "$(field utp_packets_sent)" "$(field datagrams_received)" "$(field datagrams_sent)"
exit "$status"
