#!/usr/bin/env bash
# Debian packages jetvm needs (Debian 12): QEMU for guests and the kernel rig, lspci + pci.ids for
# names, dtc for the device-tree overlay, Chromium for the browser tests, a cross compiler for the
# rig's vfioprobe; the tests' judges: virt-xml-validate (libvirt-clients, with xmllint from libxml2-utils)
# for the libvirt export, shellcheck for every shell script; qemu-system-x86 + gcc for the
# hardware-in-the-loop machine (tests/hil); cmake and ttyd's libraries to build ttyd, the reference of
# npm run bench:console (bench/ttyd.sh), and socat, which it bridges to the serial socket. Run as root (or with sudo available).
set -euo pipefail
PKGS=(qemu-system-arm qemu-utils cpio kmod gzip pciutils pci.ids device-tree-compiler chromium
      gcc-aarch64-linux-gnu libc6-dev-arm64-cross busybox-static ca-certificates fonts-dejavu-core seabios ipxe-qemu
      libvirt-clients libxml2-utils shellcheck
      qemu-efi-aarch64 grub-common fdisk dosfstools mtools genisoimage
      qemu-system-x86 gcc libc6-dev
      cmake make git libwebsockets-dev libjson-c-dev libuv1-dev zlib1g-dev socat)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
