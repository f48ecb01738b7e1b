// The host's size as the pages and the server's messages say it. Isomorphic: no server imports.

/** What a VM may have on the host (server/vm/sizing.ts sizeLimits). */
export interface SizeLimits {
  /** the host's figures, null when unknown */
  cpus: number | null;
  memoryBytes: number | null;
  /** the static limits (server/vm/schema.ts LIMITS) when the host's figure is unknown */
  maxVcpus: number;
  maxMemoryMiB: number;
  /** memory kept for the host OS and jetvm */
  reserveMiB: number;
}

/** "30.4 GiB" */
export function gibText(bytes: number): string {
  return `${Math.round((bytes / 1024 ** 3) * 10) / 10} GiB`;
}

/** "8 CPUs, 30.4 GiB" */
export function hostSizeText(l: Pick<SizeLimits, 'cpus' | 'memoryBytes'>): string {
  return `${l.cpus === null ? 'CPU count unknown' : `${l.cpus} CPUs`}, ${l.memoryBytes === null ? 'memory unknown' : gibText(l.memoryBytes)}`;
}

/** The guest RAM preflight's locked-memory check may be asked about, MiB (the form and the server's input check). */
export const PREFLIGHT_RAM_MIB = { min: 64, max: 1024 * 1024 } as const;
