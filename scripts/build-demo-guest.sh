#!/usr/bin/env bash
# Builds jetvm's demo guests from Debian packages: Debian's arm64 kernel + a busybox initramfs (booted
# with -kernel), and a UEFI disk image holding the same pair behind GRUB on an EFI system partition.
#
#   scripts/build-demo-guest.sh          build (or reuse) $JETVM_GUEST_CACHE/{Image,initrd.gz,efi-disk.img}
#   scripts/build-demo-guest.sh --force  rebuild the initramfs and disk even when the cache looks current
#
# The guest's init is "cloud-init-style": it reads a NoCloud seed (a volume labelled cidata) itself and
# applies its hostname and SSH keys; a real cloud image runs cloud-init instead. With a virtio NIC it takes
# an address by DHCP (QEMU's user-mode NAT answers) and serves a page on port 80 (busybox httpd).
#
# The .debs are fetched with apt-get (tests/rig/lib/debian-kernel.sh, shared with the kernel rig) into the cache's own lists/cache dirs (arm64, Debian bookworm),
# never touching the system's apt configuration or package state. Needs: apt-get, dpkg-deb, cpio,
# gzip and the Debian archive keyring, and for the disk image grub-mkstandalone (grub-common), sfdisk
# (fdisk), mkfs.fat (dosfstools) and mcopy (mtools). No root and no loop mounts needed.
# Cache: ${JETVM_GUEST_CACHE:-$HOME/.cache/jetvm/guest}. Mirror: ${JETVM_GUEST_MIRROR:-http://deb.debian.org/debian}.
set -euo pipefail
# shellcheck source=tests/rig/lib/debian-kernel.sh
. "$(dirname "$0")/../tests/rig/lib/debian-kernel.sh"

