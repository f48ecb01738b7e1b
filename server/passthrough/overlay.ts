// How to install jetvm's device-tree overlay on L4T, per release, and the base-tree form of the same
// change. The overlay itself is derived from the booted tree (server/devicetree).
import type { ControllerTarget } from '../devicetree/targets';
import type { L4tRelease } from '../devicetree/trees';

export const OVERLAY_FILE = 'jetvm-pcie-iommu.dtbo';
export const UNSAFE_INTERRUPTS_ARG = 'vfio_iommu_type1.allow_unsafe_interrupts=1';

/**
 * The devkit's tree in /boot/dtb as each release's flash tools name it: "kernel_" + the top-level
 * source's name (r35: tegra234-p3701-0000-p3737-0000.dts; r36: tegra234-p3737-0000+p3701-0000-nv.dts).
 * Inferred from those names, not read off a board: the steps say to check with `ls /boot/dtb`.
 */
const DEVKIT_DTB: Record<L4tRelease, string> = {
  r35: '/boot/dtb/kernel_tegra234-p3701-0000-p3737-0000.dtb',
  r36: '/boot/dtb/kernel_tegra234-p3737-0000+p3701-0000-nv.dtb',
};

/** For people who rebuild the base tree from source (Yocto, Ghaf, a kernel tree): delete the property outright. */
export function baseTreePatch(targets: ControllerTarget[]): string {
  return targets.map((t) => `${t.ref} {\n\t/delete-property/ iommus;\n};`).join('\n\n').concat('\n');
}

export interface InstallStep {
  title: string;
  detail: string;
  /** commands to run as root on the Jetson, when the step has them */
  commands: string[];
}

/**
 * NVIDIA's way on both JetPack 5 and 6 (UEFI): L4TLauncher (edk2-nvidia,
 * Silicon/NVIDIA/Application/L4TLauncher/L4TLauncher.c, ExtLinuxBoot) loads the entry's FDT file and
 * applies its OVERLAYS to it with libfdt's overlay code (what fdtoverlay runs) — only when the entry has
 * an FDT line. If an overlay fails to load or apply, ExtLinuxBoot fails and the launcher falls back to
 * booting the kernel partition: with its own tree and command line, so without the overlay and without
 * the entry's APPEND arguments.
 */
export function installSteps(release: L4tRelease | null, targets: ControllerTarget[]): InstallStep[] {
  const dtb = release ? DEVKIT_DTB[release] : '/boot/dtb/kernel_<your board>.dtb';
  const which = release === 'r35' ? 'JetPack 5 (L4T r35)' : release === 'r36' ? 'JetPack 6 (L4T r36)' : 'your L4T release';
  const check = targets.flatMap((t) => [`fdtget -t x /tmp/jetvm-check.dtb ${t.path} iommus   # prints an empty line`]);
  return [
    {
      title: 'Compile the overlay',
      detail: 'Save the overlay source as jetvm-pcie-iommu.dts on the Jetson and compile it (dtc comes with the device-tree-compiler package).',
      commands: [`dtc -@ -I dts -O dtb -o ${OVERLAY_FILE} jetvm-pcie-iommu.dts`, `sudo cp ${OVERLAY_FILE} /boot/${OVERLAY_FILE}`],
    },
    {
      title: 'Check it against the tree the boot entry loads',
      detail:
        `jetvm checked the overlay against the tree this board booted (/sys/firmware/fdt). The launcher applies it to the entry's FDT file instead; on ${which} the devkit's is ${dtb} ` +
        '(the name is inferred from NVIDIA\'s sources: `ls /boot/dtb` shows the real one). Apply it there too, before rebooting: a failed overlay does not stop the boot, it silently boots without it.',
      commands: [`sudo fdtoverlay -i ${dtb} -o /tmp/jetvm-check.dtb /boot/${OVERLAY_FILE}`, ...check],
    },
    {
      title: 'Add a boot entry that uses it',
      detail:
        'In /boot/extlinux/extlinux.conf (keep a copy: `sudo cp /boot/extlinux/extlinux.conf /boot/extlinux/extlinux.conf.before-jetvm`) copy the LABEL primary entry to a new LABEL jetvm entry, and in the copy: ' +
        `make sure there is an FDT line ("FDT ${dtb}"): L4TLauncher applies OVERLAYS only for an entry that has one; ` +
        `add "OVERLAYS /boot/${OVERLAY_FILE}" (if there already is an OVERLAYS line, append ",/boot/${OVERLAY_FILE}": commas, no spaces); ` +
        `append " ${UNSAFE_INTERRUPTS_ARG}" to its APPEND line (the Orin's PCIe MSIs do not go through an ITS, so vfio refuses the group without it); ` +
        'and set "DEFAULT jetvm". Keep the primary entry: if the new one does not boot, pick primary in the UEFI boot menu on the serial console.',
      commands: [],
    },
    {
      title: 'Reboot, then check that it took effect',
      detail:
        `After the reboot open Preflight: it says whether ${targets.map((t) => t.platformDevice).join(', ') || 'the controller'} left its IOMMU group. ` +
        'If it did not, the overlay was not applied: on the serial console L4TLauncher prints "Failed to load overlay", "Overlay … bad header" or "Unable to boot via extlinux" ' +
        'followed by "Attempting Kernel Boot" (it fell back to the kernel partition: no overlay and none of the entry\'s APPEND arguments — `cat /proc/cmdline` lacks the vfio argument then). ' +
        'An entry without an FDT line boots without complaint and without the overlay.',
      commands: ['sudo reboot', 'cat /proc/cmdline', ...targets.map((t) => `fdtget -t x /sys/firmware/fdt ${t.path} iommus   # empty after the overlay`), 'ls /sys/kernel/iommu_groups/*/devices/'],
    },
  ];
}
