// Checks before a start, pure over (VM, host snapshot, QEMU caps, other VMs' claims). Each says in plain
// words what is wrong and what to do; any 'error' blocks the start.
import { isOrin } from '../host/boards';
import type { HostSnapshot } from '../host/types';
import { resolveAccel } from './argv';
import { barFit, formatBytes, HIGH_WINDOW_BYTES, highWindowFitsIpa, LOW_WINDOW_BYTES, MIN_IPA_BITS_FOR_HIGH_WINDOW, ORIN_IPA_BITS } from './bar-fit';
import { deviceLabel, passedEndpoints, type PassedFunction } from './devices';
import { machineOptionUnsupported, parseSize } from '../../common/machine-options';
import type { Finding, QemuCaps, VmDefinition } from './types';

export interface CheckContext {
  /** device address → name of the running VM holding it */
  claims: ReadonlyMap<string, string>;
  /** sim mode: stand-ins are run, but the (simulated) host must still be ready for the real thing */
  sim: boolean;
}

const MiB = 1024 * 1024;

function groupChecks(fns: PassedFunction[], snapshot: HostSnapshot): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<number>();
  for (const f of fns) {
    const d = f.device;
    if (!d) {
      out.push({ code: 'device-missing', severity: 'error', subject: f.address, message: `${f.address} is not on this host (removed, or the card is not seated)` });
      continue;
    }
    if (d.iommuGroup === null) {
      out.push({ code: 'no-iommu-group', severity: 'error', subject: f.address, message: `${deviceLabel(f)} has no IOMMU group: the IOMMU does not cover it, so it cannot be passed through` });
      continue;
    }
    if (d.driver !== 'vfio-pci') {
      out.push({
        code: 'not-on-vfio', severity: 'error', subject: f.address,
        message: `${deviceLabel(f)} is on ${d.driver ?? 'no driver'}, not vfio-pci: QEMU would fail with "group ${d.iommuGroup} is not viable". Bind its IOMMU group to vfio-pci on the Passthrough page first`,
      });
    }
    if (seen.has(d.iommuGroup)) continue;
    seen.add(d.iommuGroup);
    const group = snapshot.groups.find((g) => g.id === d.iommuGroup);
    for (const m of group?.members ?? []) {
      if (m.kind === 'platform') {
        out.push({
          code: 'group-platform', severity: 'error', subject: f.address,
          message: `IOMMU group ${d.iommuGroup} also holds the PCIe controller ${m.name} (a platform device with no vfio driver), so it can never be viable. Apply the device-tree overlay from the Passthrough page and reboot`,
        });
      } else if (m.kind === 'other') {
        out.push({ code: 'group-other', severity: 'warning', subject: f.address, message: `IOMMU group ${d.iommuGroup} holds ${m.name}, which is not a PCI device; QEMU may refuse the group` });
      }
    }
    if (!snapshot.vfio.groupNodes.includes(d.iommuGroup)) {
      out.push({ code: 'no-group-node', severity: 'error', subject: f.address, message: `/dev/vfio/${d.iommuGroup} does not exist: the group is not bound to vfio-pci yet` });
    }
  }
  return out;
}

function barChecks(fns: PassedFunction[], vm: VmDefinition, caps: QemuCaps, accel: 'kvm' | 'tcg', snapshot: HostSnapshot): Finding[] {
  const out: Finding[] = [];
  const highmemOff = vm.machineOptions.some((o) => o === 'highmem=off' || o === 'highmem-mmio=off');
  const sizeOption = vm.machineOptions.find((o) => o.startsWith('highmem-mmio-size='));
  const highBytes = (sizeOption && parseSize(sizeOption.slice('highmem-mmio-size='.length))) || HIGH_WINDOW_BYTES;
  const orinGuess = accel === 'kvm' && caps.hostIpaBits === null && isOrin(snapshot);
  const ipa = caps.hostIpaBits ?? (orinGuess ? ORIN_IPA_BITS : null);
  const ipaTooSmall = accel === 'kvm' && ipa !== null && ipa < MIN_IPA_BITS_FOR_HIGH_WINDOW;
  const windowTooBig = accel === 'kvm' && ipa !== null && !ipaTooSmall && !highmemOff && !highWindowFitsIpa(highBytes, ipa);
  if (windowTooBig) {
    out.push({
      code: 'highmem-mmio-size-ipa',
      severity: 'error',
      message:
        `${sizeOption} does not fit the host's ${ipa}-bit IPA${orinGuess ? ' (the Orin\'s, assumed: dmesg did not say)' : ''}: a ${formatBytes(highBytes)} window ends at ${formatBytes(2 * highBytes)}, above ${formatBytes(2 ** ipa)}. ` +
        `QEMU would drop the high window silently and push every 64-bit BAR into the ${formatBytes(LOW_WINDOW_BYTES)} low window. Leave highmem-mmio-size out (512G fits)`,
    });
  }
  const fit = barFit(fns, !highmemOff && !ipaTooSmall && !windowTooBig, highBytes);
  const wants64 = fns.some((f) => f.device?.bars.some((b) => b.is64 && b.prefetchable && b.size > 0));
  if (ipaTooSmall && wants64) {
    out.push({ code: 'ipa-small', severity: 'warning', message: `the host's IPA size is ${caps.hostIpaBits} bits (< ${MIN_IPA_BITS_FOR_HIGH_WINDOW}): QEMU silently drops the 512 GiB high PCIe window, so 64-bit BARs must fit the low window` });
  }
  if (accel === 'kvm' && caps.hostIpaBits === null && wants64) {
    out.push({ code: 'ipa-unknown', severity: 'info', message: 'the host IPA size is unknown (dmesg "IPA Size Limit"); the high PCIe window needs ≥ 40 bits' });
  }
  if (!fit.lowFits) {
    out.push({
      code: 'bar-low', severity: 'error',
      message: `the devices need ${formatBytes(fit.lowUsed)} of 32-bit/non-prefetchable PCIe space, more than the virt machine's ${formatBytes(LOW_WINDOW_BYTES)} low window${fit.highWindow ? '' : ' (no high window: highmem is off or the IPA is too small)'}`,
    });
  }
  if (!fit.highFits) {
    out.push({ code: 'bar-high', severity: 'error', message: `the devices need ${formatBytes(fit.highUsed)} of 64-bit prefetchable space, more than the ${formatBytes(highBytes)} high window (QEMU ≥ 10.0: a larger highmem-mmio-size, if the host IPA has room for it)` });
  }
  if (fit.lowFits && fit.highFits && fns.length) {
    out.push({ code: 'bar-fit', severity: 'info', message: `BARs fit: ${formatBytes(fit.lowUsed)} of ${formatBytes(LOW_WINDOW_BYTES)} low window, ${formatBytes(fit.highUsed)} of ${formatBytes(highBytes)} high window` });
  }
  return out;
}

