#!/usr/bin/env bash
# Load test of pmkb serve (issue #8): wrk from Debian, CONNECTIONS connections for SECONDS
# seconds on the loopback, against a generated library, mixing static pages and /api/search
# (bench/load/mixed.lua). Reports requests/s, p50 and p99 latency, errors (non-2xx responses
# and socket errors) and the server's resident memory sampled from /proc at the start, the
# middle and the end of the run, and its peak. Exits 1 on any error.
#
#   bench/load/run.sh [DOCS=2000] [SECONDS=30] [CONNECTIONS=200]
#
# Needs a Release build in build/ (scripts/setup) and wrk (scripts/install-deps). Not part of
# CTest: it takes the machine for the whole run.
set -euo pipefail
cd "$(dirname "$0")/../.."

docs=${1:-2000}
seconds=${2:-30}
connections=${3:-200}
work=build/load
pmkb=build/generator/pmkb
[ -x "$pmkb" ] && [ -x build/bench/generate_library ] || { echo "load: build first (scripts/setup)" >&2; exit 3; }
command -v wrk >/dev/null || { echo "load: wrk is missing (scripts/install-deps)" >&2; exit 3; }

mkdir -p "$work"
if [ ! -d "$work/content-$docs" ]; then
  build/bench/generate_library "$work/content-$docs" "$docs" 42 >/dev/null
fi
"$pmkb" build "$work/content-$docs" -o "$work/public" -q 2>/dev/null || true
(cd "$work/public" && find . -name '*.html' -o -name '*.css' -o -name '*.js' -o -name '*.json' | grep -v '/xapian/' |
  sed 's|^\.||; s|/index\.html$|/|' | sort) > "$work/pages.txt"

"$pmkb" serve -s "$work/public" --port 0 > "$work/serve.out" 2> "$work/serve.err" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q 'http://' "$work/serve.out" && break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' "$work/serve.out" | head -1 | cut -d: -f2)
[ -n "$port" ] || { echo "load: pmkb serve did not start" >&2; cat "$work/serve.err" >&2; exit 3; }

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$server/status"; }
kb_at() { sed -n "$1p" "$work/rss.txt" | cut -d' ' -f2; }  # the Nth sample
# Warm up for 10 s (every connection gets its worker thread, each worker opens its Xapian
# reader, the answer cache fills), then measure: memory is flat if it does not grow from here.
PMKB_PAGES="$work/pages.txt" PMKB_QUERIES=bench/relevance/queries.tsv \
  wrk -t2 -c"$connections" -d10s -s bench/load/mixed.lua "http://127.0.0.1:$port" >/dev/null 2>&1 || true
rss_idle=$(rss)
: > "$work/rss.txt"
( while kill -0 $server 2>/dev/null; do echo "$(date +%s.%N) $(rss)" >> "$work/rss.txt"; sleep 0.5; done ) &
sampler=$!
PMKB_PAGES="$work/pages.txt" PMKB_QUERIES=bench/relevance/queries.tsv \
  wrk -t2 -c"$connections" -d"${seconds}s" --timeout 5s --latency -s bench/load/mixed.lua "http://127.0.0.1:$port" \
  > "$work/wrk.txt"
kill $sampler 2>/dev/null || true
wait $sampler 2>/dev/null || true

# Samples every 0.5 s: the first second, the middle and the last second of the run.
samples=$(wc -l < "$work/rss.txt")
rss_start=$(kb_at 2)
rss_mid=$(kb_at $(( (samples + 1) / 2 )))
rss_end=$(kb_at $(( samples - 1 )))
rss_peak=$(cut -d' ' -f2 "$work/rss.txt" | sort -n | tail -1)
rps=$(awk '/^Requests\/sec/ { print $2 }' "$work/wrk.txt")
p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")
p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")
requests=$(awk '/requests in/ { print $1 }' "$work/wrk.txt")
non2xx=$(awk '/Non-2xx or 3xx responses/ { print $NF }' "$work/wrk.txt")
socket=$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$work/wrk.txt")
errors=$(( ${non2xx:-0} + ${socket:-0} ))

echo "pmkb serve under load: $docs incidents, $connections connections, ${seconds} s, $(wc -l < "$work/pages.txt") pages + /api/search"
echo "  requests      $requests ($rps req/s)"
echo "  latency       p50 $p50, p99 $p99"
echo "  errors        $errors (non-2xx ${non2xx:-0}, socket ${socket:-0})"
echo "  RSS (MB)      start $((rss_start / 1024)), middle $((rss_mid / 1024)), end $((rss_end / 1024)), peak $((rss_peak / 1024)) (idle after warm-up $((rss_idle / 1024)))"
[ "$errors" -eq 0 ]
