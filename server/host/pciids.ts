import fs from 'node:fs';

/**
 * Names from the system's pci.ids, the file lspci uses. Each name is looked up once per path (loadPciIds).
 * Format (see the file's header): vendor lines, tab-indented device lines, two-tab subsystem
 * lines ("subvendor subdevice  name"), and a "C xx" section with subclasses and prog-ifs.
 */
export interface PciIds {
  vendor(vendor: string): string | null;
  device(vendor: string, device: string): string | null;
  /** lspci's rule: the (vendor, device, subvendor, subdevice) entry; when the subsystem ids equal the device ids, the device's name */
  subsystem(vendor: string, device: string, subVendor: string, subDevice: string): string | null;
  className(cls: string): string | null;
  subclassName(cls: string, sub: string): string | null;
  progIfName(cls: string, sub: string, progIf: string): string | null;
}

/** Where lspci looks, in order (Debian: /usr/share/misc; Fedora/Arch: /usr/share/hwdata). */
export const PCI_IDS_CANDIDATES = ['/usr/share/misc/pci.ids', '/usr/share/hwdata/pci.ids', '/usr/share/pci.ids'];

interface DeviceEntry {
  name: string;
  subsystems: Map<string, string> | null; // "1af4 1100" → name
}
interface VendorEntry {
  name: string;
  devices: Map<string, DeviceEntry>;
}
interface ClassEntry {
  name: string;
  subclasses: Map<string, { name: string; progIfs: Map<string, string> }>;
}

const HEX4 = /^[0-9a-f]{4}$/;
const HEX2 = /^[0-9a-f]{2}$/;

export function parsePciIds(text: string): PciIds {
  const vendors = new Map<string, VendorEntry>();
  const classes = new Map<string, ClassEntry>();
  let vendor: VendorEntry | null = null;
  let device: DeviceEntry | null = null;
  let cls: ClassEntry | null = null;
  let sub: { name: string; progIfs: Map<string, string> } | null = null;
  let pos = 0;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const line = text.charCodeAt(eol - 1) === 13 ? text.slice(pos, eol - 1) : text.slice(pos, eol);
    pos = eol + 1;
    if (line.length === 0 || line[0] === '#') continue;
    if (line[0] !== '\t') {
      device = null;
      sub = null;
      if (line.startsWith('C ')) {
        const code = line.slice(2, 4).toLowerCase();
        vendor = null;
        cls = HEX2.test(code) ? { name: line.slice(4).trim(), subclasses: new Map() } : null;
        if (cls) classes.set(code, cls);
      } else {
        const id = line.slice(0, 4).toLowerCase();
        cls = null;
        // other top-level sections (device classes of USB, "X" …) have non-hex ids: they end PCI vendors
        vendor = HEX4.test(id) ? { name: line.slice(4).trim(), devices: new Map() } : null;
        if (vendor) vendors.set(id, vendor);
      }
    } else if (line[1] !== '\t') {
      if (vendor) {
        const id = line.slice(1, 5).toLowerCase();
        device = { name: line.slice(5).trim(), subsystems: null };
        vendor.devices.set(id, device);
      } else if (cls) {
        sub = { name: line.slice(3).trim(), progIfs: new Map() };
        cls.subclasses.set(line.slice(1, 3).toLowerCase(), sub);
      }
    } else if (device) {
      const key = line.slice(2, 11).toLowerCase(); // "1af4 1100"
      (device.subsystems ??= new Map()).set(key, line.slice(11).trim());
    } else if (sub) {
      sub.progIfs.set(line.slice(2, 4).toLowerCase(), line.slice(4).trim());
    }
  }
  return {
    vendor: (v) => vendors.get(v)?.name ?? null,
    device: (v, d) => vendors.get(v)?.devices.get(d)?.name ?? null,
    subsystem(v, d, sv, sd) {
      const entry = vendors.get(v)?.devices.get(d);
      const named = entry?.subsystems?.get(`${sv} ${sd}`);
      if (named) return named;
      return v === sv && d === sd ? (entry?.name ?? null) : null;
    },
    className: (c) => classes.get(c)?.name ?? null,
    subclassName: (c, s) => classes.get(c)?.subclasses.get(s)?.name ?? null,
    progIfName: (c, s, p) => classes.get(c)?.subclasses.get(s)?.progIfs.get(p) ?? null,
  };
}

const EMPTY: PciIds = parsePciIds('');
// one answer set per file and process (answersOf re-reads the file only for a name not answered yet): pci.ids changes only with a package update, and a name missed until a restart is harmless
const cache = new Map<string, PciIds>();

export function defaultPciIdsPath(): string | null {
  return PCI_IDS_CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

/**
 * The names in pci.ids at `path` (default: the first of PCI_IDS_CANDIDATES that exists), cached.
 * Throws when an explicitly given file cannot be read; with no file on the system, every name is null.
 */
export function loadPciIds(path?: string): PciIds {
  const file = path ?? defaultPciIdsPath();
  if (!file) return EMPTY;
  let ids = cache.get(file);
  if (!ids) {
    ids = answersOf(file);
    cache.set(file, ids);
  }
  return ids;
}

const MAX_ANSWERS = 4096;

/**
 * Keeps the answers, not the file: a host has a few dozen devices while pci.ids parsed is ~6 MiB of
 * heap for good. The file is parsed when a name is not known yet and dropped once the current task
 * (a scan) is over; each answer is copied so it does not keep the file's text alive (a slice would).
 */
function answersOf(file: string): PciIds {
  let parsed: PciIds | null = null;
  const parse = () => {
    if (!parsed) {
      parsed = parsePciIds(fs.readFileSync(file, 'utf8'));
      setImmediate(() => (parsed = null));
    }
    return parsed;
  };
  parse(); // an unreadable file fails here, not at the first lookup
  const answers = new Map<string, string | null>();
  const ask = (key: string, lookup: (ids: PciIds) => string | null): string | null => {
    if (answers.has(key)) return answers.get(key)!;
    const found = lookup(parse());
    const answer = found === null ? null : Buffer.from(found, 'utf8').toString('utf8');
    if (answers.size >= MAX_ANSWERS) answers.clear();
    answers.set(key, answer);
    return answer;
  };
  return {
    vendor: (v) => ask(`v ${v}`, (p) => p.vendor(v)),
    device: (v, d) => ask(`d ${v} ${d}`, (p) => p.device(v, d)),
    subsystem: (v, d, sv, sd) => ask(`s ${v} ${d} ${sv} ${sd}`, (p) => p.subsystem(v, d, sv, sd)),
    className: (c) => ask(`c ${c}`, (p) => p.className(c)),
    subclassName: (c, sub) => ask(`k ${c} ${sub}`, (p) => p.subclassName(c, sub)),
    progIfName: (c, sub, pi) => ask(`i ${c} ${sub} ${pi}`, (p) => p.progIfName(c, sub, pi)),
  };
}
