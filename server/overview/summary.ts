// A device as one row or card on a page: names, IDs, driver, state, link.
import type { PciDevice } from '../host/types';
import type { VmClaim } from '../passthrough/types';
import { deviceState, type DeviceState } from './device-state';
import { className, deviceName, linkView, vendorDevice, type LinkView } from './format';

export interface DeviceSummary {
  address: string;
  vendorDevice: string;
  vendorName: string | null;
  name: string;
  className: string;
  classCode: string;
  isBridge: boolean;
  driver: string | null;
  driverOverride: string | null;
  iommuGroup: number | null;
  state: DeviceState;
  link: LinkView | null;
}

/** `devices` (by address) lets the link be judged against the root port above the device. */
export function summarize(d: PciDevice, claims: readonly VmClaim[], devices?: ReadonlyMap<string, PciDevice>): DeviceSummary {
  const port = d.rootPort && d.rootPort !== d.address ? (devices?.get(d.rootPort) ?? null) : null;
  return {
    address: d.address,
    vendorDevice: vendorDevice(d),
    vendorName: d.vendor.name,
    name: deviceName(d),
    className: className(d),
    classCode: d.class.code,
    isBridge: d.isBridge,
    driver: d.driver,
    driverOverride: d.driverOverride,
    iommuGroup: d.iommuGroup,
    state: deviceState(d, claims),
    link: linkView(d.link, port?.link ?? null),
  };
}
