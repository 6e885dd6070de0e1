#!/usr/bin/env bash
# Boots Debian's Linux 6.1 (the cache's vmlinux and initramfs, made by setup.sh) under qemu and
# waits until ssh into it works.
#
#   boot.sh start [DIR]     boots; DIR (default: a new folder in $TMPDIR) holds the VM's state:
#                           qemu.pid, port, console.log, ssh_config, known_hosts, the ssh control
#                           socket. Prints LKM_VM_DIR=… and LKM_VM_PORT=… on stdout (for eval)
#                           once `ssh true` works; how long that took goes to stderr.
#   boot.sh ssh DIR [ARGS…] ssh into it (BatchMode, the cache's key, a private known_hosts,
#                           through the control master); the remote exit status is passed through
#   boot.sh stop DIR        powers the guest off (poweroff -f), waits for qemu to exit, and
#                           falls back to SIGTERM then SIGKILL; removes DIR
#   boot.sh kill DIR        SIGKILL to qemu at once; removes DIR
#
#   LKM_VM_ACCEL   tcg | kvm | auto (default): KVM only when /dev/kvm is usable AND the CPU shows
#                  VT-x/AMD-V (vmx/svm); paravirtual /dev/kvm on cloud machines cannot run a stock
#                  kernel, so there it is TCG
#   LKM_VM_BOOT_TIMEOUT  seconds to wait for ssh (default 180)
#   LKM_VM_MEM     guest memory in MB (default 512)
#   LKM_VM_SSH_TIMEOUT  seconds one `boot.sh ssh` may take (default 600)
source "$(dirname "$0")/lib.sh"

vm_ssh() { # DIR ARGS…
  local dir=$1
  shift
  timeout -k 5 "${LKM_VM_SSH_TIMEOUT:-600}" ssh -F "$dir/ssh_config" lkm-vm "$@"
}

qemu_alive() { [ -f "$1/qemu.pid" ] && kill -0 "$(cat "$1/qemu.pid")" 2>/dev/null; }

wait_exit() { # DIR SECONDS: waits until qemu has exited; false on timeout
  local dir=$1 n=$(($2 * 10))
  while qemu_alive "$dir" && [ $n -gt 0 ]; do
    sleep 0.1
    n=$((n - 1))
  done
  ! qemu_alive "$dir"
}

cleanup_dir() {
  local dir=$1
  [ -S "$dir/ctl" ] && ssh -F "$dir/ssh_config" -O exit lkm-vm >/dev/null 2>&1 || true
  [ -f "$dir/.lkm-vm" ] && rm -rf "$dir"
}

accel() {
  case "${LKM_VM_ACCEL:-auto}" in
    tcg) echo tcg ;;
    kvm) echo kvm ;;
    auto)
      if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then echo kvm; else echo tcg; fi
      ;;
    *) die "LKM_VM_ACCEL must be tcg, kvm or auto" ;;
  esac
}

port_in_use() { # PORT: listening on TCP (from /proc/net/tcp{,6}, state 0A)
  local hex
  hex=$(printf '%04X' "$1")
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p=":$hex" '$2 ~ p"$" && $4 == "0A" {f=1} END {exit !f}'
}

