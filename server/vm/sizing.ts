// A VM's size against the host it runs on, as Proxmox and libvirt check it: vCPUs against the host's CPUs,
// memory against the host's memory less a reserve, and at start the memory of every VM already running.
// Pure over the machine's facts (server/host/machine-facts.ts); unknown facts fall back to schema.ts LIMITS.
import type { InputIssue } from '../../common/errors';
import { gibText, type SizeLimits } from '../../common/host-size';
import type { MachineFacts } from '../host/machine-facts';
import { LIMITS } from './schema';
import type { Finding, VmDefinition } from './types';

const MiB = 1024 * 1024;

/**
 * What stays for the host whatever the VMs take: L4T's kernel and services, jetvm's Node server, and each
 * QEMU's own overhead (page tables, device emulation). A headless L4T with jetvm running fits in well under
 * 1 GiB; a fixed figure rather than a fraction, so a 64 GB Orin does not lose gigabytes to it and an 8 GB
 * Orin NX still keeps enough.
 */
export const HOST_RESERVE_MIB = 1024;

export type HostSize = Pick<MachineFacts, 'cpus' | 'memoryBytes'>;
/** a host whose CPUs and memory could not be read: the static limits alone apply */
export const UNKNOWN_HOST_SIZE: HostSize = { cpus: null, memoryBytes: null };
export type { SizeLimits };

/** The host's memory for guests: all of it less the reserve (never below 0). */
function guestMiB(memoryBytes: number): number {
  return Math.max(0, Math.floor(memoryBytes / MiB) - HOST_RESERVE_MIB);
}

export function sizeLimits(host: HostSize): SizeLimits {
  return {
    cpus: host.cpus,
    memoryBytes: host.memoryBytes,
    maxVcpus: host.cpus ?? LIMITS.vcpus.max,
    maxMemoryMiB: host.memoryBytes === null ? LIMITS.memoryMiB.max : guestMiB(host.memoryBytes),
    reserveMiB: HOST_RESERVE_MIB,
  };
}

/** "the host has 30.4 GiB: at most 30105 MiB (1024 MiB stay for the host)" */
function memoryLimitText(l: SizeLimits): string {
  return l.memoryBytes === null
    ? `at most ${l.maxMemoryMiB} MiB`
    : `the host has ${gibText(l.memoryBytes)}: at most ${l.maxMemoryMiB} MiB (${l.reserveMiB} MiB stay for the host)`;
}

/** A definition's size against the host: the issues, empty when it fits. Run after the zod shape checks. */
export function sizeIssues(def: Pick<VmDefinition, 'vcpus' | 'memoryMiB'>, host: HostSize): InputIssue[] {
  const l = sizeLimits(host);
  const issues: InputIssue[] = [];
  if (def.vcpus > l.maxVcpus) {
    issues.push({ path: ['vcpus'], message: l.cpus === null ? `at most ${l.maxVcpus} vCPUs` : `the host has ${l.cpus} CPUs: at most ${l.maxVcpus} vCPUs` });
  }
  if (def.memoryMiB > l.maxMemoryMiB) issues.push({ path: ['memoryMiB'], message: memoryLimitText(l) });
  return issues;
}

/**
 * A start's share of the host: refused when the running VMs' memory plus this VM's is more than the host
 * has for guests; a warning (not a refusal: overcommitting vCPUs is normal) when their vCPUs are more than its CPUs.
 */
export function startSizeChecks(vm: VmDefinition, running: VmDefinition[], host: HostSize): Finding[] {
  const others = running.filter((r) => r.name !== vm.name);
  const l = sizeLimits(host);
  const out: Finding[] = [];
  const heldMiB = others.reduce((n, o) => n + o.memoryMiB, 0);
  if (l.memoryBytes !== null && heldMiB + vm.memoryMiB > l.maxMemoryMiB) {
    const held = others.length ? `the running VMs hold ${heldMiB} MiB (${others.map((o) => `${o.name} ${o.memoryMiB} MiB`).join(', ')}) and ` : '';
    out.push({
      code: 'host-memory',
      severity: 'error',
      message:
        `not enough memory: ${held}this VM needs ${vm.memoryMiB} MiB, ` +
        `more than the ${l.maxMemoryMiB} MiB the host has for VMs (${gibText(l.memoryBytes)} less ${l.reserveMiB} MiB for the host)`,
      fix: 'stop a running VM or give this one less memory',
    });
  }
  const vcpus = others.reduce((n, o) => n + o.vcpus, 0) + vm.vcpus;
  if (l.cpus !== null && others.length && vcpus > l.cpus) {
    out.push({ code: 'host-cpus', severity: 'warning', message: `the running VMs and this one have ${vcpus} vCPUs on the host's ${l.cpus} CPUs: they share them (overcommitted)` });
  }
  return out;
}

/** The guest RAM preflight's locked-memory check assumes when the user names none. */
export const DEFAULT_PINNED_MIB = 1024;

/**
 * What the locked-memory check should assume: the largest VM that passes devices through (vfio pins all of
 * a guest's RAM; a VM without devices pins none), or DEFAULT_PINNED_MIB and no VM when none does.
 */
export function largestPinnedGuest(vms: (Pick<VmDefinition, 'name' | 'memoryMiB'> & { devices: readonly unknown[] })[]): { mib: number; vm: string | null } {
  let largest: { mib: number; vm: string | null } = { mib: DEFAULT_PINNED_MIB, vm: null };
  for (const v of vms) if (v.devices.length > 0 && (largest.vm === null || v.memoryMiB > largest.mib)) largest = { mib: v.memoryMiB, vm: v.name };
  return largest;
}
