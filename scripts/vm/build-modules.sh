#!/usr/bin/env bash
# Builds the modules the real-kernel VM loads, with kbuild against Debian's headers for the VM's
# kernel (apt-get install linux-headers-<release>: the arch tree, its -common tree at /usr/src and
# linux-kbuild; plus make and gcc), each as `make -C /usr/src/linux-headers-<release> M=<dir> modules`.
#
#   OUT/<name>.ko           the samples that build cleanly: hello, provider, consumer (against
#                           provider's Module.symvers), params, chardev, platform
#   OUT/broken/<name>.ko    every samples/broken/* module that kbuild still turns into a .ko with
#                           KBUILD_MODPOST_WARN=1 (missing.ko: an undefined symbol; …), the
#                           modules of test/fixtures/vm/modules/*, and the variants:
#                           consumer-nosymvers.ko  consumer built without provider's Module.symvers
#                                                  (modpost warns; no CRCs for prov_add, prov_gpl_mul)
#   OUT/build.log           what kbuild said
#
#   build-modules.sh [--out DIR] [--fixtures]
#     --out DIR    default: $LKM_CACHE/vm/modules/<release>
#     --fixtures   also copy them into test/fixtures/vm/scenarios/{modules,broken}/ (the .ko files
#                  the recorded goldens were made with; run it only to re-record the goldens)
# Skips the build when the sources, this script and the headers package are unchanged since the
# last one. Prints OUT on stdout.
source "$(dirname "$0")/lib.sh"
lock_cache

out=
fixtures=
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2 && shift 2 ;;
    --fixtures) fixtures=1 && shift ;;
    *) die "usage: build-modules.sh [--out DIR] [--fixtures]" ;;
  esac
done
out=${out:-$vmcache/modules/$release}
kernel_headers
good=(hello provider consumer params chardev platform)
extra_src="$vm_root/test/fixtures/vm/modules"

key=$(
  {
    dpkg-query -W -f='${Package}=${Version}\n' "linux-headers-$release" "linux-headers-$abi-common" gcc-12 2>/dev/null || true
    cat "$0"
    srcs=(samples)
    [ -d "$extra_src" ] && srcs+=("${extra_src#"$vm_root/"}")
    cd "$vm_root" && find "${srcs[@]}" -type f \( -name '*.c' -o -name '*.h' -o -name Kbuild \) | LC_ALL=C sort | xargs sha256sum
  } | sha256sum | cut -d' ' -f1
)
if [ ! -f "$out/.lkm-stamp" ] || [ "$(cat "$out/.lkm-stamp")" != "$key" ]; then
  say "building the modules with kbuild against $kdir…"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/src" "$work/out/broken"
  log="$work/out/build.log"
  : >"$log"
  # A fresh copy of each module's folder (its Kbuild and sources; not its Makefile, kbuild reads Kbuild).
  copy_src() { # FROM NAME
    mkdir -p "$work/src/$2"
    find "$1" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' -o -name Kbuild \) -exec cp {} "$work/src/$2/" \;
  }
  kbuild() { # NAME [make variables…]: builds src/NAME, its words into the log
    local name=$1
    shift
    {
      echo "### make -C $kdir M=src/$name $* modules"
      make -C "$kdir" M="$work/src/$name" "$@" modules 2>&1 | sed "s#$work/##g" || true
    } >"$work/src/$name.log"
  }
  for m in "${good[@]}"; do copy_src "$vm_root/samples/$m" "$m"; done
  copy_src "$vm_root/samples/consumer" consumer-nosymvers
  broken=()
  for d in "$vm_root"/samples/broken/*/ "$extra_src"/*/; do
    [ -f "$d/Kbuild" ] || continue
    name=broken-$(basename "$d")
    case "$d" in "$extra_src"/*) name=vm-$(basename "$d") ;; esac
    copy_src "$d" "$name"
    broken+=("$name")
  done
  # provider first: the others link against its Module.symvers. Then the rest, nproc at a time.
  kbuild provider
  symvers=KBUILD_EXTRA_SYMBOLS=$work/src/provider/Module.symvers
  jobs_max=$(nproc 2>/dev/null || echo 2)
  for m in hello consumer params chardev platform consumer-nosymvers "${broken[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do sleep 0.1; done
    case "$m" in
      consumer) kbuild "$m" "$symvers" & ;;
      consumer-nosymvers) kbuild "$m" KBUILD_MODPOST_WARN=1 & ;;
      *) kbuild "$m" "$symvers" KBUILD_MODPOST_WARN=1 & ;;
    esac
  done
  wait
  for m in provider hello consumer params chardev platform consumer-nosymvers "${broken[@]}"; do cat "$work/src/$m.log" >>"$log"; done
  for m in "${good[@]}"; do
    [ -f "$work/src/$m/$m.ko" ] || die "samples/$m did not build (see below)
$(cat "$work/src/$m.log")"
    cp "$work/src/$m/$m.ko" "$work/out/"
  done
  [ -f "$work/src/consumer-nosymvers/consumer.ko" ] || die "consumer-nosymvers did not build"
  cp "$work/src/consumer-nosymvers/consumer.ko" "$work/out/broken/consumer-nosymvers.ko"
  for m in "${broken[@]}"; do
    for ko in "$work/src/$m"/*.ko; do [ -f "$ko" ] && cp "$ko" "$work/out/broken/"; done
  done
  echo "$key" >"$work/out/.lkm-stamp"
  rm -rf "$out"
  mkdir -p "$(dirname "$out")"
  mv "$work/out" "$out"
  say "built $(ls "$out"/*.ko | wc -l) modules and $(ls "$out"/broken/*.ko | wc -l) broken variants into $out"
fi

if [ -n "$fixtures" ]; then
  f="$vm_root/test/fixtures/vm/scenarios"
  rm -rf "$f/modules" "$f/broken"
  mkdir -p "$f/modules" "$f/broken"
  cp "$out"/*.ko "$f/modules/"
  cp "$out"/broken/*.ko "$f/broken/"
  echo "$release" >"$f/modules/RELEASE"
  say "copied them into test/fixtures/vm/scenarios/{modules,broken}/"
fi
echo "$out"
