#!/usr/bin/env bash
# Measures pmkb against Hugo and Pagefind on one postmortem library, in one run, alternating the
# tools round by round, and prints a Markdown table: median, min and max wall seconds and the
# median peak RSS of each measurement, then the ratios that issue #7 sets targets for.
#
#   bench/compare.sh [--rounds N] [--build-dir DIR] [--work DIR] LIBRARY [COUNT [SEED]]
#
# LIBRARY is a folder of postmortems; with COUNT, a missing LIBRARY is generated first with
# BUILD_DIR/bench/generate_library LIBRARY COUNT SEED (seed 42 by default). Each round measures:
#   pmkb cold build (OUT deleted; --clean too once pmkb has it), `pmkb lint`, the rebuild with no
#   change, after editing one file, after adding one and after deleting one; then Hugo building the
#   same Markdown with a minimal layout (generated here) and taxonomies for services and severity,
#   and Pagefind indexing Hugo's output. Odd rounds run pmkb first, even rounds Hugo first.
# Wall time and peak RSS come from /usr/bin/time. Needs hugo, GNU time and bench/node_modules
# (scripts/install-bench-deps installs all three); pmkb itself needs none of them.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=5
build_dir="$repo/build"
work=""
usage() { echo "usage: bench/compare.sh [--rounds N] [--build-dir DIR] [--work DIR] LIBRARY [COUNT [SEED]]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:?}; shift 2 ;;
    --build-dir) build_dir=$(cd "${2:?}" && pwd); shift 2 ;;
    --work) work=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || usage
library=$1
count=${2:-}
seed=${3:-42}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || usage

