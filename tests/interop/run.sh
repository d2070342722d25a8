#!/usr/bin/env bash
# Interoperability test: starts `mamori serve --demo` on a free port and runs the OASIS
# taxii2-client full flow, stix2 parsing and stix2-validator against it.
# Usage: tests/interop/run.sh path/to/mamori
# The virtualenv is created in tests/interop/.venv (or $INTEROP_VENV) on first use.
set -euo pipefail
BIN="$(realpath "${1:?usage: run.sh BINARY}")"
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${INTEROP_VENV:-$HERE/.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
fi
DATA="$(mktemp -d)"
PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export MAMORI_DEMO_PASSWORD="interop-demo-password-1"
"$BIN" --data-dir "$DATA" serve --demo --listen "127.0.0.1:$PORT" >"$DATA/server.log" 2>&1 &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  grep -q "listening" "$DATA/server.log" && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$DATA/server.log"; exit 1; }
  sleep 0.1
done
"$VENV/bin/python" "$HERE/interop.py" "http://127.0.0.1:$PORT" "$MAMORI_DEMO_PASSWORD"
