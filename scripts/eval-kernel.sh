#!/usr/bin/env bash
# The evaluation on the real Linux 6.1 tree (test/eval/kernelEval.ts): every module of Debian's
# kernel package, analysed from its sources (with that kernel's linux-headers, as a user has them)
# and scored against its .ko. Fetches and unpacks what it needs into a cache once (apt-get download,
# dpkg -x, tar), and only what is missing; safe to run any number of times. Options after the
# script's name go to kernelEval.ts (--help lists them); with none, it is the full run that writes
# test/eval/results/ (--all-files included). `npm run eval:kernel -- --limit 100` is a quick look.
#
#   LKM_CACHE    cache folder (default: $XDG_CACHE_HOME/lkm-workbench, else ~/.cache/lkm-workbench)
#   LKM_RELEASE  the kernel (default: 6.1.0-56-amd64): linux-image-<release>-unsigned, linux-headers-<release>
#                and its -common package; the sources come from linux-source-<major.minor>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${LKM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkm-workbench}
release=${LKM_RELEASE:-6.1.0-56-amd64}
abi=${release%-*}                                             # 6.1.0-56
source_pkg=linux-source-$(cut -d. -f1,2 <<<"$release")        # linux-source-6.1
image_pkg=linux-image-$release-unsigned
headers_pkg=linux-headers-$release
common_pkg=linux-headers-$abi-common
debs="$cache/debs"
mkdir -p "$debs"
# say, die, as_root, newest, deb_of, unpack_once, extract_deb
source "$root/scripts/lib/debian-cache.sh"

extract_headers() {
  dpkg -x "$1" "$3"
  dpkg -x "$2" "$3"
  # The arch package's Makefile includes /usr/src/…-common by absolute path; a `source` link lets
  # the workbench find the -common tree beside it in the cache instead.
  ln -sfn "../linux-headers-$abi-common" "$3/usr/src/linux-headers-$release/source"
}
untar_source() {
  # The tarball holds one folder, linux-source-6.1/: its contents become the target's.
  tar -xf "$1" -C "$2" --strip-components=1
}

image_deb=$(deb_of "$image_pkg")
source_deb=$(deb_of "$source_pkg")
headers_deb=$(deb_of "$headers_pkg")
common_deb=$(deb_of "$common_pkg")
unpack_once "$cache/image" "$(basename "$image_deb")" extract_deb "$image_deb"
unpack_once "$cache/headers" "$(basename "$headers_deb") $(basename "$common_deb")" \
  extract_headers "$headers_deb" "$common_deb"
unpack_once "$cache/src" "$(basename "$source_deb")" extract_deb "$source_deb"
tarball=$(newest "$cache"/src/usr/src/linux-source-*.tar.*)
[ -n "$tarball" ] || { echo "eval-kernel: $source_deb holds no linux-source-*.tar.*" >&2; exit 2; }
tree="$cache/$(basename "$tarball" | sed -E 's/\.tar\.[a-z0-9]+$//')"
unpack_once "$tree" "$(basename "$source_deb")" untar_source "$tarball"

cd "$root"
bash scripts/setup.sh
[ $# -gt 0 ] || set -- --all-files
exec npx --no-install tsx test/eval/kernelEval.ts --source "$tree" --image "$cache/image" \
  --headers "$cache/headers/usr/src/linux-headers-$release" "$@"
