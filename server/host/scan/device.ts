import { pciAddressParts, type PciAddress } from '../../../common/pci-address';
import type { IdName, PciClass, PciDevice, PcieLink } from '../types';
import type { PciIds } from '../pciids';
import { parseResource } from './resource';
import type { Tree } from './tree';
import { parsePciUevent, type PciUevent } from './uevent';

const ID_FILE = /^0x([0-9a-fA-F]{4})$/;
const CLASS_FILE = /^0x([0-9a-fA-F]{6})$/;
const REVISION_FILE = /^0x([0-9a-fA-F]{2})$/;
const NVME_NAMESPACE = /^nvme\d+(c\d+)?n\d+$/;

/**
 * Per-device context. Files are read without listing the directory first: a listing costs as much
 * as several reads, and on a real kernel nearly every attribute asked for is there.
 */
interface DeviceDir {
  tree: Tree;
  address: PciAddress;
  dir: string;
}

function warn(d: DeviceDir, file: string, message: string): void {
  d.tree.warn(`${d.dir}/${file}`, message, d.address);
}

const attribute = (d: DeviceDir, file: string) => d.tree.attribute(`${d.dir}/${file}`, d.address);

function read(d: DeviceDir, file: string, required: boolean): string | null {
  return present(d, file, required, attribute(d, file));
}

/** What attribute() gave; absent is a warning when the file is required. */
function present(d: DeviceDir, file: string, required: boolean, text: string | null | undefined): string | null {
  if (text === undefined) {
    if (required) warn(d, file, 'missing');
    return null;
  }
  return text;
}

const has = (d: DeviceDir, file: string): boolean => d.tree.has(`${d.dir}/${file}`);

/** A `0x%0Nx` file → lower-case hex without 0x; null (with a warning when present but garbled). */
function readHex(d: DeviceDir, file: string, pattern: RegExp, required: boolean): string | null {
  return parseHex(d, file, pattern, read(d, file, required));
}

function parseHex(d: DeviceDir, file: string, pattern: RegExp, text: string | null): string | null {
  if (text === null) return null;
  const m = pattern.exec(text);
  if (!m) {
    warn(d, file, `unexpected content ${JSON.stringify(text.slice(0, 40))}`);
    return null;
  }
  return m[1].toLowerCase();
}

function readInt(d: DeviceDir, file: string): number | null {
  const text = read(d, file, false);
  if (text === null) return null;
  if (!/^\d+$/.test(text)) {
    warn(d, file, `not a number: ${JSON.stringify(text.slice(0, 40))}`);
    return null;
  }
  return Number(text);
}

/** null for conventional PCI (none of the four files); a PCIe device has them all, so one read settles it. */
function readLink(d: DeviceDir): PcieLink | null {
  const first = attribute(d, 'current_link_speed');
  if (first === undefined && !['max_link_speed', 'current_link_width', 'max_link_width'].some((f) => has(d, f))) return null;
  return {
    currentSpeed: first ?? null,
    maxSpeed: read(d, 'max_link_speed', false),
    currentWidth: readInt(d, 'current_link_width'),
    maxWidth: readInt(d, 'max_link_width'),
  };
}

function readIommuGroup(d: DeviceDir): number | null {
  const base = d.tree.linkBase(`${d.dir}/iommu_group`, d.address);
  if (base === null) return null;
  if (!/^\d+$/.test(base)) {
    warn(d, 'iommu_group', `link does not name a group number: ${base}`);
    return null;
  }
  return Number(base);
}

/** Entries of a subdirectory most devices lack (block, nvme, net): a cheap existence check first. */
function childNames(d: DeviceDir, sub: string): string[] {
  if (!has(d, sub)) return [];
  return d.tree.list(`${d.dir}/${sub}`, { warnIfMissing: true, device: d.address }) ?? [];
}

function blockDevices(d: DeviceDir): string[] {
  const names = childNames(d, 'block');
  for (const ctrl of childNames(d, 'nvme')) {
    const inner = d.tree.list(`${d.dir}/nvme/${ctrl}`, { device: d.address }) ?? [];
    names.push(...inner.filter((n) => NVME_NAMESPACE.test(n)));
  }
  return names.sort();
}

