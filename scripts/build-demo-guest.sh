#!/usr/bin/env bash
# Builds jetvm's demo guest: Debian's arm64 kernel + a busybox initramfs, both from Debian packages.
#
#   scripts/build-demo-guest.sh          build (or reuse) $JETVM_GUEST_CACHE/{Image,initrd.gz}
#   scripts/build-demo-guest.sh --force  rebuild the initramfs even when the cache looks current
#
# The .debs are fetched with apt-get (tests/rig/lib/debian-kernel.sh, shared with the kernel rig) into the cache's own lists/cache dirs (arm64, Debian bookworm),
# never touching the system's apt configuration or package state. Needs: apt-get, dpkg-deb, cpio,
# gzip and the Debian archive keyring (all present on Debian 12). No root needed.
# Cache: ${JETVM_GUEST_CACHE:-$HOME/.cache/jetvm/guest}. Mirror: ${JETVM_GUEST_MIRROR:-http://deb.debian.org/debian}.
set -euo pipefail
# shellcheck source=tests/rig/lib/debian-kernel.sh
. "$(dirname "$0")/../tests/rig/lib/debian-kernel.sh"

cache=${JETVM_GUEST_CACHE:-$HOME/.cache/jetvm/guest}
mirror=${JETVM_GUEST_MIRROR:-http://deb.debian.org/debian}
suite=${JETVM_GUEST_SUITE:-bookworm}
keyring=${JETVM_GUEST_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
# drivers for the sim-mode stand-ins, so the guest's PCI listing shows them bound
modules_wanted="bochs snd-hda-intel e1000e nvme"
force=0; [ "${1:-}" = "--force" ] && force=1

die() { echo "build-demo-guest: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "missing '$1' ($2)"; }

init_script() {
  cat <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /root /tmp && mount -t devpts devpts /dev/pts
hostname demo
for m in $(cat /lib/modules/load-order); do insmod "/lib/modules/$m" 2>/dev/null; done
echo "jetvm demo guest"
echo "PCI devices (address vendor:device class driver):"
for d in /sys/bus/pci/devices/*; do
  [ -e "$d/vendor" ] || continue
  drv=-
  [ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
  v=$(cat "$d/vendor"); p=$(cat "$d/device"); c=$(cat "$d/class")
  echo "  ${d##*/} ${v#0x}:${p#0x} ${c#0x} $drv"
done
export HOME=/root TERM=vt100 PATH=/bin
echo "PS1='root@demo:\w# '" > /etc/profile
cd /
# PID 1 must never exit: respawn the login shell on the console (ttyAMA0) with it as controlling tty.
while true; do setsid cttyhack sh -l; sleep 1; done
INIT
}

need apt-get "Debian's apt"; need dpkg-deb "dpkg"; need cpio "apt-get install cpio"; need gzip "gzip"
[ -r "$keyring" ] || die "no Debian archive keyring at $keyring (apt-get install debian-archive-keyring, or set JETVM_GUEST_KEYRING)"

mkdir -p "$cache"
# one build at a time per cache (test files may ask for the guest in parallel)
if command -v flock >/dev/null; then exec 9>"$cache/.lock"; flock 9; fi
stamp_want="$(init_script | sha256sum | cut -c1-16) $modules_wanted"
if [ $force = 0 ] && [ -s "$cache/Image" ] && [ -s "$cache/initrd.gz" ] && [ "$(cat "$cache/stamp" 2>/dev/null)" = "$stamp_want" ]; then
  echo "demo guest (cached): $cache/Image $cache/initrd.gz"
  exit 0
fi

# --- fetch the two packages (arm64), with apt pointed at our own sources, lists and cache ---
DK_MIRROR=$mirror DK_SUITE=$suite DK_KEYRING=$keyring dk_fetch arm64 "$cache" linux-image busybox-static || die "could not fetch the packages"
kdeb=$(dk_deb "$cache" linux-image)
bdeb=$(dk_deb "$cache" busybox-static)

# --- unpack and assemble the initramfs ---
work="$cache/work"; rm -rf "$work"; mkdir -p "$work/k" "$work/bb"
dpkg-deb -x "$kdeb" "$work/k"
dpkg-deb -x "$bdeb" "$work/bb"
kver=$(dk_kernel_release "$work/k")
ir="$work/ir"; mkdir -p "$ir"/{bin,proc,sys,dev,tmp,root,etc,lib/modules}
cp "$work/bb/bin/busybox" "$ir/bin/busybox"
# the drivers and what they depend on, in load order (no depmod/kmod in the guest)
# shellcheck disable=SC2086 # a list of module names
dk_install_modules "$work/k/lib/modules/$kver" "$ir/lib/modules" $modules_wanted > "$ir/lib/modules/load-order"
nmods=$(wc -l < "$ir/lib/modules/load-order")

init_script > "$ir/init"; chmod 755 "$ir/init"
dk_cpio "$ir" "$cache/initrd.gz.tmp"
cp "$work/k/boot/vmlinuz-$kver" "$cache/Image.tmp"  # Debian's arm64 vmlinuz is an uncompressed Image
mv "$cache/initrd.gz.tmp" "$cache/initrd.gz"; mv "$cache/Image.tmp" "$cache/Image"
echo "$kver" > "$cache/kernel-release"
echo "$stamp_want" > "$cache/stamp"
rm -rf "$work"
echo "demo guest built: kernel $kver, $nmods modules: $cache/Image $cache/initrd.gz"
