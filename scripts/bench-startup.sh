#!/usr/bin/env bash
# Start-to-ready time and idle memory of `mamori serve` on SQLite.
# Usage: scripts/bench-startup.sh [path/to/release/mamori] [runs]
set -euo pipefail
bin="${1:-target/release/mamori}"
runs="${2:-10}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
port=$((20000 + RANDOM % 20000))
# Seed the demo once so the timed starts open a populated database.
MAMORI_DEMO_PASSWORD=bench-password-1 "$bin" serve --demo --data-dir "$dir" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.05; done
kill "$pid"; wait "$pid" 2>/dev/null || true
best=999999; total=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  "$bin" serve --data-dir "$dir" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.002; done
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  total=$((total + ms)); [ "$ms" -lt "$best" ] && best=$ms
  if [ "$i" -eq "$runs" ]; then
    sleep 2
    for _ in $(seq 1 20); do curl -fs "http://127.0.0.1:$port/login" >/dev/null; done
    sleep 1
    rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
echo "start-to-ready (process start until /readyz answers): best ${best} ms, mean $((total / runs)) ms over $runs runs"
echo "idle RSS after 20 page views: $((rss_kb / 1024)) MiB (${rss_kb} KiB)"
