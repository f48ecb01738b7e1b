// What L1's kernel itself says, asked through the probe shell (never through jetvm).
import path from 'node:path';
import type { Probe } from './probe';
import { HIL_CACHE } from './machine';

export class Kernel {
  constructor(private readonly probe: Probe) {}

  /** the driver bound to a device, by the sysfs link; null when none */
  async driver(address: string): Promise<string | null> {
    const out = (await this.probe.ok(`l=/sys/bus/pci/devices/${address}/driver; [ -e $l ] && basename $(readlink $l) || echo -`)).trim();
    return out === '-' ? null : out;
  }

  async driverOverride(address: string): Promise<string> {
    return (await this.probe.ok(`cat /sys/bus/pci/devices/${address}/driver_override`)).trim();
  }

  async group(address: string): Promise<number> {
    return Number((await this.probe.ok(`basename $(readlink /sys/bus/pci/devices/${address}/iommu_group)`)).trim());
  }

  async exists(file: string): Promise<boolean> {
    return (await this.probe.run(`test -e ${file}`)).code === 0;
  }

  /** VFIO_GROUP_GET_STATUS on /dev/vfio/<group>, then a type1 container: its "PROBE ..." lines (it exits 1 when the kernel refuses a step) */
  async vfioStatus(group: number): Promise<string> {
    return (await this.probe.run(`${path.join(HIL_CACHE, 'vfioprobe')} /dev/vfio/${group}`)).out;
  }

  /** PCI addresses with this vendor:device, in order */
  async find(vendorDevice: string): Promise<string[]> {
    return (await this.probe.ok(`lspci -D -n -d ${vendorDevice} | cut -d' ' -f1`)).split('\n').filter(Boolean);
  }

  /** the PCI device under a /sys/class/... or /sys/block/... entry */
  async pciAddressOf(sysEntry: string): Promise<string> {
    const real = (await this.probe.ok(`readlink -f ${sysEntry}`)).trim();
    const all = real.match(/[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]/g) ?? [];
    return all[all.length - 1];
  }

  async state(addresses: string[]): Promise<Record<string, { driver: string | null; override: string }>> {
    const out: Record<string, { driver: string | null; override: string }> = {};
    for (const a of addresses) out[a] = { driver: await this.driver(a), override: await this.driverOverride(a) };
    return out;
  }
}
