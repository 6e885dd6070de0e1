#!/usr/bin/env bash
# Runs a scenario file on the real kernel over ssh and prints its transcript.
#
#   run-scenario.sh VM SCENARIO [--out FILE] [--check GOLDEN]
#     VM        a VM folder from `boot.sh start`, or `fresh`: boot a VM for this scenario alone and
#               stop it afterwards (the goldens are recorded so: a fresh boot, an untainted kernel)
#     --out     write the transcript to FILE instead of stdout
#     --check   compare the transcript with GOLDEN, with what changes from boot to boot masked
#               (kernel log timestamps, module addresses); exit 1 and show the difference
#
# The scenario: one shell command a line, run in the guest by busybox sh with kmod 30's insmod,
# rmmod, lsmod, modprobe, modinfo and depmod (insmod PATH [name=value…], rmmod [-f] NAME|PATH…,
# modprobe [-r] [--show-depends] NAME [params], depmod, lsmod, modinfo X, cat FILE, ls DIR,
# echo V > FILE, dmesg -r -c, …), from the scenario's folder (paths are relative to the scenario
# file); `# …` lines and blank lines are copied into the transcript as they are. Before the first
# line, every .ko in the folder modules/ beside the scenario is installed in
# /lib/modules/<release>/extra/, depmod has run, and the kernel log is empty (dmesg -c).
#
# The transcript, for each command (the reference format):
#   $ <command, as written>
#   --- stdout:          + its exact stdout, when it wrote any
#   --- stderr:          + its exact stderr, when it wrote any
#   [no newline at end of stdout|stderr]   when that output did not end with a newline
#   [exit=N]
source "$(dirname "$0")/lib.sh"

usage() { die "usage: run-scenario.sh VM|fresh SCENARIO [--out FILE] [--check GOLDEN]"; }
[ $# -ge 2 ] || usage
vm=$1 scenario=$2
shift 2
out= check=
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2 && shift 2 ;;
    --check) check=$2 && shift 2 ;;
    *) usage ;;
  esac
done
[ -f "$scenario" ] || die "no scenario file $scenario"
scn_dir=$(cd "$(dirname "$scenario")" && pwd)
boot="$(dirname "$0")/boot.sh"

script=$(mktemp)
transcript=$(mktemp)
booted=
cleanup() {
  rm -f "$script" "$transcript"
  if [ -n "$booted" ]; then bash "$boot" stop "$vm" || bash "$boot" kill "$vm" || true; fi
}
trap cleanup EXIT
if [ "$vm" = fresh ]; then
  env=$(bash "$boot" start) || die "the VM did not boot"
  eval "$env"
  vm=$LKM_VM_DIR
  booted=1
fi
[ -f "$vm/ssh_config" ] || die "$vm is not a running VM's folder (see boot.sh start)"
vssh() { ssh -F "$vm/ssh_config" lkm-vm "$@"; }

# The guest's copy of the scenario's folder, at /scn (the .ko files and whatever else the lines
# name), and modules/ installed for modprobe.
t0=$(date +%s.%N)
tar -C "$scn_dir" -cf - . | vssh 'rm -rf /scn && mkdir /scn && tar -xf - -C /scn'
vssh 'set -e
x=/lib/modules/$(uname -r)/extra
rm -rf "$x" && mkdir -p "$x"
if [ -d /scn/modules ]; then for f in /scn/modules/*.ko; do [ -f "$f" ] && cp "$f" "$x/"; done; fi
depmod
dmesg -c >/dev/null' </dev/null

# The guest-side script: one `run` per command line (the reference's shrun), comments echoed.
{
  cat <<'GUEST'
cd /scn
show() {
	if [ -s "$1" ]; then
		echo "--- $2:"
		cat "$1"
		[ "$(tail -c1 "$1" | wc -l)" = 0 ] && echo "[no newline at end of $2]"
	fi
	return 0
}
run() {
	echo "\$ $1"
	sh -c ". /etc/lkm-kmod.sh
$1" </dev/null >/run/out 2>/run/err
	rc=$?
	show /run/out stdout
	show /run/err stderr
	echo "[exit=$rc]"
}
GUEST
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    q=$(printf '%s' "$line" | sed "s/'/'\\\\''/g")
    case "$line" in
      '' | '#'*) printf "printf '%%s\\\\n' '%s'\n" "$q" ;;
      *) printf "run '%s'\n" "$q" ;;
    esac
  done <"$scenario"
} >"$script"
vssh 'sh -s' <"$script" >"$transcript"
t1=$(date +%s.%N)
say "$(awk -v a="$t0" -v b="$t1" -v n="$(grep -c '^\$ ' "$transcript")" 'BEGIN { printf "%d commands in %.1f s", n, b - a }')"

if [ -n "$out" ]; then cp "$transcript" "$out"; else cat "$transcript"; fi
if [ -n "$check" ]; then
  # What differs between two boots of the same kernel: log timestamps, and where module_alloc
  # placed a module (/proc/modules, kallsyms).
  mask() { sed -E -e 's/^(<[0-9]+>)\[ *[0-9]+\.[0-9]+\]/\1[T]/' -e 's/ Live 0x[0-9a-f]+/ Live 0x[ADDR]/' -e 's/^[0-9a-f]{16} /[ADDR] /' "$1"; }
  if ! diff -u --label "$check" --label transcript <(mask "$check") <(mask "$transcript") >&2; then
    say "the transcript differs from $check (timestamps and addresses masked)"
    exit 1
  fi
  say "the transcript matches $check (timestamps and addresses masked)"
fi
