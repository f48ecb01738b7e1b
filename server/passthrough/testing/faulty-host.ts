// Fault injection for tests: a Host whose K-th write (1-based, counted over every write) fails.
import type { Host } from '../../host/host';
import type { WriteResult } from '../../host/types';

export type FaultMode =
  /** the write is refused with an errno without reaching the inner host */
  | 'errno'
  /** replaced by a write the kernel itself rejects (drivers_probe of a device that does not exist: ENODEV) */
  | 'kernel-reject'
  /** reported as done but never performed (the kernel "accepted" it and nothing happened) */
  | 'silent';

export const MISSING_DEVICE = '0000:ff:1f.7';

export interface FaultyHost extends Host {
  /** every write that reached this wrapper, as the caller asked for it */
  readonly asked: Array<{ path: string; value: string }>;
}

export function faultyHost(inner: Host, failAt: number, mode: FaultMode = 'errno', errno = 'EIO'): FaultyHost {
  const asked: Array<{ path: string; value: string }> = [];
  return {
    mode: inner.mode,
    root: inner.root,
    sim: inner.sim,
    asked,
    scan: () => inner.scan(),
    write(path: string, value: string): WriteResult {
      asked.push({ path, value });
      if (asked.length !== failAt) return inner.write(path, value);
      if (mode === 'silent') return { path, value, ok: true };
      if (mode === 'kernel-reject') return inner.write('sys/bus/pci/drivers_probe', MISSING_DEVICE);
      return { path, value, ok: false, errno, message: errno === 'EIO' ? 'Input/output error (injected)' : `${errno} (injected)` };
    },
  };
}
