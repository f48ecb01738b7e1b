import type { Host } from '../host/host';
import type { DevicePolicyHook } from '../vm/supervisor';
import type { PassthroughService } from './service';

/**
 * The VM's on-stop policy: "return" gives its devices back to their host drivers (one release per
 * IOMMU group, since a release covers the whole group); "keep" leaves them on vfio-pci for the next start.
 */
export function devicePolicyOnStop(passthrough: PassthroughService, host: Host): DevicePolicyHook {
  return async ({ policy, devices, actor }) => {
    if (policy !== 'return') return;
    const snapshot = host.scan();
    const seenGroups = new Set<number>();
    const failures: string[] = [];
    for (const address of devices) {
      const group = snapshot.devices.find((d) => d.address === address)?.iommuGroup;
      if (group != null) {
        if (seenGroups.has(group)) continue;
        seenGroups.add(group);
      }
      try {
        const outcome = await passthrough.release(actor, address);
        if (!outcome.ok) failures.push(`${address}: ${outcome.failure?.message ?? 'not verified'}`);
      } catch (err) {
        failures.push(`${address}: ${(err as Error).message}`);
      }
    }
    if (failures.length) throw new Error(`returning devices to the host failed: ${failures.join('; ')}`);
  };
}
