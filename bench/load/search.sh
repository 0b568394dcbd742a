#!/usr/bin/env bash
# /api/search under concurrent load (issue #5): wrk from Debian, CONNECTIONS connections for
# SECONDS seconds on the loopback against `pmkb serve` of a generated library of DOCS
# incidents, asking the relevance queries in turn (bench/load/search_mix.lua). Two runs:
#   cached    the server answers a repeated request from its per-index cache (after a warm-up
#             pass), as when an on-call team repeats each other's searches;
#   uncached  every request is distinct, so every one runs the whole Xapian search.
# Prints requests/s, p50 and p99 for each. wrk shares the machine's cores with the server.
#
#   bench/load/search.sh [DOCS=10000] [SECONDS=15] [CONNECTIONS=50]
#
# Needs a Release build in build/ (scripts/setup) and wrk (scripts/install-deps).
set -euo pipefail
cd "$(dirname "$0")/../.."

docs=${1:-10000}
seconds=${2:-15}
connections=${3:-50}
work=build/load
pmkb=build/generator/pmkb
[ -x "$pmkb" ] && [ -x build/bench/generate_library ] || { echo "search load: build first (scripts/setup)" >&2; exit 3; }
command -v wrk >/dev/null || { echo "search load: wrk is missing (scripts/install-deps)" >&2; exit 3; }

mkdir -p "$work"
[ -d "$work/content-$docs" ] || build/bench/generate_library "$work/content-$docs" "$docs" 42 >/dev/null
"$pmkb" build "$work/content-$docs" -o "$work/public-$docs" -q 2>/dev/null || true

"$pmkb" serve -s "$work/public-$docs" --port 0 > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q 'http://' "$work/serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/serve.log" | head -1)
[ -n "$url" ] || { echo "search load: pmkb serve did not start" >&2; cat "$work/serve.log" >&2; exit 3; }

report() {  # label, then wrk's output on stdin
  awk -v label="$1" '
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = $2 }
    $1 == "99%" { p99 = $2 }
    /Non-2xx|Socket errors/ { errors = errors " " $0 }
    END { printf "%-9s %10s req/s   p50 %8s   p99 %8s%s\n", label, rps, p50, p99, errors }'
}

wrk -t1 -c"$connections" -d3s -s bench/load/search_mix.lua "$url" >/dev/null  # warm-up: fills the cache
wrk -t1 -c"$connections" -d"${seconds}s" --latency -s bench/load/search_mix.lua "$url" | report cached
PMKB_UNCACHED=1 wrk -t1 -c"$connections" -d"${seconds}s" --latency -s bench/load/search_mix.lua "$url" | report uncached
