#!/usr/bin/env bash
# Runs a scenario file on the real kernel over ssh and prints its transcript.
#
#   run-scenario.sh VM SCENARIO [--tools kmod|busybox] [--out FILE] [--check GOLDEN]
#     VM        a VM folder from `boot.sh start`, or `fresh`: boot a VM for this scenario alone and
#               stop it afterwards (the goldens are recorded so: a fresh boot, an untainted kernel)
#     --tools   whose insmod, rmmod, lsmod, modprobe, modinfo, depmod: kmod 30's (default) or
#               busybox's; `kmod TOOL …` and `busybox TOOL …` pick one for a single command
#     --out     write the transcript to FILE instead of stdout
#     --check   compare the transcript with GOLDEN, with what changes from boot to boot masked
#               (kernel log timestamps, module addresses); exit 1 and show the difference
#
# The scenario: one shell command a line (leading and trailing blanks dropped), run in the guest by
# busybox sh (insmod PATH [name=value…], rmmod [-f] NAME|PATH…, modprobe [-r] [--show-depends]
# NAME [params], depmod, lsmod, modinfo X, cat FILE, ls DIR, echo V > FILE, dmesg -r -c, …) in
# /scn, the guest's copy of the scenario's folder, so paths are relative to the scenario file;
# files it names outside that folder are copied to the same relative place, and a folder of module
# sources it names is built with kbuild (against the others' exports) and its .ko put there as a
# file. `# …` lines and blank lines are copied into the transcript. Before the first line, every
# module in the folder modules/ beside the scenario (.ko files, and source folders, built) is
# installed in /lib/modules/<release>/extra/, depmod has run, and the kernel log is empty.
#
# The transcript, for each command (the reference format):
#   $ <command, as written>
#   --- stdout:          + its exact stdout, when it wrote any
#   --- stderr:          + its exact stderr, when it wrote any
#   [no newline at end of stdout|stderr]   on a line of its own, when that output did not end with
#                                          a newline
#   [exit=N]
source "$(dirname "$0")/lib.sh"

usage() { die "usage: run-scenario.sh VM|fresh SCENARIO [--tools kmod|busybox] [--out FILE] [--check GOLDEN]"; }
[ $# -ge 2 ] || usage
vm=$1 scenario=$2
shift 2
out= check= tools=kmod
while [ $# -gt 0 ]; do
  case "$1" in
    --tools) tools=$2 && shift 2 ;;
    --out) out=$2 && shift 2 ;;
    --check) check=$2 && shift 2 ;;
    *) usage ;;
  esac
done
[ -f "$scenario" ] || die "no scenario file $scenario"
case "$tools" in kmod | busybox) ;; *) usage ;; esac
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
# Every ssh bounded: a guest that stops answering fails the run instead of hanging it
# (LKM_VM_SSH_TIMEOUT seconds, default 600: the whole scenario is one ssh).
vssh() { timeout -k 5 "${LKM_VM_SSH_TIMEOUT:-600}" ssh -F "$vm/ssh_config" lkm-vm "$@"; }

# Host paths the commands name, for the guest: a word (not the first, not an option, not
# name=value, not a kernel path) that names an existing file or folder relative to the scenario.
# A file outside the scenario's folder is copied to the same relative place in the guest; a folder
# of module sources (a Kbuild, or a Makefile with obj-m) is built with kbuild and its .ko put at
# that path, as a file; so are the source folders in modules/.
guest_path() { realpath -m -s "/scn/$1"; }
is_source_dir() { [ -f "$1/Kbuild" ] || { [ -f "$1/Makefile" ] && grep -q 'obj-[m$]' "$1/Makefile"; }; }
declare -A copy_files=() source_dirs=()
for d in "$scn_dir"/modules/*/; do
  [ -d "$d" ] && is_source_dir "$d" && source_dirs["$(realpath "$d")"]=modules
done
while IFS= read -r line || [ -n "$line" ]; do
  line=$(printf '%s' "${line%$'\r'}" | sed -E 's/^[[:space:]]+|[[:space:]]+$//g')
  case "$line" in '' | '#'*) continue ;; esac
  read -ra words <<<"${line%%>*}"
  for w in "${words[@]:1}"; do
    case "$w" in -* | *=* | /proc* | /sys* | /lib/modules*) continue ;; esac
    w=${w//[\'\"]/}
    [[ "$w" = /* ]] && continue
    host=$(realpath -m "$scn_dir/$w")
    if [ -d "$host" ] && is_source_dir "$host"; then
      source_dirs["$host"]+=" $w"
    elif [ -f "$host" ] && [[ "$host" != "$scn_dir"/* ]]; then
      copy_files["$host"]+=" $w"
    fi
  done
done <"$scenario"

build_dir=$(mktemp -d)
trap 'rm -rf "$build_dir"; cleanup' EXIT
if [ ${#source_dirs[@]} -gt 0 ]; then
  kernel_headers
  say "building ${#source_dirs[@]} source folder(s) with kbuild…"
  i=0
  declare -A built=()
  for d in "${!source_dirs[@]}"; do
    i=$((i + 1))
    mkdir -p "$build_dir/$i"
    find "$d" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' -o -name Kbuild -o -name Makefile \) -exec cp {} "$build_dir/$i/" \;
    built["$d"]=$i
  done
  # Twice when there are several: the second time against the first's exports (Module.symvers),
  # so a module that uses another's symbols gets their CRCs, as a Makefile's KBUILD_EXTRA_SYMBOLS would.
  passes=1
  [ ${#source_dirs[@]} -gt 1 ] && passes=2
  for pass in $(seq $passes); do
    extra=()
    if [ "$pass" = 2 ]; then
      cat "$build_dir"/*/Module.symvers >"$build_dir/all.symvers" 2>/dev/null || true
      extra=(KBUILD_EXTRA_SYMBOLS="$build_dir/all.symvers")
    fi
    for d in "${!built[@]}"; do
      make -C "$kdir" M="$build_dir/${built[$d]}" KBUILD_MODPOST_WARN=1 "${extra[@]}" modules >"$build_dir/${built[$d]}.log" 2>&1 ||
        { [ "$pass" = "$passes" ] && say "kbuild failed for $d: $(grep -E 'error|ERROR' "$build_dir/${built[$d]}.log" | head -n 3)"; }
    done
  done
