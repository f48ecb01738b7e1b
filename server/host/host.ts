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
  /** DT labels whose `iommus` property the (simulated) overlay deleted, e.g. ["pcie_c5_rp"] */
  overlayLabels(): string[];
  /** regenerate the tree as after a reboot, with the overlay applied to these controller labels */
  reboot(opts: { overlayLabels: string[] }): void;
}
