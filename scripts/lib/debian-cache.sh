# Debian packages fetched into the project's cache, shared by scripts/eval-kernel.sh,
# scripts/generate-bundled-profile.sh and scripts/vm/*.sh (sourced, not run). The caller sets
# $debs (the folder of downloaded .deb files). Messages name the script that runs.

say() { echo "${0##*/}: $*" >&2; }

die() {
  say "$*"
  exit 2
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=
apt_update_once() {
  [ -n "$apt_updated" ] && return
  say "apt-get update…"
  as_root apt-get update -qq -o DPkg::Lock::Timeout=600
  apt_updated=1
}

# The newest of the files a glob matched (versions compared as versions); nothing when it matched none.
newest() {
  [ -e "$1" ] || return 0
  printf '%s\n' "$@" | sort -V | tail -n 1
}

# The newest .deb of a package in the cache, downloaded first when there is none.
deb_of() {
  local pkg=$1 found
  found=$(newest "$debs/${pkg}_"*.deb)
  if [ -z "$found" ]; then
    command -v apt-get >/dev/null || die "$pkg is not in $debs and there is no apt-get to fetch it"
    apt-cache show "$pkg" >/dev/null 2>&1 || apt_update_once
    say "apt-get download $pkg…"
    (cd "$debs" && apt-get download -qq "$pkg" >&2)
    found=$(newest "$debs/${pkg}_"*.deb)
    [ -n "$found" ] || die "apt-get download $pkg left no .deb in $debs"
  fi
  echo "$found"
}

# Runs "$@" TMPDIR to fill $target unless its stamp says it was filled from $key; into a temporary
# folder first, so an interrupted run leaves nothing half-done behind.
unpack_once() {
  local target=$1 key=$2
  shift 2
  if [ -f "$target/.lkm-stamp" ] && [ "$(cat "$target/.lkm-stamp")" = "$key" ]; then return; fi
  local tmp="$target.partial"
  say "unpacking $key into $target…"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  "$@" "$tmp"
  echo "$key" >"$tmp/.lkm-stamp"
  rm -rf "$target"
  mv "$tmp" "$target"
}

extract_deb() { dpkg -x "$1" "$2"; }