function hostChecks(vm: VmDefinition, caps: QemuCaps, snapshot: HostSnapshot, fns: PassedFunction[], ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const accel = resolveAccel(vm, caps);
  if (!caps.version) out.push({ code: 'qemu-missing', severity: 'error', message: `QEMU (${caps.binary}) could not be run: install qemu-system-arm` });
  if (vm.accel === 'kvm' && !caps.kvmUsable) {
    out.push({ code: 'kvm-missing', severity: 'error', message: `this VM asks for KVM, which is not usable here: ${caps.kvmReason ?? 'unknown reason'}. Set the accelerator to auto or tcg` });
  } else if (accel === 'tcg') {
    out.push({ code: 'tcg', severity: 'warning', message: `no KVM, running under TCG software emulation (slow)${caps.kvmReason ? `: ${caps.kvmReason}` : ''}` });
  }
  for (const opt of vm.machineOptions) {
    const why = machineOptionUnsupported(opt, { version: caps.version, accel, devices: vm.devices.length > 0 });
    if (why) out.push({ code: 'machine-option', severity: 'error', message: `${why}: remove it from the VM` });
  }
  if (fns.length === 0) return out;
  if (!snapshot.vfio.containerNode) out.push({ code: 'no-vfio-container', severity: 'error', message: '/dev/vfio/vfio does not exist: the vfio modules are not loaded' });
  if (snapshot.vfio.allowUnsafeInterrupts === false && snapshot.vfio.interruptRemapping !== true) {
    out.push({ code: 'unsafe-interrupts', severity: 'warning', message: 'vfio_iommu_type1 allow_unsafe_interrupts is N: on the Orin (no interrupt remapping) QEMU cannot attach the group; set it to Y (vfio_iommu_type1.allow_unsafe_interrupts=1)' });
  }
  const need = vm.memoryMiB * MiB;
  if (ctx.sim) {
    out.push({ code: 'memlock', severity: 'info', message: `sim: the stand-ins pin no memory; on the Jetson RLIMIT_MEMLOCK must be at least ${vm.memoryMiB} MiB (vfio pins all guest RAM)` });
  } else if (!caps.capIpcLock && caps.memlockBytes !== null && caps.memlockBytes < need) {
    out.push({ code: 'memlock', severity: 'error', message: `RLIMIT_MEMLOCK is ${formatBytes(caps.memlockBytes)}, less than the guest's ${vm.memoryMiB} MiB: vfio pins all guest RAM. Raise it (LimitMEMLOCK= in the service, or limits.conf)` });
  }
  return out;
}

function claimChecks(fns: PassedFunction[], vm: VmDefinition, ctx: CheckContext): Finding[] {
  return fns
    .filter((f) => (ctx.claims.get(f.address) ?? vm.name) !== vm.name)
    .map((f) => ({ code: 'claimed', severity: 'error' as const, subject: f.address, message: `${deviceLabel(f)} is in use by the running VM "${ctx.claims.get(f.address)}"` }));
}

export function checkStart(vm: VmDefinition, snapshot: HostSnapshot, caps: QemuCaps, ctx: CheckContext): Finding[] {
  const fns = passedEndpoints(vm.devices, snapshot);
  const named = vm.devices.filter((a) => snapshot.devices.find((d) => d.address === a)?.isBridge);
  return [
    ...named.map((a) => ({ code: 'bridge', severity: 'error' as const, subject: a, message: `${a} is a PCI bridge: bridges stay on the host (pass the endpoints behind it)` })),
    ...hostChecks(vm, caps, snapshot, fns, ctx),
    ...groupChecks(fns, snapshot),
    ...barChecks(fns, vm, caps, resolveAccel(vm, caps), snapshot),
    ...claimChecks(fns, vm, ctx),
  ];
}

export function blocking(results: Finding[]): Finding[] {
  return results.filter((r) => r.severity === 'error');
}
