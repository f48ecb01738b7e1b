#!/usr/bin/env bash
# Installs (or upgrades, or removes) jetvm as a systemd service on a Jetson running L4T r35 (JetPack 5,
# Ubuntu 20.04) or r36 (JetPack 6, Ubuntu 22.04). Run it from a clone of the repository:
#
#   sudo ./scripts/install-jetson.sh              install or upgrade, then start the service
#   sudo ./scripts/install-jetson.sh --uninstall  remove the program and the service; keep the database,
#                                                 guests' disks (/var/lib/jetvm) and /etc/jetvm
# Options:
#   --prefix DIR         where the program goes (default /opt/jetvm)
#   --root DIR           install into a staging root instead of / (nothing is started; for packaging and tests)
#   --no-deps            do not apt-get install the build tools and QEMU
#   --no-build           copy the program without npm ci / next build (the copy must already be built)
#   --in-place           run the program from this clone as it is (built already): nothing is copied to --prefix
#   --no-start           write everything but do not enable or (re)start the service
#   --allow-non-jetson   go on without /etc/nv_tegra_release (a generic arm64 or x86-64 Linux box)
# Running it again is safe: the program is replaced, /etc/jetvm/jetvm.env and the data directory are kept,
# and the database is migrated when the new version starts.
set -euo pipefail

prefix=/opt/jetvm root="" deps=1 build=1 start=1 jetson_only=1 uninstall=0 in_place=0
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "install-jetson: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    --no-deps) deps=0; shift ;;
    --no-build) build=0; shift ;;
    --no-start) start=0; shift ;;
    --in-place) in_place=1; shift ;;
    --allow-non-jetson) jetson_only=0; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; echo "install-jetson: unknown option: $1" >&2; exit 2 ;;
  esac
done
case "$prefix" in /*) ;; *) echo "install-jetson: --prefix must be an absolute path" >&2; exit 2 ;; esac
if [ -n "$root" ]; then
  root=$(cd "$root" && pwd) || exit 2
  deps=0 start=0
elif [ "$(id -u)" -ne 0 ]; then
  die "run it as root (sudo $0): it writes /etc, /opt and the systemd unit"
fi
src=$(cd "$(dirname "$0")/.." && pwd)
pkg="$src/packaging/jetson"
[ "$in_place" -eq 0 ] || prefix=$src
dest="$root$prefix"
unit="$root/etc/systemd/system/jetvm.service"
rules="$root/etc/udev/rules.d/70-jetvm-vfio.rules"
modules="$root/etc/modules-load.d/jetvm.conf"
envfile="$root/etc/jetvm/jetvm.env"

systemd_up() { [ "$start" -eq 1 ] && [ -d /run/systemd/system ]; }

if [ "$uninstall" -eq 1 ]; then
  if systemd_up; then
    systemctl disable --now jetvm.service 2>/dev/null || true
  fi
  rm -f "$unit" "$unit.d/in-place.conf" "$rules" "$modules"
  if [ -f "$dest/.jetvm-installed" ]; then rm -rf "$dest"; fi
  rm -rf "$dest.new" "$dest.old"
  if systemd_up; then systemctl daemon-reload; udevadm control --reload || true; fi
  echo "jetvm removed. Kept: /var/lib/jetvm (database, console logs, guests' disks) and /etc/jetvm."
  echo "Guests that were running keep running until you stop them (kill the qemu-system-aarch64 processes)."
  exit 0
fi

# --- what this board is
release=""
if [ -f "$root/etc/nv_tegra_release" ]; then
  # e.g. "# R36 (release), REVISION: 4.3, GCID: ..., BOARD: generic, EABI: aarch64, DATE: ..."
  release=$(sed -n 's/^# R\([0-9]*\) (release), REVISION: \([0-9.]*\).*/r\1.\2/p' "$root/etc/nv_tegra_release" | head -n 1)
fi
case "$release" in
  r35.*|r36.*) echo "L4T $release" ;;
  "") [ "$jetson_only" -eq 0 ] || die "no L4T release in $root/etc/nv_tegra_release: this is not a Jetson (use --allow-non-jetson to install anyway)"
      echo "not a Jetson: installing anyway (--allow-non-jetson)" ;;
  *) die "L4T $release is not supported (r35 = JetPack 5 and r36 = JetPack 6 are)" ;;
esac

