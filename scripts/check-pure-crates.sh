#!/usr/bin/env bash
# The domain crates do no IO: none of them may depend, even indirectly, on the database,
# HTTP or async-runtime crates. This walks each crate's normal dependency tree.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(sea-orm|sea-query|sqlx|sqlx-core|axum|hyper|tokio|tower|reqwest) '
status=0
for crate in catalog assess chain intel; do
  tree=$(cargo tree -p "mamori-$crate" -e normal --prefix none --no-dedupe 2>/dev/null | sort -u)
  if [ -z "$tree" ]; then
    echo "check-pure-crates: could not read the dependency tree of mamori-$crate" >&2
    status=1
    continue
  fi
  if bad=$(grep -E "$forbidden" <<<"$tree"); then
    echo "mamori-$crate pulls in IO crates:" >&2
    echo "$bad" >&2
    status=1
  else
    echo "mamori-$crate: no IO dependencies ($(wc -l <<<"$tree") crates checked)"
  fi
done
exit $status
