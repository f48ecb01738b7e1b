// Every reason a plan cannot go ahead, found before any write, each with plain words and the fix.
import type { ControllerDef } from '../host/boards/types';
import type { HostSnapshot, PciDevice } from '../host/types';
import { findController } from './controllers';
import type { GroupScope } from './group';
import type { PlanContext, Refusal } from './types';

export function badAddress(input: string): Refusal {
  return {
    code: 'bad-address',
    severity: 'error',
    message: `${JSON.stringify(input)} is not a PCI address.`,
    fix: 'Give the address as DDDD:BB:DD.F, e.g. 0005:01:00.0.',
    subject: input,
  };
}

export function unknownDevice(address: string): Refusal {
  return {
    code: 'unknown-device',
    severity: 'error',
    message: `There is no PCI device ${address} on this host.`,
    fix: 'Re-scan and pick a device from the list; a card may need a reboot after it was plugged in.',
    subject: address,
  };
}

export function targetIsBridge(d: PciDevice): Refusal {
  return {
    code: 'target-is-bridge',
    severity: 'error',
    message: `${d.address} is a bridge (${d.class.subclassName ?? 'class ' + d.class.code}); bridges stay with the host on ${d.driver ?? 'their driver'}.`,
    fix: 'Pick the card below the bridge instead: the whole IOMMU group is passed, the bridge is left alone.',
    subject: d.address,
  };
}

export function noIommuGroup(d: PciDevice): Refusal {
  return {
    code: 'no-iommu-group',
    severity: 'error',
    message: `${d.address} is in no IOMMU group, and neither is the port above it: without an IOMMU the device cannot be isolated.`,
    fix: 'Boot with the IOMMU enabled (on a Jetson the SMMU is on in the stock device tree; check `dmesg | grep -i iommu`).',
    subject: d.address,
  };
}

/** One refusal per platform device in the group, naming the controller and the overlay that takes it out. */
export function platformInGroup(scope: GroupScope, controllers?: ControllerDef[]): Refusal[] {
  return scope.platformMembers.map((name) => {
    const c = findController(name, controllers);
    const who = c ? `the PCIe controller ${c.id} (${name})` : `the platform device ${name}`;
    return {
      code: 'platform-in-group',
      severity: 'error',
      message: `IOMMU group ${scope.groupId} also holds ${who}. It cannot be given to vfio-pci, so the group can never be viable as it is.`,
      fix: `Install the device-tree overlay that empties \`iommus\` on ${name}'s node (jetvm derives it from the booted tree), then reboot: the root port and the card get a group of their own.`,
      subject: name,
      overlay: { platformDevice: name, controller: c?.id ?? null },
    };
  });
}

export function inUseByVm(scope: GroupScope, ctx: PlanContext): Refusal[] {
  const inGroup = new Set(scope.endpoints.map((d) => d.address));
  return ctx.vmClaims
    .map((claim) => ({ vm: claim.vm, held: claim.devices.filter((a) => inGroup.has(a)) }))
    .filter((c) => c.held.length > 0)
    .map(({ vm, held }) => ({
      code: 'in-use-by-vm' as const,
      severity: 'error',
      message: `The running VM "${vm}" uses ${held.join(', ')} from this group.`,
      fix: `Stop "${vm}" first.`,
      subject: held.join(', '),
    }));
}

/** A mount source is on a block device when it is the device or one of its partitions. */
function isOn(source: string, block: string): boolean {
  const dev = `/dev/${block}`;
  return source === dev || (source.startsWith(dev) && /^p?\d+$/.test(source.slice(dev.length)));
}

export function hostCritical(scope: GroupScope, snapshot: HostSnapshot, ctx: PlanContext): Refusal[] {
  const out: Refusal[] = [];
  const routed = new Set(snapshot.defaultRouteInterfaces);
  const dashboard = new Set(ctx.dashboardInterfaces);
  for (const d of scope.endpoints) {
    const mounts = snapshot.mounts.filter((m) => d.blockDevices.some((b) => isOn(m.source, b)));
    if (mounts.length > 0) {
      out.push({
        code: 'host-critical-mount',
        severity: 'error',
        message: `${d.address} holds ${mounts.map((m) => `${m.source} mounted on ${m.target}`).join(', ')}; the host would lose that filesystem.`,
        fix: mounts.some((m) => m.target === '/')
          ? 'This is the host\'s own root disk: it cannot be passed through.'
          : `Unmount ${mounts.map((m) => m.target).join(', ')} (and remove it from /etc/fstab) first.`,
        subject: d.address,
      });
    }
    const nets = d.netInterfaces.filter((n) => routed.has(n) || dashboard.has(n));
    if (nets.length > 0) {
      const why = nets.map((n) => `${n} (${[routed.has(n) && 'default route', dashboard.has(n) && 'this dashboard'].filter(Boolean).join(', ')})`);
      out.push({
        code: 'host-critical-network',
        severity: 'error',
        message: `${d.address} carries ${why.join(', ')}; binding it would cut the host off the network.`,
        fix: 'Move the default route and the dashboard to another interface (e.g. the on-board Ethernet) first.',
        subject: d.address,
      });
    }
  }
  return out;
}

export function vfioPciMissing(snapshot: HostSnapshot): Refusal[] {
  if (snapshot.vfio.vfioPciDriver || snapshot.drivers.includes('vfio-pci')) return [];
  return [
    {
      code: 'vfio-pci-missing',
      severity: 'error',
      message: 'The vfio-pci driver is not loaded, so nothing can take the devices.',
      fix: 'Load it: `modprobe vfio-pci` (JetPack 6 has it built in; on JetPack 5 add vfio-pci to /etc/modules-load.d/).',
      subject: 'vfio-pci',
    },
  ];
}
