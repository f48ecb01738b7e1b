#!/usr/bin/env bash
# jetvm's kernel rig: a real arm64 Linux kernel to test host-side PCI/VFIO code against, on any
# Debian machine. Debian's arm64 kernel boots under qemu-system-aarch64 (software emulation, no KVM)
# on a `virt` machine with an SMMUv3 IOMMU and GICv3, with emulated PCIe devices and their real
# drivers (e1000e, nvme, bochs-drm, snd-hda-intel, vfio-pci + vfio_iommu_type1, loaded before your
# script), runs a busybox shell script of yours as root, and prints what it printed.
#
#   rig.sh build                        fetch the kernel + busybox (Debian packages), build the initramfs
#   rig.sh run [-t TOPO] SCRIPT         run SCRIPT in the guest; print its output, exit with its status
#   rig.sh snapshot [-t TOPO] OUTDIR    the guest's PCI sysfs as a sysfs-shaped tree in OUTDIR
#                                       (OUTDIR/sys/bus/pci/devices/..., OUTDIR/sys/kernel/iommu_groups/...)
#   rig.sh topologies                   list the topologies in tests/rig/topologies
#
# TOPO: a name from tests/rig/topologies (default gpu) or a file of QEMU -device/-drive/-object lines
# (# comments; @RUN@ is the run's own scratch directory, holding a blank 64 MiB nvme.img).
# In the guest: busybox, the modules above, and `vfioprobe /dev/vfio/N` (is the group viable? attach
# it to a type1 container). Runs can go in parallel; `build` runs once at a time per cache (flock),
# and `run`/`snapshot` build first when the cache is missing or stale.
# Needs: qemu-system-arm, apt-get, dpkg-deb, cpio, gzip, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross.
# Cache: JETVM_RIG_CACHE (default ~/.cache/jetvm/kernel-rig). Guest timeout: JETVM_RIG_TIMEOUT
# seconds (default 300).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/rig/lib/debian-kernel.sh
. "$here/lib/debian-kernel.sh"
cache=${JETVM_RIG_CACHE:-$HOME/.cache/jetvm/kernel-rig}
modules=(e1000e nvme snd-hda-intel bochs vfio-pci vfio_iommu_type1)

die() { echo "rig: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

guest_init() {
  cat <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /lib/modules/load-order); do insmod "/lib/modules/$m" 2>/dev/null; done
sleep 1 # let the drivers finish probing
echo "@@RIG-BEGIN"
sh /script 2>&1
echo "@@RIG-END rc=$?"
poweroff -f
INIT
}

# what the cached build was made from: a rebuild follows any change to the rig's sources
stamp() { cat "$0" "$here/lib/debian-kernel.sh" "$here/vfioprobe.c" | sha256sum | cut -c1-16; }
built() { [ -s "$cache/vmlinuz" ] && [ -s "$cache/base.cpio.gz" ] && [ "$(cat "$cache/stamp" 2>/dev/null)" = "$(stamp)" ]; }

build_locked() {
  command -v aarch64-linux-gnu-gcc >/dev/null || die "no aarch64-linux-gnu-gcc (bash scripts/install-deps.sh)"
  dk_fetch arm64 "$cache" linux-image busybox-static || exit 1
  local work=$cache/work kver ir
  rm -rf "$work"
  dk_unpack "$(dk_deb "$cache" linux-image)" "$work/k"
  dk_unpack "$(dk_deb "$cache" busybox-static)" "$work/bb"
  kver=$(dk_kernel_release "$work/k")
  ir=$work/initramfs
  mkdir -p "$ir"/{bin,proc,sys,dev,tmp,lib/modules}
  cp "$work/bb/bin/busybox" "$ir/bin/busybox"
  dk_install_modules "$work/k/lib/modules/$kver" "$ir/lib/modules" "${modules[@]}" > "$ir/lib/modules/load-order"
  aarch64-linux-gnu-gcc -static -O2 -Wall -o "$ir/bin/vfioprobe" "$here/vfioprobe.c"
  guest_init > "$ir/init"
  chmod 755 "$ir/init"
  dk_cpio "$ir" "$cache/base.cpio.gz"
  cp "$work/k/boot/vmlinuz-$kver" "$cache/vmlinuz.tmp" && mv "$cache/vmlinuz.tmp" "$cache/vmlinuz"
  echo "$kver" > "$cache/kernel-release"
  stamp > "$cache/stamp"
  echo "kernel rig built: Debian kernel $kver, $(wc -l < "$ir/lib/modules/load-order") modules, in $cache" >&2
  rm -rf "$work"
}

