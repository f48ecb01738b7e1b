#!/usr/bin/env bash
# The hardware-in-the-loop "L1" machine: Debian's amd64 kernel under qemu-system-x86_64 (q35, TCG)
# with an emulated Intel IOMMU and a PCIe "board"; this machine's own / is mounted read-only inside
# (virtio-9p + overlay on tmpfs), so the checkout, its node_modules, Node and qemu-system-aarch64 run
# there unchanged. Measured facts: docs/hil.md.
#
#   l1.sh build                 fetch the kernel (Debian package, private apt state) and build the initramfs
#   l1.sh boot RUNDIR           boot L1 (its NVMe image and the probe socket go in RUNDIR); the console
#                               (ttyS0) goes to stdout. A root bash in L1's chroot reads commands on
#                               RUNDIR/probe.sock (ttyS1); L1 powers off when that shell exits.
#                               Env: HIL_INTREMAP=on|off, HIL_HOSTFWD=PORT (127.0.0.1:PORT -> L1:3000),
#                               HIL_TIMEOUT (s), HIL_MEM, HIL_INIT=systemd (systemd as PID 1, the probe
#                               shell a unit of it).
#
# Cache: $JETVM_HIL_CACHE (default ~/.cache/jetvm/hil). Needs qemu-system-x86, cpio, busybox-static, gcc. The kernel comes through tests/rig/lib/debian-kernel.sh;
# $cache/vfioprobe (tests/rig/vfioprobe.c, built for amd64) asks L1's kernel whether a group is viable.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${JETVM_HIL_CACHE:-$HOME/.cache/jetvm/hil}
# modules L1 needs: 9p root, overlay, ext4 for the NVMe, vfio, and the drivers of the board's cards
MODULES="virtio_pci 9pnet_virtio 9p overlay crc32c_generic ext4 nvme e1000e bochs snd-hda-intel snd-hda-codec-generic vfio-pci vfio_iommu_type1"

# shellcheck source=tests/rig/lib/debian-kernel.sh
. "$here/../rig/lib/debian-kernel.sh"
stamp() { cat "$0" "$here/l1-init.sh" "$here/hil-probe.service" "$here/../rig/lib/debian-kernel.sh" "$here/../rig/vfioprobe.c" | sha256sum | cut -c1-16; }

build() {
  mkdir -p "$cache"
  [ -s "$cache/vmlinuz" ] && [ "$(cat "$cache/stamp" 2>/dev/null)" = "$(stamp)" ] && return
  dk_fetch amd64 "$cache" linux-image || exit 1
  local work=$cache/work kver ir=$cache/work/ir
  rm -rf "$work"
  dk_unpack "$(dk_deb "$cache" linux-image)" "$work/k"
  kver=$(dk_kernel_release "$work/k")
  mkdir -p "$ir"/{bin,proc,sys,dev,tmp,newroot,lower,upper,lib/modules}
  cp /bin/busybox "$ir/bin/busybox"
  # shellcheck disable=SC2086
  dk_install_modules "$work/k/lib/modules/$kver" "$ir/lib/modules" $MODULES > "$ir/lib/modules/load-order"
  cp "$here/l1-init.sh" "$ir/init"; chmod 755 "$ir/init"; cp "$here/hil-probe.service" "$ir/"
  dk_cpio "$ir" "$cache/initrd.gz"
  cp "$work/k/boot/vmlinuz-$kver" "$cache/vmlinuz"
  gcc -static -O2 -Wall -o "$cache/vfioprobe" "$here/../rig/vfioprobe.c"
  echo "$kver" > "$cache/kernel-release"
  stamp > "$cache/stamp"
  rm -rf "$work"
  echo "built L1: kernel $kver in $cache" >&2
}

boot() {
  local run=${1:?usage: l1.sh boot RUNDIR}
  mkdir -p "$run"; build
  [ -f "$run/nvme.img" ] || truncate -s 256M "$run/nvme.img"
  local fwd=""
  [ -n "${HIL_HOSTFWD:-}" ] && fwd=",hostfwd=tcp:127.0.0.1:${HIL_HOSTFWD}-:3000"
  exec timeout "${HIL_TIMEOUT:-1800}" qemu-system-x86_64 -machine q35,accel=tcg -cpu max -m "${HIL_MEM:-3G}" -smp 2 \
    -display none -monitor none -no-reboot -kernel "$cache/vmlinuz" -initrd "$cache/initrd.gz" \
    -append "console=ttyS0 intel_iommu=on panic=-1 mitigations=off${HIL_INIT:+ hil.init=$HIL_INIT}" \
    -device "intel-iommu,intremap=${HIL_INTREMAP:-on}" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -chardev "socket,id=probe,path=$run/probe.sock,server=on,wait=off" -serial stdio -serial chardev:probe \
    -nic "user,model=e1000e$fwd" \
    -device pcie-root-port,id=rp1,chassis=1,slot=1 \
    -device VGA,bus=rp1,addr=0.0,multifunction=on \
    -device ich9-intel-hda,bus=rp1,addr=0.1,id=hda0 -audiodev none,id=snd0 -device hda-duplex,bus=hda0.0,audiodev=snd0 \
    -device pcie-root-port,id=rp2,chassis=2,slot=2 \
    -drive "file=$run/nvme.img,if=none,id=nv0,format=raw" -device nvme,drive=nv0,serial=hil0001,bus=rp2 \
    -device pcie-root-port,id=rp3,chassis=3,slot=3 -device pcie-pci-bridge,id=pb3,bus=rp3 \
    -device i6300esb,bus=pb3,addr=1 -device pci-testdev,bus=pb3,addr=2 \
    < /dev/null
}

cmd=${1:-}; shift || true
case "$cmd" in
  build) build ;;
  boot) boot "$@" ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