# --- Node.js >= 20
node=$(command -v node || true)
[ -n "$node" ] || die "Node.js 20 or newer is needed and there is none on PATH. On Ubuntu, install the nodejs 20 LTS package from NodeSource, or unpack the official linux-arm64 tarball of Node 20 into /usr/local; then run this again."
node=$(readlink -f "$node")
major=$("$node" -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || die "Node.js $("$node" --version) is too old: jetvm needs 20 or newer ($node)"
echo "Node.js $("$node" --version) at $node"

# --- build tools for the native modules (node-pty, better-sqlite3), QEMU, lspci, dtc; UEFI firmware
# (AAVMF) and genisoimage for guests that boot a distribution's image with a cloud-init seed
if [ "$deps" -eq 1 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q build-essential python3 pkg-config \
    qemu-system-arm qemu-utils pciutils device-tree-compiler ca-certificates \
    qemu-efi-aarch64 genisoimage openssl
fi

# --- the program: a fresh copy beside the old one, built, then swapped in (or the clone itself, --in-place)
copy_program() {
  rm -rf "$dest.new"
  mkdir -p "$dest.new"
  if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$src" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$dest.new"
  else
    tar -C "$src" --exclude=./node_modules --exclude=./.next --exclude=./data -cf - . | tar -xf - -C "$dest.new"
  fi
  if [ "$build" -eq 1 ]; then
    (cd "$dest.new" && npm ci --no-audit --no-fund && npm run build)
  fi
  # marks a directory this installer made, so --uninstall never removes a clone used --in-place
  touch "$dest.new/.jetvm-installed"
  if [ -d "$dest" ]; then rm -rf "$dest.old"; mv "$dest" "$dest.old"; fi
  mv "$dest.new" "$dest"
  rm -rf "$dest.old"
}
if [ "$in_place" -eq 0 ]; then
  copy_program
elif [ -d "$src/node_modules" ] && [ -d "$src/.next" ] && [ -f "$src/dist/server/main.js" ]; then
  echo "running from the clone in $src"
else
  die "--in-place needs a built clone (npm ci && npm run build in $src)"
fi

# --- configuration (written once), the unit, udev and module rules
mkdir -p "$root/etc/jetvm" "$root/var/lib/jetvm" "$(dirname "$unit")" "$(dirname "$rules")" "$(dirname "$modules")"
chmod 0750 "$root/var/lib/jetvm"
if [ ! -f "$envfile" ]; then
  install -m 0600 "$pkg/jetvm.env" "$envfile"
  echo "wrote $envfile"
else
  echo "kept $envfile"
fi
sed -e "s#@PREFIX@#$prefix#g" -e "s#@NODE@#$node#g" "$pkg/jetvm.service.in" > "$unit"
# a clone run in place may live in /tmp or a home directory, which the unit otherwise hides
dropin="$unit.d/in-place.conf"
if [ "$in_place" -eq 1 ]; then
  mkdir -p "$unit.d"
  printf '%s\n' "# written by install-jetson.sh --in-place: the program is the clone in $prefix" \
    '[Service]' 'PrivateTmp=no' 'ProtectHome=no' "ReadWritePaths=/tmp" > "$dropin"
else
  rm -f "$dropin"
fi
install -m 0644 "$pkg/70-jetvm-vfio.rules" "$rules"
echo vfio-pci > "$modules"
if [ -z "$root" ] && ! getent group kvm >/dev/null; then groupadd --system kvm; fi

if systemd_up; then
  systemctl daemon-reload
  udevadm control --reload || true
  udevadm trigger --subsystem-match=vfio || true
  modprobe vfio-pci 2>/dev/null || true
  systemctl enable jetvm.service >/dev/null
  systemctl restart jetvm.service
  port=$(sed -n 's/^PORT=\([0-9]*\)$/\1/p' "$envfile" | tail -n 1)
  scheme=http
  grep -Eq '^JETVM_TLS_(SELF_SIGNED=1|CERT=)' "$envfile" && scheme=https
  addr=$(hostname -I 2>/dev/null | awk '{print $1}')
  echo "jetvm is running: open $scheme://${addr:-$(hostname)}:${port:-3000}"
  echo "First start: the admin password is in the journal: journalctl -u jetvm | grep -i password"
else
  echo "installed into ${root:-/}; not started (--no-start, --root, or no systemd)"
fi