start() {
  local dir=${1:-}
  command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is not installed: run scripts/vm/setup.sh"
  eval "$(bash "$(dirname "$0")/setup.sh" --print-env)"
  if [ -z "$dir" ]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/lkm-vm.XXXXXX"); else mkdir -p "$dir"; fi
  dir=$(cd "$dir" && pwd)
  touch "$dir/.lkm-vm"
  local acc t0 port tries=0
  acc=$(accel)
  local cpu=()
  [ "$acc" = kvm ] && cpu=(-cpu host)
  t0=$(date +%s.%N)
  while :; do
    tries=$((tries + 1))
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && continue
    rm -f "$dir/console.log"
    # Serial console to console.log (stdin from /dev/null); no monitor. no_timer_check: under TCG
    # on a busy host the timer IRQ can miss the kernel's boot-time check, which then panics
    # ("IO-APIC + timer doesn't work!", seen in a test run).
    setsid qemu-system-x86_64 -accel "$acc" "${cpu[@]}" -m "${LKM_VM_MEM:-512}" -smp 1 \
      -nographic -no-reboot -monitor none \
      -kernel "$LKM_VM_VMLINUX" -initrd "$LKM_VM_INITRD" \
      -append "console=ttyS0 quiet loglevel=1 panic=-1 no_timer_check" \
      -netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$port-:22" \
      -device virtio-net-pci,netdev=n0,romfile= \
      </dev/null >"$dir/console.log" 2>&1 &
    echo $! >"$dir/qemu.pid"
    sleep 0.3
    if qemu_alive "$dir"; then break; fi
    if grep -q 'hostfwd\|host forwarding' "$dir/console.log" && [ $tries -lt 10 ]; then continue; fi
    cat "$dir/console.log" >&2
    cleanup_dir "$dir"
    die "qemu did not start"
  done
  echo "$port" >"$dir/port"
  cat >"$dir/ssh_config" <<CFG
Host lkm-vm
  HostName 127.0.0.1
  Port $port
  User root
  IdentityFile $LKM_VM_KEY
  IdentitiesOnly yes
  BatchMode yes
  StrictHostKeyChecking no
  UserKnownHostsFile $dir/known_hosts
  GlobalKnownHostsFile /dev/null
  LogLevel ERROR
  ConnectTimeout 10
  ServerAliveInterval 5
  ServerAliveCountMax 6
  ControlMaster no
  ControlPath $dir/ctl
CFG
  local deadline
  deadline=$(($(date +%s) + ${LKM_VM_BOOT_TIMEOUT:-180}))
  until timeout -k 2 30 ssh -F "$dir/ssh_config" -o ConnectTimeout=3 lkm-vm true </dev/null >/dev/null 2>&1; do
    if ! qemu_alive "$dir"; then
      echo "--- console:" >&2
      tail -n 40 "$dir/console.log" >&2
      cleanup_dir "$dir"
      die "the VM exited before ssh worked"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 40 "$dir/console.log" >&2
      kill -KILL "$(cat "$dir/qemu.pid")" 2>/dev/null || true
      cleanup_dir "$dir"
      die "no ssh after ${LKM_VM_BOOT_TIMEOUT:-180} s"
    fi
    sleep 0.2
  done
  local t1
  t1=$(date +%s.%N)
  # The control master, started apart with every descriptor on /dev/null, so that no caller's
  # pipe is held open by it; later ssh calls go through it (≈ 0.04 s each instead of ≈ 0.3 s).
  timeout -k 2 30 ssh -F "$dir/ssh_config" -o ControlMaster=yes -o ControlPersist=yes -fN lkm-vm </dev/null >/dev/null 2>&1 || true
  printf '%s\n' "$acc" >"$dir/accel"
  say "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s from qemu's start to the first ssh ($acc, port $port, $dir)"
  printf 'LKM_VM_DIR=%q\nLKM_VM_PORT=%s\n' "$dir" "$port"
}

stop() {
  local dir=$1
  [ -f "$dir/qemu.pid" ] || die "$dir is not a VM folder (no qemu.pid)"
  if qemu_alive "$dir"; then
    timeout 10 ssh -F "$dir/ssh_config" lkm-vm 'poweroff -f' </dev/null >/dev/null 2>&1 || true
    wait_exit "$dir" 10 || { kill -TERM "$(cat "$dir/qemu.pid")" 2>/dev/null || true; }
    wait_exit "$dir" 5 || { kill -KILL "$(cat "$dir/qemu.pid")" 2>/dev/null || true; }
    wait_exit "$dir" 5 || die "qemu (pid $(cat "$dir/qemu.pid")) did not exit"
  fi
  cleanup_dir "$dir"
}

kill_vm() {
  local dir=$1
  [ -f "$dir/qemu.pid" ] || die "$dir is not a VM folder (no qemu.pid)"
  kill -KILL "$(cat "$dir/qemu.pid")" 2>/dev/null || true
  wait_exit "$dir" 5 || true
  cleanup_dir "$dir"
}

cmd=${1:-}
shift || true
case "$cmd" in
  start) start "$@" ;;
  ssh)
    [ $# -ge 1 ] || die "usage: boot.sh ssh DIR [ARGS…]"
    vm_ssh "$@"
    ;;
  stop) stop "${1:?usage: boot.sh stop DIR}" ;;
  kill) kill_vm "${1:?usage: boot.sh kill DIR}" ;;
  *) die "usage: boot.sh start [DIR] | ssh DIR [ARGS…] | stop DIR | kill DIR" ;;
esac
