#!/usr/bin/env bash
# Builds the real corpus and checks every internal link of the site.
set -euo pipefail
pmkb=${1:?usage: corpus_links.sh PMKB CHECK_LINKS CORPUS WORK}
check_links=${2:?}
corpus=${3:?}
work=${4:?}
rm -rf "$work"
"$pmkb" build "$corpus" -o "$work/public" -q 2>/dev/null || [ $? -eq 1 ]
"$check_links" "$work/public"
