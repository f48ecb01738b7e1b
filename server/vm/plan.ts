import type { HostSnapshot } from '../host/types';
import { buildQemuArgv, type BuiltArgv } from './argv';
import type { VmPaths } from './paths';
import type { QemuCaps, VmDefinition } from './types';

export interface LaunchPlan {
  /** what jetvm actually runs on this host (stand-ins under sim) */
  run: BuiltArgv;
  /** what would run on the Jetson: vfio-pci, KVM (the same as run in real mode) */
  real: BuiltArgv;
  sim: boolean;
}

/** caps: QEMU on this host; jetsonCaps: on the Jetson it stands for (caps.ts jetsonCaps; the same in real mode). */
export function launchPlan(vm: VmDefinition, snapshot: HostSnapshot, caps: QemuCaps, jetsonCaps: QemuCaps, paths: VmPaths, sim: boolean): LaunchPlan {
  if (!sim) {
    const built = buildQemuArgv(vm, snapshot, caps, paths);
    return { run: built, real: built, sim };
  }
  return {
    run: buildQemuArgv(vm, snapshot, caps, paths, { standIns: true }),
    real: buildQemuArgv(vm, snapshot, jetsonCaps, paths),
    sim,
  };
}
