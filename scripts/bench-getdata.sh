#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# GetData over uTP-over-discv5 between two `discv5` processes on 127.0.0.1: a SIZE_MB file served by
# `discv5 run --serve-dir` and fetched by `discv5 get`, printed next to raw-UDP uTP (`utp-cat`)
# measured in the same run. Usage: scripts/bench-getdata.sh [SIZE_MB=200] [PORT=47100]
set -euo pipefail
size_mb=${1:-200}
port=${2:-47100}
cd "$(dirname "$0")/.."
swift build -c release --product discv5 >&2
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/serve"
head -c $((size_mb * 1000000)) /dev/urandom > "$work/serve/blob"
"$bin/discv5" run --listen "127.0.0.1:$port" --serve-dir "$work/serve" --data-dir "$work/data" --json \
    > "$work/run.json" 2> "$work/run.log" &
server=$!
for _ in $(seq 100); do [ -s "$work/run.json" ] && break; sleep 0.1; done
enr=$(head -n 1 "$work/run.json" | sed -E 's/.*"enr":"([^"]+)".*/\1/')
"$bin/discv5" get "$enr" blob --out "$work/out" --json
cmp -s "$work/serve/blob" "$work/out" || { echo "bench-getdata: output differs" >&2; exit 1; }
echo "raw-UDP uTP in the same run:"
scripts/bench-utp.sh "$size_mb" 2>/dev/null | grep -E "utp-cat|uTP / raw"
