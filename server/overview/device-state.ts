// What a device is doing right now, in the words the pages use.
import type { PciAddress, PciDevice } from '../host/types';
import type { VmClaim } from '../passthrough/types';

export type DeviceStateKind = 'vm' | 'vfio' | 'host' | 'none' | 'bridge';

export interface DeviceState {
  kind: DeviceStateKind;
  label: string;
  vm: string | null;
}

export function vmHolding(address: PciAddress, claims: readonly VmClaim[]): string | null {
  return claims.find((c) => c.devices.includes(address))?.vm ?? null;
}

export function deviceState(d: PciDevice, claims: readonly VmClaim[]): DeviceState {
  const vm = vmHolding(d.address, claims);
  if (vm) return { kind: 'vm', label: `in use by VM ${vm}`, vm };
  if (d.isBridge) return { kind: 'bridge', label: `bridge on ${d.driver ?? 'no driver'}`, vm: null };
  if (d.driver === 'vfio-pci') return { kind: 'vfio', label: 'on vfio-pci, ready for a VM', vm: null };
  if (d.driver) return { kind: 'host', label: `host driver ${d.driver}`, vm: null };
  const override = d.driverOverride ? ` (override: ${d.driverOverride})` : '';
  return { kind: 'none', label: `no driver${override}`, vm: null };
}
