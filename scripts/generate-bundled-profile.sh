#!/usr/bin/env bash
# Regenerates the bundled default kernel profile (server/profiles/linux-6.1-amd64.profile.json.br)
# from Debian's packages of one Linux 6.1 kernel: Module.symvers from linux-headers-<release>, and
# System.map from linux-image-<release>-dbg (linux-image-<release>-unsigned ships only a one-line
# stub System.map saying the real one is in -dbg; that package is large, ~860 MB, and only its
# System.map is unpacked). Fetches what is missing into the same cache as scripts/eval-kernel.sh
# (apt-get download, dpkg -x), and only what is missing; safe to run any number of times.
#
#   LKM_CACHE    cache folder (default: $XDG_CACHE_HOME/lkm-workbench, else ~/.cache/lkm-workbench)
#   LKM_RELEASE  the kernel (default: 6.1.0-56-amd64)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${LKM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkm-workbench}
release=${LKM_RELEASE:-6.1.0-56-amd64}
abi=${release%-*}                                             # 6.1.0-56
headers_pkg=linux-headers-$release
common_pkg=linux-headers-$abi-common
dbg_pkg=linux-image-$release-dbg
debs="$cache/debs"
mkdir -p "$debs"
# say, die, as_root, newest, deb_of, unpack_once, extract_deb
source "$root/scripts/lib/debian-cache.sh"

extract_headers() {
  dpkg -x "$1" "$3"
  dpkg -x "$2" "$3"
  ln -sfn "../linux-headers-$abi-common" "$3/usr/src/linux-headers-$release/source"
}
# Only the System.map: tar stops after the first match, so the 600 MB vmlinux beside it is never
# written (dpkg-deb then dies of a closed pipe, which is expected).
extract_system_map() {
  local member="./usr/lib/debug/boot/System.map-$release"
  dpkg-deb --fsys-tarfile "$1" | tar -x --occurrence=1 -C "$2" "$member" || true
  [ -s "$2/$member" ] || { echo "profile: $1 holds no $member" >&2; exit 2; }
}

headers_deb=$(deb_of "$headers_pkg")
common_deb=$(deb_of "$common_pkg")
dbg_deb=$(deb_of "$dbg_pkg")
unpack_once "$cache/headers" "$(basename "$headers_deb") $(basename "$common_deb")" \
  extract_headers "$headers_deb" "$common_deb"
unpack_once "$cache/dbg" "$(basename "$dbg_deb")" extract_system_map "$dbg_deb"

cd "$root"
bash scripts/setup.sh
exec npx --no-install tsx scripts/generate-bundled-profile.mjs \
  --release "$release" \
  --symvers "$cache/headers/usr/src/linux-headers-$release/Module.symvers" \
  --symvers-package "$headers_pkg" --symvers-version "$(dpkg-deb -f "$headers_deb" Version)" \
  --system-map "$cache/dbg/usr/lib/debug/boot/System.map-$release" \
  --system-map-package "$dbg_pkg" --system-map-version "$(dpkg-deb -f "$dbg_deb" Version)" \
  --out server/profiles/linux-6.1-amd64.profile.json.br
