#!/usr/bin/env bash
# Prepares everything the real-kernel VM needs, once, in the cache ($LKM_CACHE/vm, see lib.sh):
#   - Debian packages on the host: qemu-system-x86, busybox-static, kmod, dropbear-bin, cpio,
#     openssh-client, xz-utils (apt-get; sudo when not root)
#   - the kernel: linux-image-<release>-unsigned (apt-get download + dpkg -x into $cache/image),
#     and its uncompressed ELF vmlinux (vm/vmlinux), which qemu boots directly through the PVH entry
#   - openssh-sftp-server, only unpacked (for the guest's /usr/lib/sftp-server)
#   - sudo, only unpacked (Debian's real sudo for the guest, setuid root, with the host's PAM
#     modules from libpam-modules), for two users who are not root: lkmuser (NOPASSWD) and lkmpass
#     (sudo asks for a password)
#   - an ed25519 key pair for the host side (vm/id_ed25519) and the guest's dropbear host key
#   - the guest's initramfs (vm/initramfs.cpio.gz): busybox-static, the real kmod 30 with its
#     shared libraries, dropbear, sftp-server, sudo with PAM, and the kernel modules the guest's
#     network needs
# Idempotent: each piece is rebuilt only when what it was made from changed. Prints nothing on
# stdout; `--print-env` prints the paths as shell assignments.
source "$(dirname "$0")/lib.sh"
lock_cache

apt_install qemu-system-x86 busybox-static kmod dropbear-bin cpio openssh-client xz-utils gzip libpam-modules
kernel_image
image="$cache/image"
bzimage="$image/boot/vmlinuz-$release"
[ -f "$bzimage" ] || die "$bzimage is missing from $(cat "$image/.lkm-stamp")"

# --- vmlinux: the ELF inside the bzImage (the kernel's scripts/extract-vmlinux, for the one
# compression Debian uses, xz, and the others it might). Stamped with the bzImage's checksum.
vmlinux="$vmcache/vmlinux"
bz_sum=$(sha256sum "$bzimage" | cut -d' ' -f1)
if [ ! -f "$vmlinux" ] || [ "$(cat "$vmlinux.stamp" 2>/dev/null)" != "$bz_sum" ]; then
  say "extracting vmlinux from $(basename "$bzimage")…"
  is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }
  try_decompress() { # MAGIC(printf-escaped, for grep -P) COMMAND...
    local magic=$1 off
    shift
    for off in $(LC_ALL=C grep -obUaP "$magic" "$bzimage" | cut -d: -f1); do
      tail -c +$((off + 1)) "$bzimage" | "$@" >"$vmlinux.partial" 2>/dev/null || true
      if [ -s "$vmlinux.partial" ] && is_elf "$vmlinux.partial"; then return 0; fi
    done
    return 1
  }
  try_decompress '\xfd7zXZ\x00' xz -dc ||
    try_decompress '\x28\xb5\x2f\xfd' zstd -dcq ||
    try_decompress '\x1f\x8b\x08' gzip -dc ||
    die "found no ELF vmlinux inside $bzimage"
  mv "$vmlinux.partial" "$vmlinux"
  echo "$bz_sum" >"$vmlinux.stamp"
fi

# --- sftp-server for the guest, only unpacked
sftp_deb=$(deb_of openssh-sftp-server)
unpack_once "$vmcache/sftp" "$(basename "$sftp_deb")" extract_deb "$sftp_deb"

# --- sudo for the guest, only unpacked (the host needs no sudo of its own)
sudo_deb=$(deb_of sudo)
unpack_once "$vmcache/sudo" "$(basename "$sudo_deb")" extract_deb "$sudo_deb"

# --- keys
[ -f "$vmcache/id_ed25519" ] || {
  say "generating the host's ssh key pair…"
  rm -f "$vmcache/id_ed25519.pub"
  ssh-keygen -q -t ed25519 -N '' -C lkm-workbench-vm -f "$vmcache/id_ed25519"
}
[ -f "$vmcache/dropbear_ed25519_host_key" ] ||
  dropbearkey -t ed25519 -f "$vmcache/dropbear_ed25519_host_key" >/dev/null 2>&1

