// Plans are plain data (JSON-serialisable): the UI shows the exact writes before the user confirms.
import type { PciAddress } from '../host/types';
import type { Finding } from '../../common/finding';

/** One write to a sysfs file, path relative to the sysfs root. */
export interface SysfsWrite {
  path: string;
  value: string;
  /** the endpoint the write is about */
  device: PciAddress;
  /** plain words: "send it to vfio-pci on the next probe" */
  why: string;
}

/** What an endpoint looked like before we touched it: rollback and release restore this. */
export interface EndpointOriginal {
  address: PciAddress;
  driver: string | null;
  driverOverride: string | null;
}

export type RefusalCode =
  | 'bad-address'
  | 'unknown-device'
  | 'target-is-bridge'
  | 'no-iommu-group'
  | 'platform-in-group'
  | 'in-use-by-vm'
  | 'host-critical-mount'
  | 'host-critical-network'
  | 'vfio-pci-missing';

export interface OverlayHint {
  /** platform device of the PCIe controller: "141a0000.pcie" */
  platformDevice: string;
  /** controller id from the board model: "C5", or null when unknown */
  controller: string | null;
}

/** A finding that stops a host change; always an error, always with a subject and (maybe null) fix. */
export interface Refusal extends Finding {
  code: RefusalCode;
  severity: 'error';
  /** the device (or platform device, or the devices a VM holds) the refusal is about */
  subject: string;
  fix: string | null;
  overlay?: OverlayHint;
}

/** How an endpoint must look once the plan has run. */
export interface ExpectedEndpoint {
  address: PciAddress;
  /** 'exact': bound to `driver` (null = no driver); 'not-vfio': any driver except vfio-pci (the kernel picks) */
  rule: 'exact' | 'not-vfio';
  driver: string | null;
}

export interface ExpectedState {
  endpoints: ExpectedEndpoint[];
  /** /dev/vfio/<group> present after a bind; null when the group is unknown */
  vfioNode: { group: number; present: boolean } | null;
}

export type PlanKind = 'bind' | 'release';

export interface Plan {
  kind: PlanKind;
  target: string;
  group: number | null;
  /** every endpoint the plan covers (the whole group plus group-less functions of the slot) */
  endpoints: PciAddress[];
  /** bridges in the group: left on pcieport, never written */
  bridges: PciAddress[];
  /** non-PCI members of the group ("14100000.pcie") */
  platformMembers: string[];
  originals: EndpointOriginal[];
  writes: SysfsWrite[];
  expected: ExpectedState;
  /** empty when the plan may go ahead */
  refusals: Refusal[];
  notes: string[];
}

/** A running VM and the host devices it holds. */
export interface VmClaim {
  vm: string;
  devices: PciAddress[];
}

export interface PlanContext {
  /** running VMs and their passed-through devices */
  vmClaims: VmClaim[];
  /** interfaces the dashboard itself is reached through (besides the default-route ones) */
  dashboardInterfaces: string[];
  /** what an earlier apply recorded about the endpoints (release restores it) */
  recordedOriginals?: EndpointOriginal[];
}

export const emptyContext: PlanContext = { vmClaims: [], dashboardInterfaces: [] };
