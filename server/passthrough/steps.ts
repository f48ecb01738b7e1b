// One small named function per sysfs write (libvirt's virpci.c style); every plan is built from these.
import type { PciAddress } from '../host/types';
import type { SysfsWrite } from './types';

const dev = (a: PciAddress) => `sys/bus/pci/devices/${a}`;

export const setOverride = (a: PciAddress, driver: string): SysfsWrite => ({
  path: `${dev(a)}/driver_override`,
  value: driver,
  device: a,
  why: `only ${driver} may take ${a} on the next probe`,
});

/** An empty write clears the override: it reads back "(null)" and normal driver matching returns. */
export const clearOverride = (a: PciAddress): SysfsWrite => ({
  path: `${dev(a)}/driver_override`,
  value: '',
  device: a,
  why: `clear the override of ${a}`,
});

export const unbindCurrent = (a: PciAddress, driver: string): SysfsWrite => ({
  path: `${dev(a)}/driver/unbind`,
  value: a,
  device: a,
  why: `detach ${a} from ${driver}`,
});

export const unbindFrom = (a: PciAddress, driver: string): SysfsWrite => ({
  path: `sys/bus/pci/drivers/${driver}/unbind`,
  value: a,
  device: a,
  why: `detach ${a} from ${driver}`,
});

export const bindTo = (a: PciAddress, driver: string): SysfsWrite => ({
  path: `sys/bus/pci/drivers/${driver}/bind`,
  value: a,
  device: a,
  why: `attach ${a} to ${driver}`,
});

export const probe = (a: PciAddress, expect: string): SysfsWrite => ({
  path: 'sys/bus/pci/drivers_probe',
  value: a,
  device: a,
  why: `let the kernel probe ${a} (${expect})`,
});
