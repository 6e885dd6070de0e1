# Shared by scripts/vm/*.sh (sourced, not run). The cache conventions are scripts/eval-kernel.sh's:
#   $LKM_CACHE (default $XDG_CACHE_HOME/lkm-workbench, else ~/.cache/lkm-workbench)
#     debs/     downloaded .deb files (apt-get download), newest kept per package
#     image/    linux-image-<release>-unsigned unpacked (dpkg -x), stamped with the .deb's name
#     vm/       this layer's own: the guest's vmlinux, initramfs, keys, sftp-server, built modules
#   $LKM_RELEASE (default 6.1.0-56-amd64)
# Nothing here reads outside the clone and the cache.
set -euo pipefail
vm_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${LKM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkm-workbench}
release=${LKM_RELEASE:-6.1.0-56-amd64}
abi=${release%-*}
debs="$cache/debs"
vmcache="$cache/vm"
mkdir -p "$debs" "$vmcache"
# say, die, as_root, apt_update_once, newest, deb_of, unpack_once, extract_deb
source "$vm_root/scripts/lib/debian-cache.sh"

# One preparation at a time per cache (two test runs at once would write the same files): holds
# $vmcache/.lock until the script exits, waiting up to 30 minutes for another one.
lock_cache() {
  exec 9>"$vmcache/.lock"
  flock -w 1800 9 || die "another run has held $vmcache/.lock for 30 minutes"
}

# Installs the Debian packages that are not installed yet (nothing to do when all are).
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  command -v apt-get >/dev/null || die "needs the Debian packages ${missing[*]}, and there is no apt-get"
  # A package apt does not know yet needs a fresh package list.
  for p in "${missing[@]}"; do apt-cache show "$p" >/dev/null 2>&1 || apt_update_once; done
  say "apt-get install ${missing[*]}…"
  # (waiting up to 10 minutes for another apt-get or dpkg to finish)
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2 9>&- ||
    {
      apt_update_once
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2 9>&-
    }
}


# The kernel image unpacked in $cache/image (shared with scripts/eval-kernel.sh).
kernel_image() {
  local deb
  deb=$(deb_of "linux-image-$release-unsigned")
  unpack_once "$cache/image" "$(basename "$deb")" extract_deb "$deb"
}

# The kbuild tree for $release, installed the Debian way (/usr/src/linux-headers-<release> with
# its -common tree and linux-kbuild), with the compiler it needs.
kernel_headers() {
  apt_install make gcc "linux-headers-$release"
  kdir="/usr/src/linux-headers-$release"
  [ -f "$kdir/Makefile" ] && [ -f "$kdir/Module.symvers" ] || die "$kdir is incomplete after installing linux-headers-$release"
}
