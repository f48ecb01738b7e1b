# Runs inside the rig's guest (busybox sh, root): copies the PCI part of sysfs, the IOMMU groups,
# /dev/vfio and vfio_iommu_type1's allow_unsafe_interrupts into a sysfs-shaped tree, then prints it
# as a base64 .tar.gz between @@TAR-BEGIN and @@TAR-END lines. `rig.sh snapshot` unpacks it; the
# conformance test runs it first in the same boot as its writes.
# shellcheck shell=sh
dmesg -n 1 # kernel messages on the console would split the base64 lines
S=/tmp/snapshot
mkdir -p $S/sys/bus/pci/devices $S/sys/bus/pci/drivers $S/sys/kernel/iommu_groups $S/dev/vfio
: > $S/sys/bus/pci/drivers_probe
: > $S/sys/bus/pci/rescan

# one device directory: its readable attributes and the links a scanner follows. BARs, the ROM and
# the action files (remove, rescan, reset) are left out: reading them does or maps something.
copy_device() {
  real=$(readlink -f "$1")
  mkdir -p "$S$real"
  for f in "$real"/*; do
    n=${f##*/}
    case "$n" in resource[0-9]* | rom | remove | rescan | reset | reset_method | vpd) continue ;; esac
    if [ -L "$f" ]; then
      case "$n" in driver | iommu_group | physfn | firmware_node | of_node) ln -s "$(readlink "$f")" "$S$real/$n" ;; esac
    elif [ -f "$f" ] && [ -r "$f" ]; then
      cat "$f" > "$S$real/$n" 2> /dev/null || rm -f "$S$real/$n"
    fi
  done
}

for d in /sys/bus/pci/devices/*; do
  ln -s "$(readlink "$d")" "$S/sys/bus/pci/devices/${d##*/}"
  copy_device "$d"
done
for drv in /sys/bus/pci/drivers/*; do
  out=$S/sys/bus/pci/drivers/${drv##*/}
  mkdir -p "$out"
  for f in new_id remove_id bind unbind; do : > "$out/$f"; done
  for l in "$drv"/*:*; do [ -L "$l" ] && ln -s "$(readlink "$l")" "$out/${l##*/}"; done
done
for g in /sys/kernel/iommu_groups/*; do
  mkdir -p "$S$g/devices"
  for l in "$g"/devices/*; do ln -s "$(readlink "$l")" "$S$g/devices/${l##*/}"; done
  for f in type reserved_regions; do [ -f "$g/$f" ] && cat "$g/$f" > "$S$g/$f"; done
done
for v in /dev/vfio/*; do : > "$S/dev/vfio/${v##*/}"; done
p=/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts
if [ -f $p ]; then mkdir -p "$S${p%/*}" && cat $p > "$S$p"; fi
uname -r > $S/kernel-release

echo "@@TAR-BEGIN"
tar czf - -C $S . | base64
echo "@@TAR-END"
