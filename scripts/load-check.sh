#!/usr/bin/env bash
# Latency of a report page under load: `debrief serve` (release build) on the bundled samples, then wrk from Debian
# on loopback, 100 concurrent connections on one report page for 30 s; prints wrk's latency distribution.
# Usage: scripts/load-check.sh [seconds]   (a figure for the README, not a test: speed lives in benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh wrk
seconds="${1:-30}"
swift build -c release --product debrief 2>&1 | grep -E "error|Compiling debrief|Build" || true
bin=$(swift build -c release --product debrief --show-bin-path)/debrief
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/inbox"
cp Media/interview-en.mp4 "$work/inbox/"
"$bin" users add load --role hr --data "$work/data" > /dev/null
token=$("$bin" users token load --data "$work/data")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --inbox "$work/inbox" --data "$work/data" --port "$port" --asr never > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  if curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/reports" | grep -q '"id":1'; then break; fi
  sleep 0.5
done
size=$(curl -s -o /dev/null -w "%{size_download}" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/reports/1")
echo "load-check: report page of interview-en.mp4 ($size bytes), $(nproc) cores, 100 connections, ${seconds} s"
wrk -t2 -c100 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port/reports/1"
