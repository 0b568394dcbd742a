#!/usr/bin/env bash
# Builds the example library and checks that feed.xml and sitemap.xml are well-formed XML.
set -euo pipefail
pmkb=${1:?usage: check_xml.sh PMKB SOURCE_DIR WORK_DIR}
source_dir=${2:?}
work=${3:?}
rm -rf "$work"
"$pmkb" build "$source_dir/content" -o "$work/public" -q 2>/dev/null || [ $? -eq 1 ]
xmllint --noout "$work/public/feed.xml" "$work/public/sitemap.xml"
echo "feed.xml and sitemap.xml are well-formed"
