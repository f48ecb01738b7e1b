// What a guest needs on this host beyond its definition: checks before a start (firmware, bridge, ports,
// image writers) and the files made just before QEMU runs (UEFI variable store, cloud-init seed).
import { writeSeed } from './cloud-init';
import { writerConflicts } from './disks';
import { ensureVarsStore, firmwareChecks, isUefi } from './firmware';
import { networkChecks } from './network';
import type { VmPaths } from './paths';
import type { Finding, VmDefinition } from './types';

/** `running`: the definitions of the other VMs running now. */
export function guestChecks(vm: VmDefinition, running: VmDefinition[]): Finding[] {
  const others = running.filter((r) => r.name !== vm.name);
  const ports = new Map<number, string>();
  for (const o of others) for (const f of o.network?.mode === 'user' ? o.network.forwards : []) ports.set(f.hostPort, o.name);
  return [
    ...firmwareChecks(vm),
    ...networkChecks(vm.network, ports),
    ...writerConflicts(vm, others).map((message) => ({ code: 'image-in-use', severity: 'error' as const, message })),
  ];
}

export function prepareGuest(vm: VmDefinition, paths: VmPaths): void {
  if (isUefi(vm)) ensureVarsStore(paths);
  writeSeed(vm, paths.seedIso);
}
