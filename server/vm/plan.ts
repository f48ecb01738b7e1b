import type { HostSnapshot } from '../host/types';
import { buildQemuArgv, type BuiltArgv } from './argv';
import type { VmPaths } from './paths';
import type { QemuCaps, VmDefinition } from './types';

/** The Jetson this host stands for in sim mode: KVM on an arm64 host, same QEMU binary. */
export function jetsonCaps(caps: QemuCaps): QemuCaps {
  return { ...caps, hostArch: 'arm64', kvmUsable: true, kvmReason: null };
}

export interface LaunchPlan {
  /** what jetvm actually runs on this host (stand-ins under sim) */
  run: BuiltArgv;
  /** what would run on the Jetson: vfio-pci, KVM (the same as run in real mode) */
  real: BuiltArgv;
  sim: boolean;
}

export function launchPlan(vm: VmDefinition, snapshot: HostSnapshot, caps: QemuCaps, paths: VmPaths, sim: boolean): LaunchPlan {
  if (!sim) {
    const built = buildQemuArgv(vm, snapshot, caps, paths);
    return { run: built, real: built, sim };
  }
  return {
    run: buildQemuArgv(vm, snapshot, caps, paths, { standIns: true }),
    real: buildQemuArgv(vm, snapshot, jetsonCaps(caps), paths),
    sim,
  };
}