cache=${JETVM_GUEST_CACHE:-$HOME/.cache/jetvm/guest}
mirror=${JETVM_GUEST_MIRROR:-http://deb.debian.org/debian}
suite=${JETVM_GUEST_SUITE:-bookworm}
keyring=${JETVM_GUEST_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
# drivers for the sim-mode stand-ins, so the guest's PCI listing shows them bound
# + virtio NIC, disk and SCSI CD-ROM (the cidata seed), ISO 9660
modules_wanted="bochs snd-hda-intel e1000e nvme virtio_pci virtio_net virtio_blk virtio_scsi sr_mod isofs"
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
mdev -s
# cloud-init-style: apply the NoCloud seed (volume label cidata) ourselves; a cloud image runs cloud-init
mkdir -p /seed /root/.ssh /www
for dev in /dev/sr0 /dev/sr1 /dev/vdb /dev/vdc; do
  [ -b "$dev" ] || continue
  mount -t iso9660 -o ro "$dev" /seed 2>/dev/null || continue
  # the ISO 9660 volume label sits at byte 32808 (busybox-static has no blkid)
  label=$(dd if="$dev" bs=1 skip=32808 count=6 2>/dev/null | tr 'A-Z' 'a-z')
  if [ -f /seed/meta-data ] && [ "$label" = cidata ]; then
    h=$(sed -n 's/^local-hostname: *//p' /seed/meta-data | head -1)
    [ -n "$h" ] && hostname "$h"
    grep -oE '(ssh|ecdsa)-[A-Za-z0-9-]+ [A-Za-z0-9+/=]+( .*)?$' /seed/user-data > /root/.ssh/authorized_keys
    echo "cidata seed on $dev: hostname $(hostname), $(wc -l < /root/.ssh/authorized_keys) ssh key(s)"
    break
  fi
  umount /seed
done
cat > /etc/udhcpc.script <<'DHCP'
#!/bin/sh
[ "$1" = bound ] || [ "$1" = renew ] || exit 0
ip addr flush dev "$interface"; ip addr add "$ip/$mask" dev "$interface"
[ -n "$router" ] && ip route add default via "${router%% *}"
echo "eth0 address $ip" > /tmp/address
DHCP
chmod 755 /etc/udhcpc.script
# only a virtio NIC is a real network here (an e1000e is a sim stand-in with no cable)
if [ "$(basename "$(readlink /sys/class/net/eth0/device/driver 2>/dev/null)")" = virtio_net ]; then
  ip link set lo up; ip link set eth0 up
  udhcpc -i eth0 -s /etc/udhcpc.script -q -n -t 3 -T 1 >/dev/null 2>&1 && cat /tmp/address
  { echo "jetvm guest $(hostname)"; cat /tmp/address 2>/dev/null; echo "authorized keys:"; cat /root/.ssh/authorized_keys; } > /www/index.html
  httpd -p 80 -h /www && echo "http server on port 80"
  # SSH for root with the seed's keys (dropbear from Debian; host keys made on the first connection)
  chmod 700 /root /root/.ssh; chmod 600 /root/.ssh/authorized_keys 2>/dev/null
  mkdir -p /etc/dropbear && dropbear -R -p 22 && echo "ssh server on port 22 (dropbear)"
fi
echo "PCI devices (address vendor:device class driver):"
for d in /sys/bus/pci/devices/*; do
  [ -e "$d/vendor" ] || continue
  drv=-
  [ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
  v=$(cat "$d/vendor"); p=$(cat "$d/device"); c=$(cat "$d/class")
  echo "  ${d##*/} ${v#0x}:${p#0x} ${c#0x} $drv"
done
export HOME=/root TERM=vt100 PATH=/bin
echo "PS1='root@\h:\w# '; export PATH=/bin:/sbin" > /etc/profile
cd /
# PID 1 must never exit: respawn the login shell on the console (ttyAMA0) with it as controlling tty.
while true; do setsid cttyhack sh -l; sleep 1; done
INIT
}

# The UEFI demo disk: GPT with one EFI system partition (FAT, made without loop mounts) holding GRUB as
# the removable-media loader EFI/BOOT/BOOTAA64.EFI, which loads the kernel and initramfs beside it.
build_efi_disk() {
  local grubdir=$1 kernel=$2 initrd=$3 out=$4 w=$5
  local esp_mib=$(( ( $(stat -c %s "$kernel") + $(stat -c %s "$initrd") ) / 1048576 + 24 ))
  cat > "$w/grub.cfg" <<'CFG'
set timeout=0
search --no-floppy --set=root --file /jetvm-guest
linux /Image console=ttyAMA0 panic=-1
initrd /initrd.gz
boot
CFG
  grub-mkstandalone -O arm64-efi -d "$grubdir" -o "$w/BOOTAA64.EFI" --modules="part_gpt fat search linux" \
    --install-modules="part_gpt fat search search_fs_file linux normal configfile echo boot" \
    --locales= --fonts= --themes= "boot/grub/grub.cfg=$w/grub.cfg"
  echo "jetvm demo guest ESP" > "$w/jetvm-guest"
  rm -f "$w/esp.img"; mkfs.fat -F 32 -n ESP -C "$w/esp.img" $(( esp_mib * 1024 )) >/dev/null
  mmd -i "$w/esp.img" ::/EFI ::/EFI/BOOT
  mcopy -i "$w/esp.img" "$w/BOOTAA64.EFI" ::/EFI/BOOT/BOOTAA64.EFI
  mcopy -i "$w/esp.img" "$kernel" ::/Image
  mcopy -i "$w/esp.img" "$initrd" ::/initrd.gz
  mcopy -i "$w/esp.img" "$w/jetvm-guest" ::/jetvm-guest
  rm -f "$out"; truncate -s $(( esp_mib + 2 ))M "$out"
  printf 'label: gpt\nstart=2048, size=%s, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="ESP"\n' $(( esp_mib * 2048 )) | sfdisk -q "$out"
  dd if="$w/esp.img" of="$out" bs=1M seek=1 conv=notrunc status=none
}

need apt-get "Debian's apt"; need dpkg-deb "dpkg"; need cpio "apt-get install cpio"; need gzip "gzip"
need grub-mkstandalone "apt-get install grub-common"; need sfdisk "apt-get install fdisk"
need mkfs.fat "apt-get install dosfstools"; need mcopy "apt-get install mtools"
[ -r "$keyring" ] || die "no Debian archive keyring at $keyring (apt-get install debian-archive-keyring, or set JETVM_GUEST_KEYRING)"

mkdir -p "$cache"
# one build at a time per cache (test files may ask for the guest in parallel)
if command -v flock >/dev/null; then exec 9>"$cache/.lock"; flock 9; fi
stamp_want="$({ init_script; declare -f build_efi_disk; echo dropbear; } | sha256sum | cut -c1-16) $modules_wanted"
if [ $force = 0 ] && [ -s "$cache/Image" ] && [ -s "$cache/initrd.gz" ] && [ -s "$cache/efi-disk.img" ] && [ "$(cat "$cache/stamp" 2>/dev/null)" = "$stamp_want" ]; then
  echo "demo guest (cached): $cache/Image $cache/initrd.gz $cache/efi-disk.img"
  exit 0
fi

# --- fetch the packages (arm64), with apt pointed at our own sources, lists and cache ---
# dropbear-bin and the shared libraries it links (the guest has no other libc)
ssh_pkgs="dropbear-bin libc6 libcrypt1 libtomcrypt1 libtommath1 libgmp10 zlib1g"
# shellcheck disable=SC2086 # a list of package names
DK_MIRROR=$mirror DK_SUITE=$suite DK_KEYRING=$keyring dk_fetch arm64 "$cache" linux-image busybox-static grub-efi-arm64-bin $ssh_pkgs || die "could not fetch the packages"
kdeb=$(dk_deb "$cache" linux-image)
bdeb=$(dk_deb "$cache" busybox-static)
gdeb=$(dk_deb "$cache" grub-efi-arm64-bin)

# --- unpack and assemble the initramfs ---
work="$cache/work"; rm -rf "$work"; mkdir -p "$work/k" "$work/bb"
dpkg-deb -x "$kdeb" "$work/k"
dpkg-deb -x "$bdeb" "$work/bb"
dpkg-deb -x "$gdeb" "$work/grub"
kver=$(dk_kernel_release "$work/k")
ir="$work/ir"; mkdir -p "$ir"/{bin,proc,sys,dev,tmp,root,etc,lib/modules}
cp "$work/bb/bin/busybox" "$ir/bin/busybox"
for p in $ssh_pkgs; do dpkg-deb -x "$(dk_deb "$cache" "$p")" "$work/ssh"; done
cp "$work/ssh/usr/sbin/dropbear" "$ir/bin/dropbear"
mkdir -p "$ir/lib/aarch64-linux-gnu"
for so in ld-linux-aarch64.so.1 libc.so.6 libcrypt.so.1 libtomcrypt.so.1 libtommath.so.1 libgmp.so.10 libz.so.1; do
  f=$(find "$work/ssh" -name "$so" | head -1); [ -n "$f" ] || die "no $so in the dropbear packages"
  cp -L "$f" "$ir/lib/aarch64-linux-gnu/$so"
done
ln -s aarch64-linux-gnu/ld-linux-aarch64.so.1 "$ir/lib/ld-linux-aarch64.so.1"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$ir/etc/passwd"
# the drivers and what they depend on, in load order (no depmod/kmod in the guest)
# shellcheck disable=SC2086 # a list of module names
dk_install_modules "$work/k/lib/modules/$kver" "$ir/lib/modules" $modules_wanted > "$ir/lib/modules/load-order"
nmods=$(wc -l < "$ir/lib/modules/load-order")

init_script > "$ir/init"; chmod 755 "$ir/init"
dk_cpio "$ir" "$cache/initrd.gz.tmp"
cp "$work/k/boot/vmlinuz-$kver" "$cache/Image.tmp"  # Debian's arm64 vmlinuz is an uncompressed Image
build_efi_disk "$work/grub/usr/lib/grub/arm64-efi" "$cache/Image.tmp" "$cache/initrd.gz.tmp" "$cache/efi-disk.img.tmp" "$work"
mv "$cache/initrd.gz.tmp" "$cache/initrd.gz"; mv "$cache/Image.tmp" "$cache/Image"; mv "$cache/efi-disk.img.tmp" "$cache/efi-disk.img"
echo "$kver" > "$cache/kernel-release"
echo "$stamp_want" > "$cache/stamp"
rm -rf "$work"
echo "demo guest built: kernel $kver, $nmods modules: $cache/Image $cache/initrd.gz $cache/efi-disk.img"
