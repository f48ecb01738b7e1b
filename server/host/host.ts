import type { L4tRelease } from '../devicetree/trees';
import type { HostMode, HostSnapshot, WriteResult } from './types';

/**
 * The one door to the host: everything that reads or writes /sys, /dev or /proc goes through a Host.
 * In real mode root is "/" and writes reach the kernel; in sim mode root is the simulated Orin's
 * tree in the data directory and writes go through the simulated kernel.
 */
export interface Host {
  readonly mode: HostMode;
  /** absolute path of the tree: "/" or "<dataDir>/sim/root" */
  readonly root: string;
  scan(): HostSnapshot;
  /**
   * Writes value to a sysfs file given relative to root ("sys/bus/pci/drivers_probe").
   * Only the allowlisted PCI binding files may be written; anything else is refused before any I/O.
   * Never throws for a kernel refusal: the errno comes back in the result.
   */
  write(path: string, value: string): WriteResult;
  /** present only in sim mode */
  readonly sim: SimControls | null;
}

export interface SimControls {
  /** JETVM_SIM_CARD the tree was generated with: "t600", "p1000", "none", … */
  readonly card: string;
  /** JETVM_SIM_L4T: whose devkit device tree the board boots */
  readonly release: L4tRelease;
  /** the controllers (platform devices, e.g. ["141a0000.pcie"]) the overlay in the simulated /boot names */
  overlay(): string[];
  /** boot again with an overlay for exactly these controllers, applied with fdtoverlay to the release's tree ([] removes it) */
  reboot(opts: { overlay: string[] }): Promise<void>;
}
