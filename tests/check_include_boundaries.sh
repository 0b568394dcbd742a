#!/usr/bin/env bash
# Fails when a folder includes a third-party header that its library must not see:
# only content/ and config/ see yaml-cpp, only markdown/ md4c, only render/ mustache,
# only search/ Xapian, and model/ nothing but the standard library and itself (and zlib, in
# model/compressed_text.cpp only).
set -u
root=${1:?usage: check_include_boundaries.sh REPO_ROOT}
status=0
check() {  # check PATTERN ALLOWED_DIR_REGEX
  local pattern=$1 allowed=$2
  while IFS= read -r hit; do
    file=${hit%%:*}
    rel=${file#"$root"/}
    if ! [[ $rel =~ $allowed ]]; then
      echo "boundary violation: $hit"
      status=1
    fi
  done < <(grep -rnE "#include [<\"]$pattern" "$root/generator" "$root/search" --include='*.h' --include='*.cpp')
}
check 'yaml-cpp/'        '^generator/(content|config)/'
check 'toml\+\+/'        '^generator/content/'
check 'md4c'             '^generator/markdown/'
check 'kainjow/'         '^generator/render/'
check 'xapian'           '^search/'
check 'httplib'          '^generator/serve/'
check 'zlib'             '^generator/model/compressed_text\.cpp'
if grep -rnE '#include [<"](nlohmann|yaml|md4c|kainjow|xapian|CLI|toml)' "$root/generator/model"; then
  echo "boundary violation: model/ must stay plain data"
  status=1
fi
[ $status -eq 0 ] && echo "include boundaries respected"
exit $status
