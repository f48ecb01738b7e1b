#!/usr/bin/env bash
# Builds jetvm's demo guest: Debian's arm64 kernel + a busybox initramfs, both from Debian packages.
#
#   scripts/build-demo-guest.sh          build (or reuse) $JETVM_GUEST_CACHE/{Image,initrd.gz}
#   scripts/build-demo-guest.sh --force  rebuild the initramfs even when the cache looks current
#
# The .debs are fetched with apt-get into the cache's own lists/cache dirs (arm64, Debian bookworm),
# never touching the system's apt configuration or package state. Needs: apt-get, dpkg-deb, cpio,
# gzip and the Debian archive keyring (all present on Debian 12). No root needed.
# Cache: ${JETVM_GUEST_CACHE:-$HOME/.cache/jetvm/guest}. Mirror: ${JETVM_GUEST_MIRROR:-http://deb.debian.org/debian}.
set -euo pipefail

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

mkdir -p "$cache/debs" "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" "$cache/apt/empty.d"
# one build at a time per cache (test files may ask for the guest in parallel)
if command -v flock >/dev/null; then exec 9>"$cache/.lock"; flock 9; fi
stamp_want="$(init_script | sha256sum | cut -c1-16) $modules_wanted"
if [ $force = 0 ] && [ -s "$cache/Image" ] && [ -s "$cache/initrd.gz" ] && [ "$(cat "$cache/stamp" 2>/dev/null)" = "$stamp_want" ]; then
  echo "demo guest (cached): $cache/Image $cache/initrd.gz"
  exit 0
fi

# --- fetch the two packages (arm64), with apt pointed at our own sources, lists and cache ---
if ! ls "$cache"/debs/linux-image-*-arm64_*.deb >/dev/null 2>&1 || ! ls "$cache"/debs/busybox-static_*_arm64.deb >/dev/null 2>&1; then
  printf 'deb [arch=arm64 signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" > "$cache/apt/sources.list"
  apt_opts=(-q -o APT::Architecture=arm64 -o APT::Architectures=arm64
    -o Dir::Etc::SourceList="$cache/apt/sources.list" -o Dir::Etc::SourceParts="$cache/apt/empty.d"
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$cache/apt/empty.d"
    -o Dir::State::Lists="$cache/apt/lists" -o Dir::Cache="$cache/apt/cache"
    -o Dir::State::status=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)")
  echo "fetching arm64 package lists from $mirror $suite ..." >&2
  apt-get "${apt_opts[@]}" update >/dev/null || die "apt-get update failed (network? mirror $mirror)"
  img=$(apt-cache "${apt_opts[@]}" depends linux-image-arm64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  [ -n "$img" ] || die "could not resolve linux-image-arm64 to a kernel package"
  echo "downloading $img busybox-static ..." >&2
  rm -f "$cache"/debs/*.deb
  (cd "$cache/debs" && apt-get "${apt_opts[@]}" download "$img:arm64" busybox-static:arm64 >/dev/null) || die "apt-get download failed"
fi
kdebs=("$cache"/debs/linux-image-*-arm64_*.deb); kdeb=${kdebs[0]}
bdebs=("$cache"/debs/busybox-static_*_arm64.deb); bdeb=${bdebs[0]}

# --- unpack and assemble the initramfs ---
work="$cache/work"; rm -rf "$work"; mkdir -p "$work/k" "$work/bb"
dpkg-deb -x "$kdeb" "$work/k"
dpkg-deb -x "$bdeb" "$work/bb"
kvers=("$work/k/lib/modules"/*); kver=$(basename "${kvers[0]}")
mods="$work/k/lib/modules/$kver"
ir="$work/ir"; mkdir -p "$ir"/{bin,proc,sys,dev,tmp,root,etc,lib/modules}
cp "$work/bb/bin/busybox" "$ir/bin/busybox"

# Load order without depmod/kmod: each .ko names its dependencies in its modinfo "depends=" field.
declare -A ko_by_name=() seen=()
while IFS= read -r f; do n=$(basename "$f" .ko); ko_by_name[${n//-/_}]=$f; done < <(cd "$mods" && find kernel -name '*.ko')
order=()
visit() {
  local name=${1//-/_} f deps d
  [ -n "${seen[$name]:-}" ] && return; seen[$name]=1
  f=${ko_by_name[$name]:-}; [ -n "$f" ] || return 0  # built into the kernel
  deps=$(tr '\0' '\n' < "$mods/$f" | sed -n 's/^depends=//p' | head -1 | tr ',' ' ')
  for d in $deps; do visit "$d"; done
  order+=("$f")
}
for m in $modules_wanted; do visit "$m"; done
: > "$ir/lib/modules/load-order"
for f in "${order[@]}"; do
  mkdir -p "$ir/lib/modules/$(dirname "$f")"; cp "$mods/$f" "$ir/lib/modules/$f"
  echo "$f" >> "$ir/lib/modules/load-order"
done

init_script > "$ir/init"; chmod 755 "$ir/init"
(cd "$ir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1 > "$cache/initrd.gz.tmp")
cp "$work/k/boot/vmlinuz-$kver" "$cache/Image.tmp"  # Debian's arm64 vmlinuz is an uncompressed Image
mv "$cache/initrd.gz.tmp" "$cache/initrd.gz"; mv "$cache/Image.tmp" "$cache/Image"
echo "$kver" > "$cache/kernel-release"
echo "$stamp_want" > "$cache/stamp"
rm -rf "$work"
echo "demo guest built: kernel $kver, ${#order[@]} modules: $cache/Image $cache/initrd.gz"