# build unless current; two processes asking at once build once (the second waits, then reuses)
build() {
  mkdir -p "$cache"
  exec 9> "$cache/.lock"
  flock 9
  if built; then echo "kernel rig (cached): Debian kernel $(cat "$cache/kernel-release") in $cache" >&2; else build_locked; fi
  exec 9>&-
}

topology_file() {
  if [ -f "$1" ]; then echo "$1"
  elif [ -f "$here/topologies/$1.topo" ]; then echo "$here/topologies/$1.topo"
  else die "unknown topology '$1' (rig.sh topologies lists them; or give a file)"; fi
}

# boot $1 (topology file) with $2 (guest script) in scratch directory $3; the console goes to $3/console
boot() {
  local topo=$1 script=$2 run=$3 line part words=()
  built || build
  truncate -s 64M "$run/nvme.img"
  mkdir "$run/top"
  cp "$script" "$run/top/script"
  dk_cpio "$run/top" "$run/script.cpio.gz"
  # the kernel unpacks concatenated archives in order: the cached base, then this run's /script
  cat "$cache/base.cpio.gz" "$run/script.cpio.gz" > "$run/initrd.gz"
  while IFS= read -r line; do
    line=${line%%#*}
    read -ra part <<< "${line//@RUN@/$run}"
    words+=("${part[@]}")
  done < "$topo"
  local rc=0
  timeout "${JETVM_RIG_TIMEOUT:-300}" qemu-system-aarch64 -machine virt,iommu=smmuv3,gic-version=3 -cpu cortex-a57 \
    -smp 2 -m 1024 -no-reboot -nic none -display none -monitor none -serial "file:$run/console" \
    -kernel "$cache/vmlinuz" -initrd "$run/initrd.gz" -append "console=ttyAMA0 panic=-1 quiet" \
    "${words[@]}" < /dev/null || rc=$?
  [ $rc = 124 ] && echo "rig: the guest did not power off within ${JETVM_RIG_TIMEOUT:-300} s" >&2
  return $rc
}

# runs the script; prints its output; exits with its status, or 3 when the guest never finished it
run() {
  local topo=$1 script=$2 dir rc=0 end
  dir=$(mktemp -d "${TMPDIR:-/tmp}/jetvm-rig.XXXXXX")
  boot "$topo" "$script" "$dir" || rc=$?
  tr -d '\r' < "$dir/console" > "$dir/console.txt" 2> /dev/null || :
  sed -n '/@@RIG-BEGIN/,/@@RIG-END rc=/{/@@RIG-/!p}' "$dir/console.txt"
  end=$(sed -n 's/.*@@RIG-END rc=\([0-9]*\).*/\1/p' "$dir/console.txt" | tail -1)
  if [ -z "$end" ]; then
    echo "rig: the guest did not finish the script (qemu status $rc); the console's last lines:" >&2
    tail -n 20 "$dir/console.txt" >&2
    end=3
  fi
  rm -rf "$dir"
  exit "$end"
}

snapshot() {
  local topo=$1 out=$2 tmp
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/jetvm-rig-snap.XXXXXX")
  (run "$topo" "$here/capture.sh") > "$tmp/out" || { rm -rf "$tmp"; die "the snapshot script failed"; }
  sed -n '/^@@TAR-BEGIN$/,/^@@TAR-END$/p' "$tmp/out" | grep -E '^[A-Za-z0-9+/=]+$' | base64 -d > "$tmp/snap.tar.gz"
  mkdir -p "$out"
  tar -xzf "$tmp/snap.tar.gz" -C "$out"
  rm -rf "$tmp"
  echo "snapshot of topology '$topo' (kernel $(cat "$out/kernel-release")) in $out/sys" >&2
}

cmd=${1:-}
[ $# -gt 0 ] && shift
topo=gpu
if [ "${1:-}" = "-t" ]; then
  [ $# -ge 2 ] || usage
  topo=$2
  shift 2
fi
case "$cmd" in
  build) build ;;
  topologies) find "$here/topologies" -name '*.topo' -printf '%f\n' | sed 's/\.topo$//' | sort ;;
  run)
    { [ $# = 1 ] && [ -f "$1" ]; } || usage
    file=$(topology_file "$topo")
    run "$file" "$1" ;;
  snapshot)
    [ $# = 1 ] || usage
    file=$(topology_file "$topo")
    snapshot "$file" "$1" ;;
  *) usage ;;
esac
