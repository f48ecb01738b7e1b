// Pure preflight rules: facts in (gathered by preflight-gather.ts), one verdict per item out.
// Each item is a Finding: code, severity ('ok' when it passed), subject (the facility), message (what was found),
// why it matters, and the fix (null when there is nothing to do).
import type { Finding } from '../../common/finding';
import type { DiskSpace } from '../disk-space';
import type { HostMode } from '../host/types';
import type { KvmState, MachineFacts } from '../host/machine-facts';

export interface PreflightFacts {
  mode: HostMode;
  /** the device tree says tegra234 (an Orin), or the simulated Orin */
  isOrin: boolean;
  iommuGroups: number;
  vfioPciDriver: boolean;
  vfioContainerNode: boolean;
  allowUnsafeInterrupts: boolean | null;
  /** remapping interrupt chips in /proc/interrupts (IR-…, ITS-MSI); null when unknown */
  interruptRemapping: boolean | null;
  /** soft RLIMIT_MEMLOCK of this process in bytes; null = unlimited; undefined = could not read */
  memlockBytes: number | null | undefined;
  /** root (CAP_IPC_LOCK): the memlock limit does not apply */
  privileged: boolean;
  /** the largest guest RAM that will be pinned */
  guestRamBytes: number;
  kvm: KvmState;
  qemu: { binary: string; version: string | null };
  dtcVersion: string | null;
  /** PCIe controllers still in a group with PCI devices; null when the booted tree could not be read and none is */
  controllersInGroups: ControllerInGroup[] | null;
  /** free space where jetvm keeps its database and console histories (null: could not be read) */
  dataDisk: DiskSpace | null;
  /** the board's own figures (machine-facts.ts: the simulated Orin's in sim mode); null when unknown */
  machine: Pick<MachineFacts, 'cpus' | 'memoryBytes' | 'l4tRelease' | 'kernelCmdline'>;
}

export interface ControllerInGroup {
  controller: string;
  group: number;
  /** its node in the booted tree (/sys/firmware/fdt), null when not found */
  path: string | null;
  /** what the booted tree says; null when it could not be read */
  iommus: 'absent' | 'empty' | 'set' | null;
}

function overlayItem(f: PreflightFacts): Finding & { subject: string; why: string } {
  const held = f.controllersInGroups ?? [];
  const base = { code: 'dt-overlay', subject: 'PCIe controllers out of the IOMMU groups (device-tree overlay)' };
  const why = 'A group that also holds its PCIe controller (a platform device with no vfio driver) can never be given to a guest; jetvm\'s overlay empties the controller\'s `iommus` so it leaves the group at the next boot.';
  if (held.length === 0) {
    return { ...base, severity: 'ok', message: 'no IOMMU group holds a PCIe controller: the overlay took effect (or this tree needs none)', why, fix: null };
  }
  const notApplied = held.filter((h) => h.iommus === 'set');
  const message = held
    .map((h) =>
      h.iommus === 'set'
        ? `${h.controller} is in group ${h.group}: the booted tree still has \`iommus\` on ${h.path}, so no overlay for it was applied at boot`
        : h.iommus === null
          ? `${h.controller} is in group ${h.group}, and its node could not be read from /sys/firmware/fdt`
          : `${h.controller} is in group ${h.group} although the booted tree's ${h.path} has ${h.iommus === 'empty' ? 'an empty' : 'no'} \`iommus\``,
    )
    .join('; ');
  const fix = notApplied.length
    ? 'If you installed the overlay: the boot entry in /boot/extlinux/extlinux.conf needs an FDT line (L4TLauncher applies OVERLAYS only with one) and an OVERLAYS line naming the .dtbo; ' +
      'on the serial console look for "Failed to load overlay", "bad header" or "Unable to boot via extlinux" then "Attempting Kernel Boot" (the launcher fell back to the kernel partition, without the overlay and without the APPEND arguments: `cat /proc/cmdline`); ' +
      'check the .dtbo applies with `fdtoverlay -i <the FDT file> -o /tmp/t.dtb /boot/jetvm-pcie-iommu.dtbo`. Otherwise open the DT overlay page for the overlay and its install steps.'
    : 'The booted tree has no `iommus` to remove, yet the kernel grouped the controller: look at `dmesg | grep -i iommu` for how it was attached.';
  return { ...base, severity: 'warning', message, why, fix };
}

const MiB = 1024 * 1024;
const fmt = (n: number) => (n >= 1024 * MiB ? `${(n / 1024 / MiB).toFixed(1)} GiB` : `${Math.round(n / MiB)} MiB`);

