/**
 * A PCI device's `uevent` file: what the kernel prints for it (drivers/base/core.c dev_uevent, then
 * drivers/pci/pci-driver.c pci_uevent):
 *
 *   DRIVER=nvme                   dev->driver->name, the name of the `driver` link's target (the driver's
 *                                 kobject, named drv->name); present while dev->driver is set, as the link is
 *   PCI_CLASS=10802               "%04X" of pdev->class: 4 to 6 digits, where the `class` file has "0x%06x"
 *   PCI_ID=1B36:0010              pdev->vendor, pdev->device (the `vendor` and `device` files)
 *   PCI_SUBSYS_ID=1AF4:1100       pdev->subsystem_vendor, pdev->subsystem_device
 *   PCI_SLOT_NAME=0000:02:00.0
 *   MODALIAS=pci:v…
 *
 * The same struct fields the separate files print, so one read can stand for five reads and a readlink.
 * DRIVER= comes before the PCI_ lines (other lines, e.g. OF_NAME= on a Jetson, may sit between), so a
 * uevent that reaches PCI_SLOT_NAME is whole, and a missing DRIVER= there means the device is unbound.
 */
export interface PciUevent {
  /** the PCI_SLOT_NAME line */
  slot: string | null;
  driver: string | null;
  /** lower-case hex, as the separate files give it after their 0x; undefined when the line is absent or garbled */
  vendor?: string;
  device?: string;
  subsystemVendor?: string;
  subsystemDevice?: string;
  /** six digits */
  classCode?: string;
  /** one per line that is there but not in the kernel's format: "PCI_ID: unexpected content …" */
  garbled: string[];
}

const ID_PAIR = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$/;
const CLASS = /^[0-9a-fA-F]{4,6}$/;

export function parsePciUevent(text: string): PciUevent {
  const out: PciUevent = { slot: null, driver: null, garbled: [] };
  const bad = (key: string, value: string) => out.garbled.push(`${key}: unexpected content ${JSON.stringify(value.slice(0, 40))}`);
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'DRIVER') out.driver = value;
    else if (key === 'PCI_SLOT_NAME') out.slot = value;
    else if (key === 'PCI_CLASS') {
      if (CLASS.test(value)) out.classCode = value.toLowerCase().padStart(6, '0');
      else bad(key, value);
    } else if (key === 'PCI_ID' || key === 'PCI_SUBSYS_ID') {
      const m = ID_PAIR.exec(value);
      if (!m) bad(key, value);
      else if (key === 'PCI_ID') [out.vendor, out.device] = [m[1].toLowerCase(), m[2].toLowerCase()];
      else [out.subsystemVendor, out.subsystemDevice] = [m[1].toLowerCase(), m[2].toLowerCase()];
    }
  }
  return out;
}
