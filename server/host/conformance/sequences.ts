// The write sequences replayed on the real kernel (kernel rig) and on the simulated kernel.
// Pure data: rig-script.ts turns it into a busybox script, replay.ts applies it to a tree.
// Addresses are the rig's topology (conformance.topo): the "GPU" 03:00.0 + 03:00.1, NVMe 02:00.0,
// two e1000e NICs 01:00.0 and 04:00.0 (same vendor:device, so new_id's reach shows).

export type Step =
  /** write value + "\n" to path (absolute in the guest, relative to the root in the sim) */
  | { kind: 'write'; path: string; value: string; onlyIfExists?: string }
  /** record the kernel's state under this label */
  | { kind: 'dump'; label: string };

export interface Sequence {
  name: string;
  /** put every touched device back on its original driver before the steps */
  reset: boolean;
  steps: Step[];
}

export const GPU = '0000:03:00.0';
export const GPU_AUDIO = '0000:03:00.1';
export const NVME = '0000:02:00.0';
export const NIC = '0000:01:00.0';
export const NIC2 = '0000:04:00.0';
export const GPU_ROOT_PORT = '0000:00:05.0';
export const HOST_BRIDGE = '0000:00:00.0';
export const TOUCHED = [GPU, GPU_AUDIO, NVME, NIC, NIC2, GPU_ROOT_PORT, HOST_BRIDGE];
const NIC_ID = '8086 10d3';

const dev = (a: string) => `sys/bus/pci/devices/${a}`;
const w = (path: string, value: string, onlyIfExists?: string): Step => ({ kind: 'write', path, value, ...(onlyIfExists ? { onlyIfExists } : {}) });
const dump = (label: string): Step => ({ kind: 'dump', label });

/** libvirt's way: override, unbind if bound, drivers_probe (docs/sources/kernel-truth.md fact 3) */
export const bindToVfio = (a: string): Step[] => [
  w(`${dev(a)}/driver_override`, 'vfio-pci'),
  w(`${dev(a)}/driver/unbind`, a, `${dev(a)}/driver`),
  w('sys/bus/pci/drivers_probe', a),
];

/** fact 4 */
export const releaseFromVfio = (a: string): Step[] => [
  w('sys/bus/pci/drivers/vfio-pci/unbind', a),
  w(`${dev(a)}/driver_override`, ''),
  w('sys/bus/pci/drivers_probe', a),
];

/** Back to the original drivers: forget vfio-pci's dynamic id, clear overrides, unbind, re-probe. */
export const resetSteps = (): Step[] => [
  w('sys/bus/pci/drivers/vfio-pci/remove_id', NIC_ID),
  ...TOUCHED.flatMap((a) => [w(`${dev(a)}/driver_override`, ''), w(`${dev(a)}/driver/unbind`, a, `${dev(a)}/driver`)]),
  // the root port first, so the devices below it probe behind a bound bridge as at boot
  ...[GPU_ROOT_PORT, ...TOUCHED.filter((a) => a !== GPU_ROOT_PORT)].map((a) => w('sys/bus/pci/drivers_probe', a)),
];

export const SEQUENCES: Sequence[] = [
  { name: 'initial', reset: false, steps: [dump('initial')] },
  { name: 'bind-one-function', reset: false, steps: [...bindToVfio(GPU), dump('bind-one-function')] },
  { name: 'bind-whole-group', reset: true, steps: [...bindToVfio(GPU), ...bindToVfio(GPU_AUDIO), dump('bind-whole-group')] },
  { name: 'release-group', reset: false, steps: [...releaseFromVfio(GPU_AUDIO), ...releaseFromVfio(GPU), dump('release-group')] },
  {
    name: 'errors',
    reset: true,
    steps: [
      w('sys/bus/pci/drivers_probe', '0000:09:00.0'), // missing device: ENODEV
      w('sys/bus/pci/drivers/vfio-pci/bind', NVME), // no override: ENODEV
      w('sys/bus/pci/drivers/vfio-pci/unbind', GPU), // not bound to vfio-pci: ENODEV
      w('sys/bus/pci/drivers/e1000e/bind', NIC), // already bound: EBUSY
      w('sys/bus/pci/drivers/nvme/new_id', '1b36 0010'), // already in nvme's table: EEXIST
      w('sys/bus/pci/drivers/vfio-pci/new_id', '8086'), // one field: EINVAL
      w('sys/bus/pci/drivers/vfio-pci/remove_id', '1234 5678'), // no such dynamic id: ENODEV
      dump('errors'),
    ],
  },
  {
    name: 'override-garbage',
    reset: true,
    steps: [
      w(`${dev(NVME)}/driver_override`, 'not-a-driver'),
      w(`${dev(GPU_AUDIO)}/driver_override`, 'two words!'),
      w(`${dev(NVME)}/driver/unbind`, NVME),
      w('sys/bus/pci/drivers_probe', NVME), // succeeds, binds nothing
      dump('override-garbage'),
      w(`${dev(NVME)}/driver_override`, ''),
      w('sys/bus/pci/drivers_probe', NVME),
      dump('override-cleared'),
    ],
  },
  {
    name: 'new-id-binds-every-match',
    reset: true,
    steps: [
      w('sys/bus/pci/drivers/e1000e/unbind', NIC),
      w('sys/bus/pci/drivers/e1000e/unbind', NIC2),
      w('sys/bus/pci/drivers/vfio-pci/new_id', NIC_ID),
      dump('new-id'),
      w('sys/bus/pci/drivers/vfio-pci/new_id', NIC_ID), // already there: EEXIST
      w('sys/bus/pci/drivers/vfio-pci/remove_id', NIC_ID),
      w('sys/bus/pci/drivers/vfio-pci/unbind', NIC),
      w('sys/bus/pci/drivers/vfio-pci/unbind', NIC2),
      w('sys/bus/pci/drivers_probe', NIC),
      w('sys/bus/pci/drivers_probe', NIC2),
      dump('new-id-undone'),
    ],
  },
  {
    name: 'vfio-on-a-bridge',
    reset: true,
    steps: [...bindToVfio(GPU_ROOT_PORT), dump('vfio-on-a-bridge'), w('sys/bus/pci/drivers/vfio-pci/bind', GPU_ROOT_PORT), dump('vfio-bind-bridge')],
  },
  { name: 'group-less-device', reset: true, steps: [...bindToVfio(HOST_BRIDGE), dump('group-less-device')] },
  { name: 'final-reset', reset: true, steps: [dump('final-reset')] },
];

/** Every step in order, resets expanded. */
export function expandSequences(seqs: Sequence[] = SEQUENCES): { sequence: string; step: Step }[] {
  return seqs.flatMap((s) => [...(s.reset ? resetSteps() : []), ...s.steps].map((step) => ({ sequence: s.name, step })));
}
