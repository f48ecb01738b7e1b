#!/bin/busybox sh
# shellcheck shell=dash
# /init of the L1 initramfs (busybox): modules, this machine's / over virtio-9p with a tmpfs overlay
# on top, the NVMe formatted and mounted (jetvm's data directory lives on it), then a root shell
# for the harness on ttyS1 ("the probe"), run in the chroot. Powers off when the probe shell exits.
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
echo "@@HIL-INIT $(cut -d' ' -f1 /proc/uptime)"
while read -r m; do insmod "/lib/modules/$m" || echo "@@HIL-INSMOD-FAILED $m"; done < /lib/modules/load-order
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /lower
mount -t tmpfs -o size=1200M tmpfs /upper; mkdir -p /upper/u /upper/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /newroot
R=/newroot
mount -t proc proc $R/proc; mount -t sysfs sys $R/sys; mount -t devtmpfs dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm; mount -t devpts devpts $R/dev/pts; mount -t tmpfs shm $R/dev/shm
mount -t tmpfs run $R/run
# the NVMe holds a mounted filesystem, as a Jetson's data disk does
chroot $R /sbin/mkfs.ext4 -q -F /dev/nvme0n1
mkdir -p $R/srv/hil && mount -t ext4 /dev/nvme0n1 $R/srv/hil
ip link set lo up; ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0; ip route add default via 10.0.2.2
if grep -q 'hil.init=systemd' /proc/cmdline; then
  # systemd as PID 1 on the same root (a Jetson's service lives under systemd): the probe shell is a unit,
  # and the units this machine enables that have nothing to do with jetvm stay off
  cp /hil-probe.service $R/etc/systemd/system/hil-probe.service
  mkdir -p $R/etc/systemd/system/multi-user.target.wants
  ln -sf ../hil-probe.service $R/etc/systemd/system/multi-user.target.wants/hil-probe.service
  for u in postgresql.service avahi-daemon.service avahi-daemon.socket apt-daily.timer apt-daily-upgrade.timer man-db.timer \
      e2scrub_all.timer fstrim.timer dpkg-db-backup.timer systemd-tmpfiles-setup.service systemd-tmpfiles-clean.timer; do
    ln -sf /dev/null "$R/etc/systemd/system/$u"
  done
  umount $R/dev/pts $R/dev/shm $R/run $R/dev $R/sys $R/proc
  exec switch_root /newroot /lib/systemd/systemd --unit=multi-user.target
fi
# ready only once ttyS1 is raw: in cooked mode the line discipline echoes and cuts lines at 4096 bytes
# shellcheck disable=SC2016 # expanded by the chroot's shell, when it is ready
chroot $R /bin/sh -c 'stty -F /dev/ttyS1 115200 raw -echo && echo "@@HIL-READY $(cut -d" " -f1 /proc/uptime)" > /dev/console; exec /bin/bash --norc --noprofile -s </dev/ttyS1 >/dev/ttyS1 2>&1'
echo "@@HIL-PROBE-EXIT"
sync; poweroff -f
