#!/usr/bin/env bash
# Builds every sample with real kbuild and records what the compiler and modpost said, as golden
# files in test/fixtures/kbuild/, and keeps the .ko files kbuild made in test/fixtures/ko/ (real
# module images for the ELF reader's tests). Tests compare our diagnostics' kernel words with these.
# Needs Debian's linux-headers-amd64 (or KDIR=<headers>). Run it again after changing a sample.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
KDIR=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)}
[ -n "$KDIR" ] && [ -d "$KDIR" ] || { echo "no kernel headers: apt-get install linux-headers-amd64, or set KDIR" >&2; exit 2; }
release=$(basename "$KDIR" | sed 's/^linux-headers-//')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$root/test/fixtures/kbuild"
modules="$root/test/fixtures/ko"
mkdir -p "$out" "$modules"
for makefile in $(cd "$root/samples" && find . -name Makefile | sort); do
  sample=$(dirname "$makefile" | sed 's#^\./##')
  # A fresh copy each time, so no sample sees another's build output.
  rm -rf "$work/samples" && cp -r "$root/samples" "$work/samples" && cd "$work/samples"
  log=$(make -C "$sample" KDIR="$KDIR" 2>&1 || true)
  {
    echo "# kbuild $release: make -C samples/$sample"
    # Keep the tools' own words; the temporary folder becomes samples/.
    grep -E '^(ERROR|WARNING): modpost: |: (error|warning): ' <<<"$log" \
      | sed -e "s#$work/##g" -e "s#$KDIR/##g" -e 's#/usr/src/linux-headers-[^/]*/##g' || true
    if grep -q '^  LD \[M\]' <<<"$log"; then echo "# built: $(grep '^  LD \[M\]' <<<"$log" | sed "s#.*$work/##" | tr '\n' ' ')"; else echo "# not built"; fi
  } >"$out/$(tr / _ <<<"$sample").txt"
  find "$work/samples/$sample" -maxdepth 1 -name '*.ko' -exec cp {} "$modules/" \;
done
echo "$release" >"$modules/RELEASE"
echo "recorded $(ls "$out" | wc -l) samples from $KDIR into test/fixtures/kbuild/, $(ls "$modules"/*.ko | wc -l) modules into test/fixtures/ko/"
