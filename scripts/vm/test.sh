#!/usr/bin/env bash
# The real-kernel test layer, as the last step of `npm test` runs it (alone: bash scripts/vm/test.sh):
#   1. setup.sh: apt packages (sudo when not root), the kernel, vmlinux, keys, initramfs
#   2. build-modules.sh: the samples built with kbuild against the kernel's headers
#   3. LKM_VM=1 mocha over test/vm/**/*.test.ts (the project's .mocharc: reporter and all)
# Everything 1 and 2 make is cached ($LKM_CACHE, default ~/.cache/lkm-workbench): a second run only
# checks it. Under LKM_VM=1 a missing piece fails instead of skipping, and this script also fails
# when mocha reports a skipped test, or none. It cannot hang: each preparation step, the mocha run
# (LKM_VM_TEST_TIMEOUT seconds, default 3000), every boot (LKM_VM_BOOT_TIMEOUT) and every ssh
# command have a timeout. Every VM of the run lives in one TMPDIR of its own, and whatever qemu is
# still running there at the end (a failure, a timeout, a signal) is killed.
set -euo pipefail
cd "$(dirname "$0")/../.."

t0=$(date +%s)
vm_tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkm-test-vm.XXXXXX")
runner=
cleanup() {
  local pidfile dir
  # The mocha run first (so that it boots nothing more): its timeout passes the signal on.
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    pkill -TERM -P "$runner" 2>/dev/null || true
    kill -TERM "$runner" 2>/dev/null || true
    sleep 2
  fi
  for pidfile in "$vm_tmp"/lkm-vm.*/qemu.pid; do
    [ -f "$pidfile" ] || continue
    dir=$(dirname "$pidfile")
    if [ -S "$dir/ctl" ]; then timeout 5 ssh -F "$dir/ssh_config" -O exit lkm-vm >/dev/null 2>&1 || true; fi
    if kill -KILL "$(cat "$pidfile")" 2>/dev/null; then echo "vm/test.sh: killed the VM left in $dir" >&2; fi
  done
  rm -rf "$vm_tmp"
}
trap cleanup EXIT
# shellcheck source=scripts/lib/background-steps.sh
. scripts/lib/background-steps.sh

in_background timeout -k 10 1800 bash scripts/vm/setup.sh
in_background timeout -k 10 1800 bash scripts/vm/build-modules.sh >/dev/null
t1=$(date +%s)
echo "vm/test.sh: prepared in $((t1 - t0)) s"

log="$vm_tmp/mocha.log"
mocha_run() {
  TMPDIR=$vm_tmp LKM_VM=1 timeout -k 30 "${LKM_VM_TEST_TIMEOUT:-3000}" \
    env -u LKM_VM_RECORD npx mocha 'test/vm/**/*.test.ts' 2>&1 | tee "$log"
}
in_background mocha_run
summary=$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1 || true)
case "$summary" in
  '' | 'tests: 0 passed'*)
    echo "vm/test.sh: the real-kernel layer ran no test (${summary:-no summary})" >&2
    exit 1
    ;;
  *', 0 failed, 0 skipped') ;;
  *)
    echo "vm/test.sh: the real-kernel layer did not pass cleanly ($summary)" >&2
    exit 1
    ;;
esac
echo "vm/test.sh: tests in $(($(date +%s) - t1)) s; the whole step $(($(date +%s) - t0)) s"
