#!/usr/bin/env bash
# Runs the browser tests against a fresh `mamori serve --demo --dev` in Debian's headless Chromium.
#
#   bash tests/browser/run.sh [path/to/mamori]
#
# The binary defaults to ${CARGO_TARGET_DIR:-target}/debug/mamori. The server gets a fresh
# SQLite data directory, or a fresh PostgreSQL database when MAMORI_BROWSER_PG=1, and is
# stopped when the script exits, whatever happens. Exits non-zero when any test fails.
# MAMORI_SCREENSHOT=docs/screenshot.png also refreshes the README screenshot, and
# MAMORI_ASSESS_SCREENSHOT=docs/assessment.png the self-assessment one.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

BIN_ARG="${1:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/mamori}"
BIN="$(realpath -m -- "$BIN_ARG")"
if [[ ! -x "$BIN" ]]; then
  echo "run.sh: no mamori binary at $BIN; build it first: cargo build -p mamori" >&2
  exit 2
fi
CHROMIUM="${MAMORI_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  echo "run.sh: no Chromium at $CHROMIUM; install Debian's: apt-get install -y chromium" >&2
  exit 2
fi
for tool in node npm curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 2; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mamori-browser.XXXXXX")"
LOG="$WORK/server.log"
SERVER_PID=""
TESTS_PID=""
PG_DB=""
PG_URL_BASE="${MAMORI_BROWSER_PG_URL:-postgres://postgres@127.0.0.1:5432}"

cleanup() {
  local rc=$?
  if [[ -n "$TESTS_PID" ]] && kill -0 "$TESTS_PID" 2>/dev/null; then
    kill -TERM "$TESTS_PID" 2>/dev/null || true
    wait "$TESTS_PID" 2>/dev/null || true
  fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -n "$PG_DB" ]]; then
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [[ $rc -ne 0 && -s "$LOG" ]]; then
    echo "---- last lines of the server log ($LOG) ----" >&2
    tail -n 40 "$LOG" >&2 || true
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ "${MAMORI_BROWSER_PG:-0}" == "1" ]]; then
  command -v psql >/dev/null || { echo "run.sh: MAMORI_BROWSER_PG=1 needs psql" >&2; exit 2; }
  PG_DB="mamori_browser_$$_${RANDOM}"
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE \"$PG_DB\"" >/dev/null
  export MAMORI_DATABASE_URL="$PG_URL_BASE/$PG_DB"
  echo "run.sh: database PostgreSQL ($PG_DB)"
else
  # A database URL left in the environment (e.g. by a PostgreSQL test pass) must not
  # send the browser tests to a shared database: SQLite in a fresh directory instead.
  unset MAMORI_DATABASE_URL
  echo "run.sh: database SQLite ($WORK/data)"
fi
# Only the flags below configure the server under test.
unset MAMORI_CONFIG MAMORI_DATA_DIR MAMORI_LISTEN MAMORI_PUBLIC_URL MAMORI_SMTP_URL MAMORI_LOG_FORMAT

PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
URL="http://127.0.0.1:$PORT"
export MAMORI_DEMO_PASSWORD="${MAMORI_DEMO_PASSWORD:-browser-demo-$RANDOM-$RANDOM}"

# Every browser comes from 127.0.0.1, so the per-address login limit is raised for the run;
# the limit itself is tested in crates/web/tests/it/auth_flows.rs.
MAMORI_LOGIN_BURST=1000 MAMORI_LOGIN_PER_MINUTE=1000 \
  "$BIN" serve --demo --dev --data-dir "$WORK/data" --listen "127.0.0.1:$PORT" >"$LOG" 2>&1 &
SERVER_PID=$!

ready=""
for _ in $(seq 1 300); do
  if curl -fsS --max-time 1 "$URL/readyz" >/dev/null 2>&1; then
    ready=1
    break
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "run.sh: the server exited before it was ready" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$ready" ]]; then
  echo "run.sh: the server was not ready within 30 s at $URL" >&2
  exit 1
fi
echo "run.sh: server ready at $URL ($BIN)"

if [[ -n "${MAMORI_SCREENSHOT:-}" ]]; then
  # Where the README screenshot is written; relative to where this script was started.
  MAMORI_SCREENSHOT="$(realpath -m -- "$MAMORI_SCREENSHOT")"
  export MAMORI_SCREENSHOT
fi
if [[ -n "${MAMORI_ASSESS_SCREENSHOT:-}" ]]; then
  # The results page of flow 13 (docs/assessment.png), likewise.
  MAMORI_ASSESS_SCREENSHOT="$(realpath -m -- "$MAMORI_ASSESS_SCREENSHOT")"
  export MAMORI_ASSESS_SCREENSHOT
fi

cd "$HERE"
if [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

export MAMORI_URL="$URL" MAMORI_SERVER_LOG="$LOG" MAMORI_CHROMIUM="$CHROMIUM"
# In the background and waited for, so that a TERM or INT reaches the trap at once.
node --test --test-concurrency=1 --test-timeout=120000 --test-reporter=spec tests/*.test.js &
TESTS_PID=$!
wait "$TESTS_PID"