/**
 * The device's uevent when it is whole and names this device (see uevent.ts), else null: then every
 * value comes from its own file, with that file's warnings. A garbled line is reported, and its values
 * come from their files too.
 */
function wholeUevent(d: DeviceDir, text: string | null | undefined): PciUevent | null {
  if (text === undefined || text === null) return null; // absent, or unreadable (the tree has warned)
  const u = parsePciUevent(text);
  if (u.slot === null) return null;
  if (u.slot !== d.address) {
    warn(d, 'uevent', `PCI_SLOT_NAME is ${JSON.stringify(u.slot.slice(0, 40))}, not this device`);
    return null;
  }
  for (const message of u.garbled) warn(d, 'uevent', message);
  return u;
}

function idName(id: string | null, name: string | null): IdName {
  return { id: id ?? '', name: id === null ? null : name };
}

function pciClass(code: string | null, ids: PciIds): PciClass {
  if (code === null) return { code: '', className: null, subclassName: null, progIfName: null };
  const [c, s, p] = [code.slice(0, 2), code.slice(2, 4), code.slice(4, 6)];
  return { code, className: ids.className(c), subclassName: ids.subclassName(c, s), progIfName: ids.progIfName(c, s, p) };
}

/**
 * One device's own files (identity, driver, group, resources, link, block/net children), or null
 * when `dir`, its real directory relative to the root, does not exist. Parents, rootPort and siblings are filled
 * in later, when every device is known (see topology.ts); so are `warnings`, from the tree's list.
 */
export function scanDevice(tree: Tree, ids: PciIds, address: PciAddress, dir: string): PciDevice | null {
  const d: DeviceDir = { tree, address, dir };
  const ueventText = attribute(d, 'uevent');
  const u = wholeUevent(d, ueventText);
  const vendorFile = u?.vendor === undefined ? attribute(d, 'vendor') : undefined;
  if (ueventText === undefined && vendorFile === undefined && !tree.has(dir)) return null; // no such directory: the caller reports the link

  const parts = pciAddressParts(address);
  const vendor = u?.vendor ?? parseHex(d, 'vendor', ID_FILE, present(d, 'vendor', true, vendorFile));
  const device = u?.device ?? readHex(d, 'device', ID_FILE, true);
  const subVendor = u?.subsystemVendor ?? readHex(d, 'subsystem_vendor', ID_FILE, false);
  const subDevice = u?.subsystemDevice ?? readHex(d, 'subsystem_device', ID_FILE, false);
  const classCode = u?.classCode ?? readHex(d, 'class', CLASS_FILE, true);
  const override = read(d, 'driver_override', false);

  let bars: PciDevice['bars'] = [];
  let windows: PciDevice['windows'] = [];
  const resource = read(d, 'resource', true);
  if (resource !== null) {
    try {
      ({ bars, windows } = parseResource(resource));
    } catch (err) {
      warn(d, 'resource', (err as Error).message);
    }
  }

  const hasSubsystem = vendor !== null && device !== null && subVendor !== null && subDevice !== null;
  return {
    address,
    ...parts,
    vendor: idName(vendor, vendor && ids.vendor(vendor)),
    device: idName(device, vendor && device && ids.device(vendor, device)),
    subsystemVendor: subVendor === null ? null : idName(subVendor, ids.vendor(subVendor)),
    subsystemDevice: subDevice === null ? null : idName(subDevice, hasSubsystem ? ids.subsystem(vendor, device, subVendor, subDevice) : null),
    revision: readHex(d, 'revision', REVISION_FILE, false),
    class: pciClass(classCode, ids),
    isBridge: classCode?.startsWith('0604') ?? false,
    driver: u ? u.driver : tree.linkBase(`${dir}/driver`, address),
    driverOverride: override === null || override === '(null)' || override === '' ? null : override,
    iommuGroup: readIommuGroup(d),
    parents: [],
    rootPort: null,
    siblings: [],
    bars,
    windows,
    link: readLink(d),
    blockDevices: blockDevices(d),
    netInterfaces: childNames(d, 'net'),
    sysfsPath: dir,
    warnings: [],
  };
}
