// Pure: the writes that take touched endpoints from where they are now back to their recorded originals.
import type { HostSnapshot, PciAddress } from '../host/types';
import { byAddress } from './group';
import { bindTo, clearOverride, probe, setOverride, unbindCurrent } from './steps';
import type { EndpointOriginal, SysfsWrite } from './types';

/** Undo in reverse order of first touch: unbind from whatever took it, restore the override, probe. */
export function planRollback(snapshot: HostSnapshot, originals: EndpointOriginal[], touched: PciAddress[]): SysfsWrite[] {
  const devices = byAddress(snapshot);
  const writes: SysfsWrite[] = [];
  for (const address of [...new Set(touched)].reverse()) {
    const orig = originals.find((o) => o.address === address);
    const now = devices.get(address);
    if (!orig || !now) continue;
    let driver = now.driver;
    if (driver && driver !== orig.driver) {
      writes.push(unbindCurrent(address, driver));
      driver = null;
    }
    if (now.driverOverride !== orig.driverOverride) writes.push(orig.driverOverride ? setOverride(address, orig.driverOverride) : clearOverride(address));
    if (!driver && orig.driver) writes.push(probe(address, `${orig.driver} takes it back`));
  }
  return writes;
}

/** Second chance for endpoints the probe left driverless: bind them to their original driver by name. */
export function planRebind(snapshot: HostSnapshot, originals: EndpointOriginal[]): SysfsWrite[] {
  const devices = byAddress(snapshot);
  return originals
    .filter((o) => o.driver && devices.get(o.address)?.driver === null && snapshot.drivers.includes(o.driver))
    .map((o) => bindTo(o.address, o.driver!));
}
