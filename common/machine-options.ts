// Extra `-machine virt,...` options a user may set. Everything else (accel, gic-version, kernel, …) jetvm owns.
// Sources: `qemu-system-aarch64 -machine virt,help` (7.2); highmem-* user-settable from 8.0 and
// highmem-mmio-size from 10.0 per docs/system/arm/virt.rst (docs/sources/qemu-facts.md). server/vm/qemu-parse.test.ts has the real QEMU
// parse and start every one. Not offered: ras (needs ACPI from firmware, and jetvm boots the kernel
// directly; QEMU 7.2 aborts on ras=on with acpi on).

/** VIRT_HIGH_PCIE_MMIO: 512 GiB by default for 64-bit prefetchable BARs (needs highmem; under KVM an IPA ≥ 40 bits) */
export const HIGH_WINDOW_BYTES = 512 * 1024 ** 3;

const ON_OFF = /^(on|off)$/;
const SIZE = /^[1-9][0-9]{0,5}[KMGT]$/;

interface MachineOption {
  values: RegExp;
  /** QEMU version that first accepts it, [major, minor] */
  since?: [number, number];
  /** why KVM on the Orin cannot give it to the guest when on (the Cortex-A78AE lacks the feature) */
  tcgOnly?: string;
  /** a value QEMU refuses once a card is passed (each sits behind a PCIe root port), and why */
  notWithDevices?: { value: string; why: string };
  help: string;
  /** a rule beyond the shape of the value: null when fine, else why not */
  check?: (value: string) => string | null;
}

const UNIT = { K: 10, M: 20, G: 30, T: 40 } as const;

/** "512G" → bytes; null when it is not a size. */
export function parseSize(value: string): number | null {
  const m = /^([1-9][0-9]{0,5})([KMGT])$/.exec(value);
  return m ? Number(m[1]) * 2 ** UNIT[m[2] as keyof typeof UNIT] : null;
}

/** QEMU (hw/arm/virt.c) takes a power of two of at least the default 512 GiB, and refuses anything else. */
function highMmioSizeError(value: string): string | null {
  const n = parseSize(value)!;
  const pow2 = Number.isInteger(Math.log2(n));
  return pow2 && n >= HIGH_WINDOW_BYTES ? null : `highmem-mmio-size must be a power of two of at least 512G (QEMU refuses others), not ${value}`;
}

export const MACHINE_OPTIONS: Record<string, MachineOption> = {
  highmem: { values: ON_OFF, help: 'physical address space above 4 GiB (the 512 GiB PCIe window lives there)' },
  'highmem-ecam': { values: ON_OFF, since: [8, 0], help: 'high PCIe config space' },
  'highmem-mmio': { values: ON_OFF, since: [8, 0], help: 'the high 64-bit PCIe MMIO window' },
  'highmem-redists': { values: ON_OFF, since: [8, 0], help: 'high GIC redistributor region' },
  'highmem-mmio-size': {
    values: SIZE,
    since: [10, 0],
    help: 'size of the high PCIe MMIO window: a power of two from 512G; it must fit the host IPA (the Orin\'s 40 bits fit only 512G)',
    check: highMmioSizeError,
  },
  its: {
    values: ON_OFF, help: 'GICv3 ITS (MSI/MSI-X for passed devices)',
    notWithDevices: { value: 'off', why: 'without an ITS there is no MSI-X, and QEMU refuses the PCIe root port a passed card sits behind' },
  },
  iommu: { values: /^(none|smmuv3)$/, help: 'an emulated IOMMU inside the guest' },
  mte: { values: ON_OFF, tcgOnly: 'the Cortex-A78AE has no MTE', help: 'Memory Tagging Extension (TCG only; -cpu max)' },
  virtualization: { values: ON_OFF, tcgOnly: 'the Cortex-A78AE has no nested virtualization', help: 'EL2 in the guest (TCG only)' },
  acpi: { values: /^(on|off|auto)$/, help: 'ACPI tables (off: device tree only)' },
  'dtb-randomness': { values: ON_OFF, help: 'random seeds in the device tree' },
  'mem-merge': { values: ON_OFF, help: 'KSM memory merging' },
  'dump-guest-core': { values: ON_OFF, help: 'guest memory in core dumps' },
};

/** The choices of an option whose allowed values are a plain alternation (^(on|off)$), else null (free text). */
export function machineOptionChoices(key: string): string[] | null {
  const m = /^\^\(([a-z0-9|-]+)\)\$$/.exec(MACHINE_OPTIONS[key]?.values.source ?? '');
  return m ? m[1].split('|') : null;
}

/** null when fine, else why not. */
export function machineOptionError(option: string): string | null {
  const eq = option.indexOf('=');
  if (eq <= 0) return `"${option}" is not key=value`;
  const key = option.slice(0, eq);
  const value = option.slice(eq + 1);
  const spec = MACHINE_OPTIONS[key];
  if (!spec) return `machine option "${key}" is not allowed (allowed: ${Object.keys(MACHINE_OPTIONS).join(', ')})`;
  if (!spec.values.test(value)) return `machine option ${key} cannot be "${value}"`;
  return spec.check?.(value) ?? null;
}

export interface MachineContext {
  /** the QEMU version, null when unknown */
  version: string | null;
  accel: 'kvm' | 'tcg';
  /** the VM passes at least one device */
  devices: boolean;
}

/** Why this QEMU, accelerator and device list cannot take an option, or null. */
export function machineOptionUnsupported(option: string, ctx: MachineContext): string | null {
  const invalid = machineOptionError(option); // a stored definition from before the allowlist changed
  if (invalid) return invalid;
  const [key, value] = [option.slice(0, option.indexOf('=')), option.slice(option.indexOf('=') + 1)];
  const spec = MACHINE_OPTIONS[key];
  if (spec?.since && ctx.version && !versionAtLeast(ctx.version, spec.since)) {
    return `machine option ${option} needs QEMU ${spec.since.join('.')} or later (this QEMU is ${ctx.version})`;
  }
  if (spec?.tcgOnly && ctx.accel === 'kvm' && value === 'on') return `machine option ${option} works only under TCG: ${spec.tcgOnly}`;
  if (spec?.notWithDevices?.value === value && ctx.devices) return `machine option ${option} cannot be used with passed devices: ${spec.notWithDevices.why}`;
  return null;
}

export function parseVersion(version: string | null): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export function versionAtLeast(version: string | null, want: [number, number]): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  return v[0] > want[0] || (v[0] === want[0] && v[1] >= want[1]);
}
