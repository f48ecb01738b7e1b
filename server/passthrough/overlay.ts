// The device-tree overlay that takes an Orin PCIe controller out of its IOMMU group (the seed's fix),
// and how to install it on L4T. Pure text; dtc runs live in overlay-dtc.ts.
import { z } from 'zod';
import { dtLabelSchema } from './validate';

export const OVERLAY_FILE = 'jetvm-pcie-iommu.dtbo';
export const UNSAFE_INTERRUPTS_ARG = 'vfio_iommu_type1.allow_unsafe_interrupts=1';

export const overlayLabelsSchema = z.array(dtLabelSchema).min(1, 'name at least one controller label').max(16);

export function normaliseLabels(labels: string[]): string[] {
  return [...new Set(overlayLabelsSchema.parse(labels))].sort();
}

/**
 * A complete overlay source for `dtc -@`. `iommus = <>;` (an empty property) is used rather than the
 * seed's `/delete-property/ iommus;`: dtc 1.6 accepts /delete-property/ in a /plugin/ file but compiles
 * it to an empty fragment, so the .dtbo deletes nothing when the bootloader applies it (checked with
 * fdtoverlay). An empty `iommus` gives the kernel no IOMMU to attach the controller to, which is what
 * the deletion achieves in a rebuilt base tree (Ghaf does the same).
 */
export function overlaySource(labels: string[]): string {
  const list = normaliseLabels(labels);
  const nodes = list.map((l) => `&${l} {\n\tiommus = <>;\n};`).join('\n\n');
  return [
    '// jetvm: take the PCIe controller(s) out of their IOMMU group, so the root port and the card',
    `// behind it form a group of their own that vfio-pci can own. Controllers: ${list.join(', ')}.`,
    '/dts-v1/;',
    '/plugin/;',
    '',
    nodes,
    '',
  ].join('\n');
}

/** The seed's form, for people who rebuild the base device tree from source (Yocto, Ghaf, kernel tree). */
export function baseTreePatch(labels: string[]): string {
  return normaliseLabels(labels)
    .map((l) => `&${l} {\n\t/delete-property/ iommus;\n};`)
    .join('\n\n')
    .concat('\n');
}

export interface InstallStep {
  title: string;
  detail: string;
  /** commands to run as root on the Jetson, when the step has them */
  commands: string[];
}

/** NVIDIA's L4T way: UEFI's L4TLauncher applies the .dtbo files named on an OVERLAYS line of the boot entry. */
export function installSteps(labels: string[]): InstallStep[] {
  const list = normaliseLabels(labels);
  return [
    {
      title: 'Compile the overlay',
      detail: 'Save the overlay source as jetvm-pcie-iommu.dts on the Jetson and compile it (dtc comes with the device-tree-compiler package).',
      commands: [`dtc -@ -I dts -O dtb -o ${OVERLAY_FILE} jetvm-pcie-iommu.dts`],
    },
    {
      title: 'Copy it to /boot',
      detail: 'L4TLauncher reads overlays from the root filesystem\'s /boot.',
      commands: [`sudo cp ${OVERLAY_FILE} /boot/${OVERLAY_FILE}`, 'sudo cp /boot/extlinux/extlinux.conf /boot/extlinux/extlinux.conf.before-jetvm'],
    },
    {
      title: 'Add a boot entry that uses it',
      detail:
        'In /boot/extlinux/extlinux.conf copy the LABEL primary entry to a new LABEL jetvm entry, and in the copy: ' +
        `add the line "OVERLAYS /boot/${OVERLAY_FILE}" (if the entry already has an OVERLAYS line, append ",/boot/${OVERLAY_FILE}" to it: commas, no spaces), ` +
        `append " ${UNSAFE_INTERRUPTS_ARG}" to its APPEND line (the Orin's PCIe MSIs do not go through an ITS, so vfio refuses the group without it), ` +
        'and set "DEFAULT jetvm". Keep the primary entry: if the new one does not boot, pick primary in the UEFI boot menu on the serial console.',
      commands: [],
    },
    {
      title: 'Reboot and check',
      detail: `After the reboot the controller(s) ${list.join(', ')} are no longer in the group: the group of the card holds only its root port and its functions.`,
      commands: ['sudo reboot', 'ls /sys/kernel/iommu_groups/*/devices/', 'cat /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts'],
    },
  ];
}
