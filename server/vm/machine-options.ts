// Extra `-machine virt,...` options a user may set. Everything else (accel, gic-version, kernel, …) jetvm owns.
// Sources: `qemu-system-aarch64 -machine virt,help` (7.2); highmem-* user-settable from 8.0 and
// highmem-mmio-size from 10.0 per docs/system/arm/virt.rst.

const ON_OFF = /^(on|off)$/;
const SIZE = /^[1-9][0-9]{0,5}[KMGT]$/;

interface MachineOption {
  values: RegExp;
  /** QEMU version that first accepts it, [major, minor] */
  since?: [number, number];
  help: string;
}

export const MACHINE_OPTIONS: Record<string, MachineOption> = {
  highmem: { values: ON_OFF, help: 'physical address space above 4 GiB (the 512 GiB PCIe window lives there)' },
  'highmem-ecam': { values: ON_OFF, since: [8, 0], help: 'high PCIe config space' },
  'highmem-mmio': { values: ON_OFF, since: [8, 0], help: 'the high 64-bit PCIe MMIO window' },
  'highmem-redists': { values: ON_OFF, since: [8, 0], help: 'high GIC redistributor region' },
  'highmem-mmio-size': { values: SIZE, since: [10, 0], help: 'size of the high PCIe MMIO window, e.g. 1T' },
  its: { values: ON_OFF, help: 'GICv3 ITS (MSI/MSI-X for passed devices)' },
  iommu: { values: /^(none|smmuv3)$/, help: 'an emulated IOMMU inside the guest' },
  ras: { values: ON_OFF, help: 'report host memory errors to a KVM guest' },
  mte: { values: ON_OFF, help: 'Memory Tagging Extension (TCG only)' },
  virtualization: { values: ON_OFF, help: 'EL2 in the guest (TCG only)' },
  acpi: { values: /^(on|off|auto)$/, help: 'ACPI tables (off: device tree only)' },
  'dtb-randomness': { values: ON_OFF, help: 'random seeds in the device tree' },
  'mem-merge': { values: ON_OFF, help: 'KSM memory merging' },
  'dump-guest-core': { values: ON_OFF, help: 'guest memory in core dumps' },
};

/** null when fine, else why not. */
export function machineOptionError(option: string): string | null {
  const eq = option.indexOf('=');
  if (eq <= 0) return `"${option}" is not key=value`;
  const key = option.slice(0, eq);
  const value = option.slice(eq + 1);
  const spec = MACHINE_OPTIONS[key];
  if (!spec) return `machine option "${key}" is not allowed (allowed: ${Object.keys(MACHINE_OPTIONS).join(', ')})`;
  if (!spec.values.test(value)) return `machine option ${key} cannot be "${value}"`;
  return null;
}

export function machineOptionSince(option: string): [number, number] | undefined {
  return MACHINE_OPTIONS[option.slice(0, option.indexOf('='))]?.since;
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
