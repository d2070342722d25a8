#!/usr/bin/env bash
# Interoperability test: starts `mamori serve --demo` on a free port and runs the OASIS
# taxii2-client full flow, stix2 parsing and stix2-validator against it; then federation with
# medallion 3.0.0 (the OASIS reference TAXII server) as a pull and push peer (federation.py).
# Usage: tests/interop/run.sh path/to/mamori
# The virtualenv is created in tests/interop/.venv (or $INTEROP_VENV) on first use.
set -euo pipefail
BIN="$(realpath "${1:?usage: run.sh BINARY}")"
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${INTEROP_VENV:-$HERE/.venv}"
if [ ! -x "$VENV/bin/medallion" ]; then
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
fi
DATA="$(mktemp -d)"
PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export MAMORI_DEMO_PASSWORD="interop-demo-password-1"
# medallion listens on loopback, which peers may use only with the operator's permission.
"$BIN" --data-dir "$DATA" serve --demo --federation-allow-internal --listen "127.0.0.1:$PORT" >"$DATA/server.log" 2>&1 &
SERVER=$!
PEER=""
cleanup() {
  for p in $SERVER $PEER; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$DATA"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  grep -q "listening" "$DATA/server.log" && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$DATA/server.log"; exit 1; }
  sleep 0.1
done
"$VENV/bin/python" "$HERE/interop.py" "http://127.0.0.1:$PORT" "$MAMORI_DEMO_PASSWORD"

# medallion 3.0.0: memory backend, one empty read/write collection (see the reference notes).
MPORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
MCOLL="2f6c1e0a-6d3b-4f8e-9a71-5c0d4b3e2a19"
MPASS="medallion-peer-password-1"
cat >"$DATA/medallion-data.json" <<EOF
{"/discovery": {"title": "medallion peer", "default": "/peer/", "api_roots": ["/peer/"]},
 "peer": {"information": {"title": "peer", "versions": ["application/taxii+json;version=2.1"],
                          "max_content_length": 10485760},
          "status": [],
          "collections": [{"id": "$MCOLL", "title": "peer", "can_read": true, "can_write": true,
                           "media_types": ["application/stix+json;version=2.1"], "objects": [], "manifest": []}]}}
EOF
cat >"$DATA/medallion.json" <<EOF
{"backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
             "filename": "$DATA/medallion-data.json"},
 "users": {"peer": "$MPASS"},
 "taxii": {"max_page_size": 100}}
EOF
"$VENV/bin/medallion" --host 127.0.0.1 --port "$MPORT" "$DATA/medallion.json" >"$DATA/medallion.log" 2>&1 &
PEER=$!
for _ in $(seq 1 100); do
  curl -fs -o /dev/null -u "peer:$MPASS" -H 'Accept: application/taxii+json;version=2.1' "http://127.0.0.1:$MPORT/taxii2/" && break
  kill -0 "$PEER" 2>/dev/null || { cat "$DATA/medallion.log"; exit 1; }
  sleep 0.1
done
"$VENV/bin/python" "$HERE/federation.py" "http://127.0.0.1:$PORT" "$MAMORI_DEMO_PASSWORD" \
  "http://127.0.0.1:$MPORT/peer/collections/$MCOLL/" peer "$MPASS" || { tail -20 "$DATA/medallion.log"; exit 1; }
