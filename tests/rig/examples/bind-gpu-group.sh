# The rig's "GPU" group (0000:03:00.0 VGA + 0000:03:00.1 audio, group 2) handed to vfio-pci the way
# libvirt does it (driver_override, unbind, drivers_probe), the kernel asked whether the group is
# viable after each function, then the audio function given back to its own driver.
#   tests/rig/rig.sh run tests/rig/examples/bind-gpu-group.sh
# shellcheck shell=sh disable=SC2012 # ls of /dev/vfio: names are digits
show() {
  for a in 0000:00:05.0 0000:03:00.0 0000:03:00.1; do
    d=/sys/bus/pci/devices/$a drv=-
    [ -L "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
    echo "  $a driver=$drv override=$(cat "$d/driver_override")"
  done
  echo "  /dev/vfio: $(ls /dev/vfio | tr '\n' ' ')"
}
to_vfio() {
  d=/sys/bus/pci/devices/$1
  echo vfio-pci > "$d/driver_override"
  [ -L "$d/driver" ] && echo "$1" > "$d/driver/unbind"
  echo "$1" > /sys/bus/pci/drivers_probe
}
echo "before:"; show
to_vfio 0000:03:00.0; echo "VGA on vfio-pci, audio still on its driver:"; show; vfioprobe /dev/vfio/2
to_vfio 0000:03:00.1; echo "both functions on vfio-pci:"; show; vfioprobe /dev/vfio/2
echo 0000:03:00.1 > /sys/bus/pci/drivers/vfio-pci/unbind
echo > /sys/bus/pci/devices/0000:03:00.1/driver_override
echo 0000:03:00.1 > /sys/bus/pci/drivers_probe
echo "audio given back:"; show
