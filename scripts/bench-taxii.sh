#!/usr/bin/env bash
# TAXII 2.1 over HTTP, side by side: `mamori serve` (SQLite) and medallion 3.0.0 (the OASIS
# reference server, memory backend) on this machine, fed the same synthetic indicators by the
# same client (scripts/bench_taxii.py). Prints POST ingest rate and first-page GET latency.
#
# Usage: bash scripts/bench-taxii.sh
# Environment (all optional):
#   MAMORI_BIN        a release mamori binary (default: build one with cargo --release)
#   OURS_SIZES        cumulative sizes for mamori      (default 1000,10000,100000,1000000)
#   PEER_SIZES        cumulative sizes for medallion   (default 1000,10000)
#   BATCH             objects per POST, both servers   (default 1000)
#   BENCH_VENV        venv for medallion               (default ~/.cache/mamori-bench/venv)
#   PEER_GET_TIMEOUT  seconds before medallion's first page counts as timed out (default 120)
# The medallion part is skipped with a message when the venv cannot be created.
set -euo pipefail
cd "$(dirname "$0")/.."
OURS_SIZES="${OURS_SIZES:-1000,10000,100000,1000000}"
PEER_SIZES="${PEER_SIZES:-1000,10000}"
BATCH="${BATCH:-1000}"
BENCH_VENV="${BENCH_VENV:-$HOME/.cache/mamori-bench/venv}"
PEER_GET_TIMEOUT="${PEER_GET_TIMEOUT:-120}"
PASSWORD="bench-password-123"
client=scripts/bench_taxii.py

if [ -z "${MAMORI_BIN:-}" ]; then
  cargo build --release --locked -p mamori >&2
  MAMORI_BIN="${CARGO_TARGET_DIR:-target}/release/mamori"
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url [user:password]
  for _ in $(seq 1 600); do
    if curl -fs -o /dev/null ${2:+-u "$2"} -H 'Accept: application/taxii+json;version=2.1' "$1"; then return 0; fi
    sleep 0.1
  done
  echo "server at $1 did not come up" >&2
  return 1
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "machine: $(nproc) cores, ${cpu:-unknown CPU}; batch ${BATCH} objects per POST; first page = GET objects/?limit=100 (median of 5)"
printf '%-10s %10s %16s %18s\n' server objects "ingest obj/s" "first page ms"

# --- mamori -----------------------------------------------------------------------------
port=$(free_port)
cat >"$work/mamori.toml" <<EOF
body_limit = 268435456
api_burst = 1000000
api_per_minute = 1000000
request_timeout_secs = 600
EOF
MAMORI_DEMO_PASSWORD="$PASSWORD" "$MAMORI_BIN" serve --demo --config "$work/mamori.toml" \
  --data-dir "$work/mamori-data" --listen "127.0.0.1:$port" >"$work/mamori.log" 2>&1 &
pids+=($!)
user="owner@sharing-hub.example"
wait_http "http://127.0.0.1:$port/taxii2/" "$user:$PASSWORD"
coll=$(curl -fs -u "$user:$PASSWORD" -H 'Accept: application/taxii+json;version=2.1' \
  "http://127.0.0.1:$port/taxii2/auto-isac/collections/" |
  python3 -c 'import json,sys; print(next(c["id"] for c in json.load(sys.stdin)["collections"] if c.get("alias")=="shared"))')
python3 "$client" --server mamori --url "http://127.0.0.1:$port/taxii2/auto-isac/collections/$coll/" \
  --user "$user" --password "$PASSWORD" --sizes "$OURS_SIZES" --batch "$BATCH"

# --- medallion 3.0.0 --------------------------------------------------------------------
if [ ! -x "$BENCH_VENV/bin/medallion" ]; then
  mkdir -p "$(dirname "$BENCH_VENV")"
  if ! { python3 -m venv "$BENCH_VENV" && "$BENCH_VENV/bin/pip" install -q medallion==3.0.0; } >"$work/venv.log" 2>&1; then
    echo "medallion: skipped — could not create the venv $BENCH_VENV with medallion==3.0.0 (see below)"
    tail -5 "$work/venv.log" | sed 's/^/  /'
    exit 0
  fi
fi
mport=$(free_port)
mcoll="8f0b4d4e-2c1a-4b7e-9d3f-6a5e4c3b2a10"
cat >"$work/medallion-data.json" <<EOF
{"/discovery": {"title": "bench", "default": "/bench/", "api_roots": ["/bench/"]},
 "bench": {"information": {"title": "bench", "versions": ["application/taxii+json;version=2.1"],
                           "max_content_length": 268435456},
           "status": [],
           "collections": [{"id": "$mcoll", "title": "bench", "can_read": true, "can_write": true,
                            "media_types": ["application/stix+json;version=2.1"], "objects": [], "manifest": []}]}}
EOF
cat >"$work/medallion.json" <<EOF
{"backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
             "filename": "$work/medallion-data.json"},
 "users": {"admin": "$PASSWORD"},
 "taxii": {"max_page_size": 100}}
EOF
"$BENCH_VENV/bin/medallion" --host 127.0.0.1 --port "$mport" "$work/medallion.json" >"$work/medallion.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$mport/taxii2/" "admin:$PASSWORD"
python3 "$client" --server medallion --url "http://127.0.0.1:$mport/bench/collections/$mcoll/" \
  --user admin --password "$PASSWORD" --sizes "$PEER_SIZES" --batch "$BATCH" --get-timeout "$PEER_GET_TIMEOUT"