pmkb="$build_dir/generator/pmkb"
pagefind="$repo/bench/node_modules/.bin/pagefind"
missing=()
[ -x "$pmkb" ] || missing+=("$pmkb (cmake --build $build_dir)")
command -v hugo >/dev/null || missing+=("hugo (apt-get install hugo)")
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (apt-get install time)")
[ -x "$pagefind" ] || missing+=("$pagefind (npm install --prefix bench --no-save)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench/compare.sh: missing prerequisites; scripts/install-bench-deps installs them:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 3
fi

if [ ! -d "$library" ]; then
  [ -n "$count" ] || { echo "bench/compare.sh: $library does not exist; give COUNT to generate it" >&2; exit 2; }
  "$build_dir/bench/generate_library" "$library" "$count" "$seed" >&2
fi
library=$(cd "$library" && pwd)

if [ -z "$work" ]; then
  work=$(mktemp -d /tmp/pmkb-compare.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
copy="$work/library"     # the library pmkb builds and edits; restored every round
out="$work/pmkb-out"
site="$work/hugo"        # the Hugo project: config and layouts; content is LIBRARY itself
hugo_out="$work/hugo-out"
times="$work/times.tsv"  # measurement <tab> seconds <tab> peak RSS KiB
trash="$work/trash"      # what earlier rounds left, deleted once the measurements are done
: >"$times"

# --- the minimal Hugo site ------------------------------------------------------------------
mkdir -p "$site/layouts/_default"
cat >"$site/config.toml" <<EOF
baseURL = "http://localhost/"
title = "Postmortems"
contentDir = "$library"
[taxonomies]
  service = "services"
  severity = "severity"
[frontmatter]
  date = ["date", "started_at", "start_time", ":filename", ":default"]
EOF
cat >"$site/layouts/_default/baseof.html" <<'EOF'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><nav><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a> · <a href="{{ "/services/" | relURL }}">Services</a> · <a href="{{ "/severity/" | relURL }}">Severity</a></nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
EOF
cat >"$site/layouts/_default/single.html" <<'EOF'
{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2006-01-02" }}{{ with .Params.severity }} · {{ . }}{{ end }}</p>
{{ with .GetTerms "services" }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
{{ .Content }}</article>{{ end }}
EOF
cat >"$site/layouts/_default/list.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>{{ end }}
EOF
cat >"$site/layouts/index.html" <<'EOF'
{{ define "main" }}<h1>{{ .Site.Title }}</h1>
<ul>{{ range .Site.RegularPages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>{{ end }}
EOF

# --- measuring ----------------------------------------------------------------------------------
# measure NAME ALLOWED_STATUSES COMMAND...: runs COMMAND under /usr/bin/time, records the wall
# time and peak RSS, and stops the benchmark if it exits with a status not in ALLOWED_STATUSES.
measure() {
  local name=$1 allowed=$2
  shift 2
  local log="$work/last.log" stats="$work/last.time" status=0
  /usr/bin/time -f '%e %M' -o "$stats" "$@" >"$log" 2>&1 || status=$?
  if ! [[ " $allowed " == *" $status "* ]]; then
    echo "bench/compare.sh: $name exited with status $status:" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  read -r seconds kib < <(tail -1 "$stats")
  printf '%s\t%s\t%s\n' "$name" "$seconds" "$kib" >>"$times"
  printf '  %-28s %8.2f s %8.0f MiB\n' "$name" "$seconds" "$((kib / 1024))" >&2
}

# set_aside PATH...: moves what an earlier round left out of the way, to be deleted after the
# last measurement. Deleting it between measurements slowed the next one: when ext4 (here without
# a journal) allocates inodes it skips those freed in the last minute (recently_deleted() in
# fs/ext4/ialloc.c), and a site of 30,000 files deleted just before a build cost that build
# 1-8 s more system time (paired pmkb cold builds: 5.2 and 11.8 s of system time right after
# deleting the previous round's output, 3.1 and 3.9 s a minute later). A CI runner starts from a
# fresh checkout, with nothing just deleted.
set_aside() {
  mkdir -p "$trash"
  local path
  for path in "$@"; do
    if [ -e "$path" ]; then mv "$path" "$(mktemp -d "$trash/XXXXXX")/"; fi
  done
}

clean_flag=()
"$pmkb" build --help 2>&1 | grep -q -- '--clean' && clean_flag=(--clean)

mapfile -t documents < <(cd "$library" && find . -type f \( -name '*.md' -o -name '*.markdown' \) | LC_ALL=C sort)
[ ${#documents[@]} -ge 3 ] || { echo "bench/compare.sh: $library has fewer than 3 postmortems" >&2; exit 2; }
edited=${documents[$(( ${#documents[@]} / 2 ))]}
deleted=${documents[$(( ${#documents[@]} / 3 ))]}

# pmkb exits 1 when the library has content errors; that is a finished build, not a failure.
run_pmkb() {
  # A cold build starts from nothing: OUT, and the replaced site and lock that the previous
  # round's rebuilds left beside it (else the cold build spends part of its time deleting them).
  set_aside "$copy" "$out" "$work"/.pmkb-out.pmkb-*
  cp -a "$library" "$copy"
  measure "pmkb cold build" "0 1" "$pmkb" build "$copy" -o "$out" -q "${clean_flag[@]}"
  measure "pmkb lint" "0 1" "$pmkb" lint "$copy" -q
  measure "pmkb rebuild, no change" "0 1" "$pmkb" build "$copy" -o "$out" -q
  printf '\nA follow-up review added one more lesson: alert on the underlying condition.\n' >>"$copy/$edited"
  measure "pmkb rebuild, 1 file edited" "0 1" "$pmkb" build "$copy" -o "$out" -q
  cat >"$copy/bench-added-postmortem.md" <<'EOF'
---
title: Checkout latency after a cache node was replaced
date: 2025-11-03
severity: SEV3
services: [checkout, redis]
---

## Summary

Checkout requests were slow for 40 minutes after a Redis cache node was replaced.

## Root cause

The replacement node started with an empty cache, and every request fell through to the database,
which ran out of connections in its pool.

## Action items

- [ ] Warm the cache before a replacement node takes traffic @platform
EOF
  measure "pmkb rebuild, 1 file added" "0 1" "$pmkb" build "$copy" -o "$out" -q
  rm "$copy/$deleted"
  measure "pmkb rebuild, 1 file deleted" "0 1" "$pmkb" build "$copy" -o "$out" -q
}
run_hugo() {
  set_aside "$hugo_out" "$site/resources"
  measure "Hugo build (no search)" "0" hugo --source "$site" --destination "$hugo_out" --quiet
  measure "Pagefind (Hugo's output)" "0" "$pagefind" --site "$hugo_out"
}

markdown_mb=$(cd "$library" && find . -type f \( -name '*.md' -o -name '*.markdown' \) -printf '%s\n' |
  awk '{n += $1} END {printf "%.1f", n / 1e6}')
echo "library: $library (${#documents[@]} postmortems, $markdown_mb MB of Markdown); $rounds rounds" >&2
for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds" >&2
  if [ $((round % 2)) -eq 1 ]; then run_pmkb; run_hugo; else run_hugo; run_pmkb; fi
done
rm -rf "$trash"

# --- the report ---------------------------------------------------------------------------------
stat_of() {  # stat_of NAME FIELD(2 seconds|3 KiB) WHICH(median|min|max)
  awk -F'\t' -v name="$1" -v field="$2" '$1 == name {print $field}' "$times" | sort -g |
    awk -v which="$3" '{v[NR] = $1} END {
      if (NR == 0) exit 1
      if (which == "min") print v[1]; else if (which == "max") print v[NR];
      else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }

version=$("$pmkb" --version)
echo
echo "${#documents[@]} postmortems ($markdown_mb MB of Markdown), $rounds rounds, $(nproc) cores; $version, Hugo $(hugo version | cut -d' ' -f2), Pagefind $("$pagefind" --version 2>/dev/null | awk '{print $NF}')"
echo
echo "| measurement | median s | min s | max s | median peak RSS MiB |"
echo "|---|---:|---:|---:|---:|"
for name in "pmkb cold build" "pmkb rebuild, no change" "pmkb rebuild, 1 file edited" "pmkb rebuild, 1 file added" \
            "pmkb rebuild, 1 file deleted" "pmkb lint" "Hugo build (no search)" "Pagefind (Hugo's output)"; do
  printf '| %s | %.2f | %.2f | %.2f | %.0f |\n' "$name" "$(stat_of "$name" 2 median)" "$(stat_of "$name" 2 min)" \
    "$(stat_of "$name" 2 max)" "$(awk -v k="$(stat_of "$name" 3 median)" 'BEGIN {print k / 1024}')"
done

cold=$(stat_of "pmkb cold build" 2 median)
hugo_s=$(stat_of "Hugo build (no search)" 2 median)
pagefind_s=$(stat_of "Pagefind (Hugo's output)" 2 median)
echo
echo "| ratio (of medians) | value | issue #7 target |"
echo "|---|---:|---:|"
echo "| pmkb cold / Hugo | $(ratio "$cold" "$hugo_s") | ≤ 1 |"
echo "| pmkb cold / (Hugo + Pagefind) | $(ratio "$cold" "$(awk -v a="$hugo_s" -v b="$pagefind_s" 'BEGIN {print a + b}')") | ≤ 0.2 |"
echo "| pmkb cold peak RSS / Hugo peak RSS | $(ratio "$(stat_of "pmkb cold build" 3 median)" "$(stat_of "Hugo build (no search)" 3 median)") | ≤ 0.25 |"
echo "| pmkb lint / Hugo | $(ratio "$(stat_of "pmkb lint" 2 median)" "$hugo_s") | ≤ 0.2 |"
echo "| rebuild, no change / cold | $(ratio "$(stat_of "pmkb rebuild, no change" 2 median)" "$cold") | ≤ 0.05 |"
echo "| rebuild, 1 file edited / cold | $(ratio "$(stat_of "pmkb rebuild, 1 file edited" 2 median)" "$cold") | ≤ 0.1 |"
echo
echo "Command: bench/compare.sh --rounds $rounds $library${count:+ $count $seed}"
