#!/usr/bin/env bash
# Builds the Debian package with CPack and checks it: the file name, the control fields, that it
# declares the Debian packages of pmkb's shared libraries, that it holds the binary, the man page
# and the docs, and that the binary it installs runs (extracted into a scratch root).
#   check_package.sh BUILD_DIR WORK_DIR VERSION
set -euo pipefail
build_dir=${1:?usage: check_package.sh BUILD_DIR WORK_DIR VERSION}
work=${2:?}
version=${3:?}
arch=$(dpkg --print-architecture)

rm -rf "$work"
mkdir -p "$work"
# -B keeps CPack's staging tree in WORK, so parallel test runs never share it.
cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
deb="$work/pmkb_${version}_${arch}.deb"
[ -f "$deb" ] || { echo "FAIL: no $deb"; ls "$work"; exit 1; }

status=0
fail() { echo "FAIL: $*"; status=1; }

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = pmkb ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)'"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)'"
[[ "$(field Maintainer)" =~ ^.+\ \<.+@.+\>$ ]] || fail "Maintainer '$(field Maintainer)' is not 'Name <email>'"
[ -n "$(field Description)" ] || fail "no Description"

# Depends comes from dpkg-shlibdeps: one package per shared library the binary links.
depends=$(field Depends)
echo "Depends: $depends"
declares() {  # declares PACKAGE: Depends names it (with or without a version)
  local entry
  IFS=',' read -ra entries <<<"$depends"
  for entry in "${entries[@]}"; do
    entry=${entry# }
    [ "${entry%% *}" = "$1" ] && return 0
  done
  return 1
}
for package in libc6 libstdc++6 libxapian30 libyaml-cpp0.7 libmd4c0 libmd4c-html0; do
  declares "$package" || fail "Depends lacks $package"
done
# and so is the package of every library the binary links directly (its NEEDED entries)
binary="$build_dir/generator/pmkb"
binary_libs=$(for soname in $(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  ldd "$binary" | awk -v so="$soname" '$1 == so {print $3}'
done)
[ -n "$binary_libs" ] || fail "found no shared libraries in $binary"
owner_of() {  # the package that holds a library, under /usr or not (merged /usr)
  local real candidate
  real=$(readlink -f "$1")
  for candidate in "$1" "$real" "${real#/usr}" "/usr${1#/usr}"; do
    dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1 && return 0
  done
  return 1
}
for lib in $binary_libs; do
  owner=$(owner_of "$lib") || { fail "no Debian package holds $lib"; continue; }
  declares "$owner" || fail "Depends lacks $owner (for $lib)"
done

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/pmkb ./usr/share/man/man1/pmkb.1 ./usr/share/doc/pmkb/README.md ./usr/share/doc/pmkb/ci.md \
            ./usr/share/doc/pmkb/examples/pmkb.yaml; do
  grep -qx -- "$path" <<<"$contents" || fail "the package lacks $path"
done

root="$work/root"
dpkg -x "$deb" "$root"
out=$("$root/usr/bin/pmkb" --version)
[ "$out" = "pmkb $version" ] || fail "the packaged pmkb --version says '$out'"

[ $status -eq 0 ] && echo "$(basename "$deb") is complete"
exit $status