# --- initramfs, rebuilt when any of its inputs changed
pkgver() { dpkg-query -W -f='${Package}=${Version} ' "$@"; }
key=$(
  {
    pkgver busybox-static kmod dropbear-bin libpam0g libpam-modules
    cat "$image/.lkm-stamp" "$vmcache/sftp/.lkm-stamp" "$vmcache/sudo/.lkm-stamp" "$vmcache/id_ed25519.pub" "$0"
    sha256sum "$vmcache/dropbear_ed25519_host_key"
  } | sha256sum | cut -d' ' -f1
)
initrd="$vmcache/initramfs.cpio.gz"
if [ ! -f "$initrd" ] || [ "$(cat "$initrd.stamp" 2>/dev/null)" != "$key" ]; then
  say "building the initramfs…"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  r="$work/root"
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,usr/lib/openssh,etc/dropbear,root/.ssh,proc,sys,dev,run,tmp,var/log,lib/modules,usr/local/kmod/bin}
  chmod 700 "$r/root" "$r/root/.ssh"
  chmod 1777 "$r/tmp"

  # A binary and the shared libraries it loads, at the same paths as on the host.
  copy_with_libs() { # SOURCE DEST(inside the root)
    install -D -m 755 "$1" "$r$2"
    local lib
    for lib in $(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+' | sort -u); do
      [ -e "$r$lib" ] || install -D -m 755 "$(readlink -f "$lib")" "$r$lib"
    done
  }

  # busybox: every applet as a link; then kmod's tools over busybox's module applets
  install -m 755 /bin/busybox "$r/bin/busybox"
  for applet in $(/bin/busybox --list-full); do
    [ -e "$r/$applet" ] || ln -s /bin/busybox "$r/$applet"
  done
  copy_with_libs /usr/bin/kmod /usr/local/kmod/bin/kmod
  for tool in insmod rmmod lsmod modprobe modinfo depmod; do
    ln -s kmod "$r/usr/local/kmod/bin/$tool"
    for dir in sbin usr/sbin bin usr/bin; do
      rm -f "$r/$dir/$tool"
    done
    ln -s /usr/local/kmod/bin/kmod "$r/sbin/$tool"
  done
  ln -s /usr/local/kmod/bin/kmod "$r/bin/kmod"
  # Debian's busybox-static sh runs its own applets before anything on PATH (SH_STANDALONE), so a
  # plain `insmod` in a shell would be busybox's. These functions make it kmod's; root's login
  # shell (lkm-sh) loads them before every command that ssh runs, and scenarios do too.
  {
    echo '# kmod 30 for the module tools (busybox sh would otherwise run its own applets)'
    for tool in insmod rmmod lsmod modprobe modinfo depmod; do
      echo "$tool() { /usr/local/kmod/bin/$tool \"\$@\"; }"
    done
  } >"$r/etc/lkm-kmod.sh"
  mkdir -p "$r/usr/local/bin"
  cat >"$r/usr/local/bin/lkm-sh" <<'SH'
#!/bin/sh
# root's login shell: busybox sh with kmod's module tools (see /etc/lkm-kmod.sh).
if [ "$1" = -c ] && [ $# -ge 2 ]; then
  exec sh -c ". /etc/lkm-kmod.sh
$2"
fi
exec sh "$@"
SH
  chmod 755 "$r/usr/local/bin/lkm-sh"

  # dropbear, and sftp-server where dropbear and OpenSSH's scp look for it
  copy_with_libs /usr/sbin/dropbear /usr/sbin/dropbear
  copy_with_libs "$vmcache/sftp/usr/lib/openssh/sftp-server" /usr/lib/openssh/sftp-server
  ln -s openssh/sftp-server "$r/usr/lib/sftp-server"
  mkdir -p "$r/usr/libexec" && ln -s ../lib/openssh/sftp-server "$r/usr/libexec/sftp-server"
  install -m 600 "$vmcache/dropbear_ed25519_host_key" "$r/etc/dropbear/dropbear_ed25519_host_key"
  install -m 600 "$vmcache/id_ed25519.pub" "$r/root/.ssh/authorized_keys"
  echo 'root::0:0:root:/root:/usr/local/bin/lkm-sh' >"$r/etc/passwd"
  echo 'root:x:0:' >"$r/etc/group"

  # Debian's sudo (setuid root; cpio stores the mode, -R 0:0 the owner), its plugins and their
  # libraries, the host's PAM modules for Debian's PAM stack (libpam-runtime's common-* files,
  # without the optional modules), and two users who are not root, logging in with the host's key:
  #   lkmuser  may run anything as root without a password (NOPASSWD)
  #   lkmpass  may run anything as root after typing its password (lkm-test-password)
  s="$vmcache/sudo"
  install -m 4755 "$s/usr/bin/sudo" "$r/usr/bin/sudo"
  mkdir -p "$r/usr/libexec"
  cp -a "$s/usr/libexec/sudo" "$r/usr/libexec/sudo"
  copy_libs() { # ELF…: the host's shared libraries they load (sudo's own are in /usr/libexec/sudo)
    local lib
    for lib in $(LD_LIBRARY_PATH="$s/usr/libexec/sudo" ldd "$@" 2>/dev/null | grep -oE '/[^ ]+' | grep -v "^$s/" | grep -v ':$' | sort -u); do
      [ -e "$r$lib" ] || install -D -m 755 "$(readlink -f "$lib")" "$r$lib"
    done
  }
  copy_libs "$s/usr/bin/sudo" "$s"/usr/libexec/sudo/*.so "$s/usr/libexec/sudo/sesh"
  install -D -m 440 "$s/etc/sudoers" "$r/etc/sudoers"
  install -m 644 "$s/etc/sudo.conf" "$r/etc/sudo.conf"
  mkdir -p "$r/etc/sudoers.d" && chmod 755 "$r/etc/sudoers.d"
  printf '%s\n' '# lkm-workbench test users (test/vm/remoteTarget.test.ts)' \
    'lkmuser ALL=(ALL:ALL) NOPASSWD: ALL' 'lkmpass ALL=(ALL:ALL) ALL' >"$r/etc/sudoers.d/lkm-test"
  chmod 440 "$r/etc/sudoers.d/lkm-test"
  mkdir -p "$r/etc/pam.d" "$r/etc/security"
  install -m 644 "$s/etc/pam.d/sudo" "$r/etc/pam.d/sudo"
  printf '%s\n' 'auth [success=1 default=ignore] pam_unix.so nullok' 'auth requisite pam_deny.so' \
    'auth required pam_permit.so' >"$r/etc/pam.d/common-auth"
  printf '%s\n' 'account [success=1 new_authtok_reqd=done default=ignore] pam_unix.so' \
    'account requisite pam_deny.so' 'account required pam_permit.so' >"$r/etc/pam.d/common-account"
  printf '%s\n' 'session [default=1] pam_permit.so' 'session requisite pam_deny.so' \
    'session required pam_permit.so' 'session required pam_unix.so' >"$r/etc/pam.d/common-session-noninteractive"
  printf '%s\n' 'auth required pam_deny.so' 'account required pam_deny.so' 'password required pam_deny.so' \
    'session required pam_deny.so' >"$r/etc/pam.d/other"
  install -m 644 /etc/security/limits.conf "$r/etc/security/limits.conf"
  for m in pam_unix pam_deny pam_permit pam_limits; do
    pm=$(ls /lib/x86_64-linux-gnu/security/$m.so /usr/lib/x86_64-linux-gnu/security/$m.so 2>/dev/null | head -n 1)
    [ -n "$pm" ] || die "no $m.so on this machine (libpam-modules)"
    install -D -m 644 "$pm" "$r/lib/x86_64-linux-gnu/security/$m.so"
    copy_libs "$pm"
  done
  hash=$(/bin/busybox mkpasswd -m sha512 -S lkmworkbench lkm-test-password)
  printf '%s\n' 'lkmuser:x:1000:1000:lkm test user, sudo NOPASSWD:/home/lkmuser:/bin/sh' \
    'lkmpass:x:1001:1001:lkm test user, sudo with a password:/home/lkmpass:/bin/sh' >>"$r/etc/passwd"
  printf '%s\n' 'lkmuser:x:1000:' 'lkmpass:x:1001:' 'shadow:x:42:' >>"$r/etc/group"
  printf '%s\n' 'root::20000:0:99999:7:::' 'lkmuser:*:20000:0:99999:7:::' "lkmpass:$hash:20000:0:99999:7:::" >"$r/etc/shadow"
  chmod 640 "$r/etc/shadow"
  for u in lkmuser lkmpass; do
    mkdir -p "$r/home/$u/.ssh"
    install -m 600 "$vmcache/id_ed25519.pub" "$r/home/$u/.ssh/authorized_keys"
  done
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tlkm-vm\n' >"$r/etc/hosts"
  printf '/bin/sh\n/bin/ash\n/usr/local/bin/lkm-sh\n' >"$r/etc/shells"
  echo lkm-vm >"$r/etc/hostname"

  # The kernel's own modules that the guest loads (network), or that scenarios may load (e1000),
  # with the kernel's module indexes, and depmod run over them.
  mdir="lib/modules/$release"
  mkdir -p "$r/$mdir"
  for m in drivers/virtio/virtio drivers/virtio/virtio_ring drivers/virtio/virtio_pci \
    drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci_modern_dev \
    drivers/net/virtio_net drivers/net/net_failover net/core/failover \
    drivers/net/ethernet/intel/e1000/e1000; do
    src=$(ls "$image/$mdir/kernel/$m.ko"* 2>/dev/null | head -n 1)
    [ -n "$src" ] || die "no $m.ko in $image/$mdir/kernel"
    install -D -m 644 "$src" "$r/$mdir/kernel/${src#"$image/$mdir/kernel/"}"
  done
  cp "$image/$mdir"/modules.{builtin,builtin.modinfo,order} "$r/$mdir/"
  mkdir -p "$r/$mdir/extra"
  depmod -b "$r" "$release"

  cat >"$r/init" <<INIT
#!/bin/sh
# The guest's pid 1: mounts, loads the network driver, configures slirp's fixed address, starts
# dropbear, and waits. Kernel messages of the boot are kept in /run/boot.dmesg, then cleared.
export PATH=/usr/local/kmod/bin:/sbin:/usr/sbin:/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
hostname lkm-vm
chown -R 1000:1000 /home/lkmuser
chown -R 1001:1001 /home/lkmpass
chmod 700 /home/lkmuser /home/lkmpass /home/lkmuser/.ssh /home/lkmpass/.ssh
modprobe virtio_pci
modprobe virtio_net
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
dmesg -c >/run/boot.dmesg
dropbear -s -p 22 -r /etc/dropbear/dropbear_ed25519_host_key -P /run/dropbear.pid 2>/run/dropbear.log
echo LKM-VM-READY
while :; do sleep 3600; done
INIT
  chmod 755 "$r/init"

  (cd "$r" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) | gzip -6 >"$initrd.partial"
  mv "$initrd.partial" "$initrd"
  echo "$key" >"$initrd.stamp"
fi

if [ "${1:-}" = --print-env ]; then
  printf 'LKM_VM_CACHE=%q\nLKM_VM_VMLINUX=%q\nLKM_VM_INITRD=%q\nLKM_VM_KEY=%q\nLKM_VM_RELEASE=%q\n' \
    "$vmcache" "$vmlinux" "$initrd" "$vmcache/id_ed25519" "$release"
fi
