// Who owns the host's PCI devices at any moment: the host lock, the claims running VMs hold, and what
// happens to a VM's devices when it ends. One instance per host, built where the services are composed.
//
// The lock serialises everything that reads the host's device state and then acts on it: a passthrough
// bind or release (plan → sysfs writes → verify), and a VM start (scan → checks → claim). So a start sees
// a group either before a release or after it, never half-way, and a release sees the claim of a start
// that came first.
import type { PciAddress } from '../../common/pci-address';
import type { Actor } from '../db/audit';
import type { Db } from '../db';
import type { HostSnapshot } from '../host/types';
import type { ApplyOutcome } from '../passthrough/apply';
import type { VmClaim } from '../passthrough/types';
import { claimedBy, claimRun, claimsByVm, currentClaims, releaseDevices, type RunRefusal, type RunRow, type RunStart } from '../vm/run-store';
import type { StopPolicy } from '../vm/types';

/** Runs host changes one at a time (the passthrough service takes this, not the whole ownership). */
export interface HostLock {
  exclusive<T>(fn: () => T | Promise<T>): Promise<T>;
}

/** Gives the group of address back to its host drivers (the passthrough service's release, audited there). */
export type ReturnToHost = (actor: Actor, address: PciAddress) => Promise<ApplyOutcome>;

export interface DeviceOwnershipOptions {
  db: Db;
  /** a fresh host snapshot (for the IOMMU groups of the devices a stop policy returns) */
  scan: () => HostSnapshot;
  /** how the "return" stop policy gives devices back; without it "return" is an error */
  returnToHost?: ReturnToHost;
}

export interface StopPolicyEvent {
  vm: string;
  policy: StopPolicy;
  /** what the VM held, read before its claims were dropped */
  devices: string[];
  actor: Actor;
}

export class DeviceOwnership implements HostLock {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: DeviceOwnershipOptions) {}

  /** Runs fn after every earlier host change or start claim of this host has finished. Not re-entrant. */
  exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** device address → the running VM holding it */
  claims(): Map<PciAddress, string> {
    return currentClaims(this.o.db);
  }

  /** Running VMs and the host devices each holds. */
  byVm(): VmClaim[] {
    return claimsByVm(this.o.db);
  }

  /** What vm holds (a read: works when the disk is full). */
  heldBy(vm: string): string[] {
    return claimedBy(this.o.db, vm);
  }

  /**
   * Records the run and claims its devices, all or nothing (see claimRun). Call it inside exclusive(),
   * in the same turn as the checks that read the host, so no host change falls between them.
   */
  claimForStart(start: RunStart, addresses: readonly string[], isLive: (row: RunRow) => boolean): RunRefusal | null {
    return claimRun(this.o.db, start, addresses, isLive);
  }

  /** The VM's QEMU is gone (or never came up): its devices are free again. Returns what it held. */
  releaseAll(vm: string): string[] {
    return releaseDevices(this.o.db, vm);
  }

  /**
   * The VM's stop policy, once its claims are dropped: "keep" leaves the devices on vfio-pci for the next
   * start; "return" gives them back to their host drivers, one release per IOMMU group (a release covers
   * the whole group), each taking the lock like any passthrough change. Throws with every failure.
   */
  async applyStopPolicy(e: StopPolicyEvent): Promise<void> {
    if (e.policy !== 'return' || e.devices.length === 0) return;
    const returnToHost = this.o.returnToHost;
    if (!returnToHost) throw new Error('returning devices to the host is not set up in this process');
    const snapshot = this.o.scan();
    const seenGroups = new Set<number>();
    const failures: string[] = [];
    for (const address of e.devices) {
      const group = snapshot.devices.find((d) => d.address === address)?.iommuGroup;
      if (group != null) {
        if (seenGroups.has(group)) continue;
        seenGroups.add(group);
      }
      try {
        const outcome = await returnToHost(e.actor, address as PciAddress);
        if (!outcome.ok) failures.push(`${address}: ${outcome.failure?.message ?? 'not verified'}`);
      } catch (err) {
        failures.push(`${address}: ${(err as Error).message}`);
      }
    }
    if (failures.length) throw new Error(`returning devices to the host failed: ${failures.join('; ')}`);
  }
}