export function preflightRules(f: PreflightFacts): Finding[] {
  const items: Finding[] = [];
  const add = (i: Finding & { subject: string; why: string }) => items.push(i);

  add({
    code: 'iommu-groups',
    subject: 'IOMMU groups',
    severity: f.iommuGroups > 0 ? 'ok' : 'error',
    message: f.iommuGroups > 0 ? `${f.iommuGroups} group(s) in /sys/kernel/iommu_groups` : 'no IOMMU groups',
    why: 'vfio isolates devices by IOMMU group; without groups nothing can be passed through.',
    fix: f.iommuGroups > 0 ? null : 'Boot with the IOMMU enabled (the Orin\'s SMMU is on in the stock device tree; check `dmesg | grep -i smmu`).',
  });
  add({
    code: 'vfio-pci',
    subject: 'vfio-pci driver',
    severity: f.vfioPciDriver ? 'ok' : 'error',
    message: f.vfioPciDriver ? 'the vfio-pci driver is registered on the PCI bus' : 'vfio-pci is not loaded',
    why: 'vfio-pci is the driver that holds a device for a guest.',
    fix: f.vfioPciDriver ? null : '`sudo modprobe vfio-pci` (JetPack 6 has it built in; on JetPack 5 add it to /etc/modules-load.d/).',
  });
  add({
    code: 'vfio-container',
    subject: '/dev/vfio/vfio',
    severity: f.vfioContainerNode ? 'ok' : 'error',
    message: f.vfioContainerNode ? 'present' : 'missing',
    why: 'QEMU opens /dev/vfio/vfio (the container) before it can attach a group.',
    fix: f.vfioContainerNode ? null : 'Load vfio (`sudo modprobe vfio vfio_iommu_type1`).',
  });

  const unsafe = f.allowUnsafeInterrupts;
  const remapped = f.interruptRemapping === true;
  add({
    code: 'unsafe-interrupts',
    subject: 'allow_unsafe_interrupts',
    severity: unsafe === true || remapped ? 'ok' : f.isOrin || f.interruptRemapping === false ? 'error' : 'warning',
    message: `${unsafe === null ? 'vfio_iommu_type1 parameter not found' : unsafe ? 'Y' : 'N'}; ${
      remapped ? 'interrupt remapping is on (remapping interrupt chips in /proc/interrupts), so it is not needed' : f.interruptRemapping === false ? 'no interrupt remapping (no IR- or ITS-MSI chips in /proc/interrupts)' : 'interrupt remapping unknown'
    }`,
    why: f.isOrin
      ? 'The Orin\'s PCIe MSIs do not go through an ITS, so there is no interrupt remapping: with N the kernel refuses to attach the group ("No interrupt remapping support").'
      : 'Without interrupt remapping (e.g. GICv2) the kernel refuses to attach a group unless this is Y; with a GICv3 ITS it is not needed.',
    fix: unsafe === true || remapped ? null : 'Add vfio_iommu_type1.allow_unsafe_interrupts=1 to the APPEND line in /boot/extlinux/extlinux.conf and reboot (or, until the next boot: `echo Y | sudo tee /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts`).',
  });

  const limit = f.memlockBytes;
  const memOk = f.privileged || limit === null || (typeof limit === 'number' && limit >= f.guestRamBytes);
  add({
    code: 'memlock',
    subject: 'Locked-memory limit (RLIMIT_MEMLOCK)',
    severity: limit === undefined && !f.privileged ? 'warning' : memOk ? 'ok' : 'error',
    message:
      limit === undefined ? 'could not read /proc/self/limits' : `${limit === null ? 'unlimited' : fmt(limit)}${f.privileged ? ' (running as root: CAP_IPC_LOCK)' : ''}; guest RAM ${fmt(f.guestRamBytes)}`,
    why: 'vfio pins all of the guest\'s RAM; QEMU fails to map it when the locked-memory limit is smaller.',
    fix: memOk ? null : `Raise it to at least the guest RAM: "LimitMEMLOCK=infinity" in the jetvm systemd unit, or a memlock line in /etc/security/limits.d/ for the user running jetvm.`,
  });

  add({
    code: 'kvm',
    subject: '/dev/kvm',
    severity: f.kvm === 'usable' ? 'ok' : 'warning',
    message: f.kvm === 'usable' ? 'usable' : f.kvm === 'missing' ? 'missing' : 'present but not readable and writable by this user',
    why: 'With KVM the guest runs at native speed; without it QEMU emulates the CPU (TCG), many times slower, and vfio devices still need a real host.',
    fix: f.kvm === 'usable' ? null : f.kvm === 'missing' ? 'Use a kernel with KVM (L4T has it) and boot at EL2.' : 'Add the user running jetvm to the kvm group.',
  });
  add({
    code: 'qemu',
    subject: 'QEMU',
    severity: f.qemu.version ? 'ok' : 'error',
    message: f.qemu.version ? `${f.qemu.binary}: ${f.qemu.version}` : `${f.qemu.binary} not found`,
    why: 'jetvm starts guests with qemu-system-aarch64.',
    fix: f.qemu.version ? null : '`sudo apt-get install qemu-system-arm` (or set JETVM_QEMU to its path).',
  });
  if (f.isOrin) add(overlayItem(f));
  add({
    code: 'dtc',
    subject: 'Device-tree compiler (dtc)',
    severity: f.dtcVersion ? 'ok' : 'warning',
    message: f.dtcVersion ?? 'not found',
    why: 'jetvm compiles and checks the device-tree overlay with dtc before you install it.',
    fix: f.dtcVersion ? null : '`sudo apt-get install device-tree-compiler`.',
  });
  const disk = f.dataDisk;
  add({
    code: 'data-disk',
    subject: 'Free space for jetvm\'s data',
    severity: !disk ? 'warning' : disk.state === 'ok' ? 'ok' : disk.state === 'warn' ? 'warning' : 'error',
    message: disk ? disk.message : 'could not read the data directory\'s file system',
    why: 'The database and every VM\'s console history live in the data directory; on a full disk history goes unrecorded and changes cannot be saved.',
    fix: disk && disk.state === 'ok' ? null : 'Free space on that file system, or move the data directory (JETVM_DATA_DIR) to a larger one.',
  });
  return items;
}