fi

# The guest's copy of the scenario's folder, at /scn (the working folder of every command), with
# modules/ installed in /lib/modules/<release>/extra/ and depmod run.
t0=$(date +%s.%N)
tar -C "$scn_dir" -cf - . | vssh 'rm -rf /scn && mkdir /scn && tar -xf - -C /scn'
for host in "${!copy_files[@]}"; do
  for w in ${copy_files[$host]}; do
    g=$(guest_path "$w")
    vssh "mkdir -p '$(dirname "$g")' && cat > '$g'" <"$host"
  done
done
for d in "${!source_dirs[@]}"; do
  kos=("$build_dir/${built[$d]}"/*.ko)
  [ -f "${kos[0]}" ] || continue
  for w in ${source_dirs[$d]}; do
    [ "$w" = modules ] && continue
    g=$(guest_path "$w")
    vssh "rm -rf '$g' && mkdir -p '$(dirname "$g")' && cat > '$g'" <"${kos[0]}"
  done
  if [[ " ${source_dirs[$d]} " = *" modules "* ]]; then
    for ko in "${kos[@]}"; do vssh "mkdir -p /scn/.built && cat > '/scn/.built/$(basename "$ko")'" <"$ko"; done
  fi
done
vssh 'set -e
x=/lib/modules/$(uname -r)/extra
rm -rf "$x" && mkdir -p "$x"
for f in /scn/modules/*.ko /scn/.built/*.ko; do if [ -f "$f" ]; then cp "$f" "$x/"; fi; done
rm -rf /scn/.built
depmod
dmesg -c >/dev/null' </dev/null

# The guest-side script: one `run` per command line (the reference's shrun), comments echoed.
{
  cat <<'GUEST'
cd /scn
cat >/run/lkm-scenario.sh <<'PRELUDE'
# `kmod TOOL ARGS…`: one command with kmod's TOOL whatever the tool set (kmod 30 itself has no
# such subcommands; this is the scenarios' convention, as the simulator's).
kmod() {
	case "$1" in
	insmod | rmmod | lsmod | modprobe | modinfo | depmod) t=$1 && shift && /usr/local/kmod/bin/$t "$@" ;;
	*) /usr/local/kmod/bin/kmod "$@" ;;
	esac
}
PRELUDE
GUEST
  # kmod's tools by default; with --tools busybox, busybox sh's own applets (busybox insmod, …).
  [ "$tools" = kmod ] && echo 'echo ". /etc/lkm-kmod.sh" >>/run/lkm-scenario.sh'
  cat <<'GUEST'
show() {
	if [ -s "$1" ]; then
		echo "--- $2:"
		cat "$1"
		if [ "$(tail -c1 "$1" | wc -l)" = 0 ]; then
			echo
			echo "[no newline at end of $2]"
		fi
	fi
	return 0
}
run() {
	echo "\$ $1"
	sh -c ". /run/lkm-scenario.sh
$1" </dev/null >/run/out 2>/run/err
	rc=$?
	show /run/out stdout
	show /run/err stderr
	echo "[exit=$rc]"
}
GUEST
  while IFS= read -r line || [ -n "$line" ]; do
    line=$(printf '%s' "${line%$'\r'}" | sed -E 's/^[[:space:]]+|[[:space:]]+$//g')
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
  # What differs between two boots of the same kernel: log timestamps, where module_alloc placed
  # a module (/proc/modules, kallsyms), and the kernel's own complaint when emulation on a busy
  # host stalls a timer interrupt ("hrtimer: interrupt took N ns"; then an output section left
  # empty by it goes too).
  mask() {
    sed -E -e 's/^(<[0-9]+>)\[ *[0-9]+\.[0-9]+\]/\1[T]/' -e 's/ Live 0x[0-9a-f]+/ Live 0x[ADDR]/' \
      -e 's/^[0-9a-f]{16} /[ADDR] /' "$1" |
      awk '/^<[0-9]+>\[T\] hrtimer: interrupt took [0-9]+ ns$/ { next }
        pending != "" { if ($0 !~ /^\[exit=/) print pending; pending = "" }
        /^--- stdout:$/ { pending = $0; next }
        { print }
        END { if (pending != "") print pending }'
  }
  if ! diff -u --label "$check" --label transcript <(mask "$check") <(mask "$transcript") >&2; then
    say "the transcript differs from $check (timestamps and addresses masked)"
    exit 1
  fi
  say "the transcript matches $check (timestamps and addresses masked)"
fi
