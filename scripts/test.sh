#!/usr/bin/env bash
# The test command. Runs the whole suite on embedded SQLite; then again on PostgreSQL when
# MAMORI_TEST_DATABASE_URL is set; then the browser tests when Chromium is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

echo "=== tests on SQLite (embedded default) ==="
MAMORI_TEST_DATABASE_URL= cargo test --workspace --locked

if [ -n "${MAMORI_TEST_DATABASE_URL:-}" ]; then
  echo "=== tests on PostgreSQL (${MAMORI_TEST_DATABASE_URL%%@*}@…) ==="
  # Each PostgreSQL test creates and drops its own database, so the run waits on the server
  # more than on the CPU: more test threads than cores shortens it.
  RUST_TEST_THREADS="${RUST_TEST_THREADS:-8}" cargo test --workspace --locked -p mamori-store -p mamori-web -p mamori
else
  echo "=== PostgreSQL tests skipped: set MAMORI_TEST_DATABASE_URL=postgres://user@host:5432/db to run them ==="
fi

if [ -x /usr/bin/chromium ] && command -v node >/dev/null; then
  echo "=== browser tests in Chromium (SQLite) ==="
  cargo build --locked -p mamori
  bash tests/browser/run.sh "$CARGO_TARGET_DIR/debug/mamori"
  if [ -n "${MAMORI_TEST_DATABASE_URL:-}" ]; then
    echo "=== browser tests in Chromium (PostgreSQL) ==="
    MAMORI_BROWSER_PG=1 bash tests/browser/run.sh "$CARGO_TARGET_DIR/debug/mamori"
  fi
else
  echo "=== browser tests skipped: install Debian's chromium and Node.js to run them ==="
fi

if python3 -m venv --help >/dev/null 2>&1; then
  echo "=== TAXII interoperability (taxii2-client, stix2, stix2-validator) ==="
  cargo build --locked -p mamori
  bash tests/interop/run.sh "$CARGO_TARGET_DIR/debug/mamori"
else
  echo "=== TAXII interoperability skipped: python3 -m venv is not available ==="
fi
