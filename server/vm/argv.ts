// The pure QEMU argv builder: (VM definition, host snapshot, QEMU caps, paths) → argv + notes.
import type { HostSnapshot } from '../host/types';
import { cardsOf, deviceLabel, isDisplay, passedEndpoints, type PassedFunction } from './devices';
import { machineOptionUnsupported } from '../../common/machine-options';
import { firmwareArgs, isUefi, mediaArgs } from './firmware';
import { networkArgs } from './network';
import type { VmPaths } from './paths';
import { idForAddress, optList } from './qemu-opts';
import { standInFor, type ScratchImage } from './standins';
import type { QemuCaps, VmDefinition } from './types';

export interface BuildOptions {
  /** sim mode: emulated stand-ins instead of vfio-pci */
  standIns?: boolean;
}

export interface BuiltArgv {
  argv: string[];
  notes: string[];
  accel: 'kvm' | 'tcg';
  /** files the launcher must create before running (sim NVMe scratch images) */
  scratch: ScratchImage[];
}

/** The TCG cpu: a Cortex-A72, or QEMU's `max` when the guest asks for MTE (the A72 has none). */
export function tcgCpu(vm: Pick<VmDefinition, 'machineOptions'>): 'cortex-a72' | 'max' {
  return vm.machineOptions.includes('mte=on') ? 'max' : 'cortex-a72';
}

export function resolveAccel(vm: Pick<VmDefinition, 'accel'>, caps: QemuCaps): 'kvm' | 'tcg' {
  if (vm.accel === 'auto') return caps.kvmUsable ? 'kvm' : 'tcg';
  return vm.accel;
}

/** The guest kernel command line: the user's, plus console=ttyAMA0 when absent and pci=nomsi when switched on. */
export function kernelCmdline(vm: Pick<VmDefinition, 'cmdline' | 'pciNomsi'>, notes: string[]): string {
  const words = vm.cmdline.split(/\s+/).filter(Boolean);
  if (!words.some((w) => w.startsWith('console='))) {
    words.push('console=ttyAMA0');
    notes.push('console=ttyAMA0 added: the serial console is the guest\'s first PL011 UART');
  }
  if (vm.pciNomsi) {
    if (!words.includes('pci=nomsi')) words.push('pci=nomsi');
    notes.push('pci=nomsi is on: the guest uses legacy INTx interrupts (the seed\'s workaround for old QEMU or a misbehaving driver)');
  } else {
    notes.push('pci=nomsi is off: with gic-version=3 the virt machine has a GICv3 ITS, so MSI/MSI-X reach passed devices; switch it on only for a misbehaving guest driver');
  }
  return words.join(' ');
}

/** The user's machine options this QEMU takes; the others are left out with a note (the start checks refuse them). */
export function usableMachineOptions(vm: Pick<VmDefinition, 'machineOptions' | 'devices'>, caps: QemuCaps, accel: 'kvm' | 'tcg', notes: string[]): string[] {
  const ctx = { version: caps.version, accel, devices: vm.devices.length > 0 };
  return vm.machineOptions.filter((opt) => {
    const why = machineOptionUnsupported(opt, ctx);
    if (why) notes.push(`left out: ${why}`);
    return !why;
  });
}

function machineArg(vm: VmDefinition, caps: QemuCaps, accel: 'kvm' | 'tcg', notes: string[]): string {
  const options = usableMachineOptions(vm, caps, accel, notes);
  notes.push(
    'gic-version=3: always the same machine, a GICv3 with an ITS; without it QEMU picks GICv2 (+v2m) on small TCG configs and under KVM whatever the host allows (GICv2m delivers MSI too: it is for a predictable machine, not because MSI would break)',
  );
  return ['virt', `accel=${accel}`, 'gic-version=3', ...options].join(',');
}

function passthroughArgs(fns: PassedFunction[], vm: VmDefinition, paths: VmPaths, opts: BuildOptions, notes: string[], scratch: ScratchImage[]): string[] {
  const args: string[] = [];
  cardsOf(fns).forEach((card, i) => {
    const port = `rp${i + 1}`;
    args.push('-device', optList('pcie-root-port', [['id', port], ['bus', 'pcie.0'], ['chassis', i + 1], ['slot', i + 1]]));
    const multi = card.functions.length > 1;
    if (!card.functions.some((f) => f.fn === 0)) {
      notes.push(`card ${card.slot} has no function 0 passed: the guest will not see its other functions`);
    }
    for (const f of card.functions) {
      const placement: Array<[string, string]> = [['bus', port], ['addr', `00.${f.fn}`]];
      if (multi && f.fn === 0) placement.push(['multifunction', 'on']);
      if (opts.standIns) {
        const s = standInFor(f, paths.runDir);
        args.push(...s.before, '-device', optList(s.driver, [...s.props, ...placement]));
        scratch.push(...s.scratch);
        notes.push(s.note);
        continue;
      }
      const rombar = isDisplay(f.device) ? 0 : undefined;
      if (rombar === 0) notes.push(`rombar=0 for ${f.address}: its option ROM is x86 code, useless on aarch64`);
      args.push('-device', optList('vfio-pci', [['host', f.address], ['id', idForAddress('hostdev', f.address)], ...placement, ['rombar', rombar]]));
      if (!vm.devices.includes(f.address)) notes.push(`${deviceLabel(f)} is passed too: it shares the IOMMU group`);
    }
  });
  return args;
}

export function buildQemuArgv(vm: VmDefinition, snapshot: HostSnapshot, caps: QemuCaps, paths: VmPaths, opts: BuildOptions = {}): BuiltArgv {
  const notes: string[] = [];
  const scratch: ScratchImage[] = [];
  const accel = resolveAccel(vm, caps);
  const argv: string[] = [caps.binary, '-name', vm.name, '-machine', machineArg(vm, caps, accel, notes)];
  if (accel === 'kvm') {
    argv.push('-cpu', 'host');
  } else {
    const cpu = tcgCpu(vm);
    argv.push('-cpu', cpu);
    notes.push(`TCG (software emulation): -cpu ${cpu}, much slower than KVM${caps.kvmReason ? ` — ${caps.kvmReason}` : ''}`);
  }
  argv.push('-smp', String(vm.vcpus), '-m', String(vm.memoryMiB), '-nodefaults', '-no-reboot', '-display', 'none', '-monitor', 'none');
  if (isUefi(vm) || !vm.kernel) {
    argv.push(...firmwareArgs(paths, notes));
  } else {
    argv.push('-kernel', vm.kernel);
    if (vm.initrd) argv.push('-initrd', vm.initrd);
    argv.push('-append', kernelCmdline(vm, notes));
  }
  argv.push(...mediaArgs(vm, vm.cloudInit ? paths.seedIso : null, notes));
  argv.push(...networkArgs(vm.network, notes));
  argv.push(...passthroughArgs(passedEndpoints(vm.devices, snapshot), vm, paths, opts, notes, scratch));
  notes.push(`the serial console waits for a client (wait=on), so no output is lost: the guest runs once something connects, e.g. socat - UNIX-CONNECT:${paths.serialSocket} (jetvm's console does, and records the output)`);
  argv.push(
    '-chardev', optList('socket', [['id', 'ser0'], ['path', paths.serialSocket], ['server', 'on'], ['wait', 'on']]),
    '-serial', 'chardev:ser0',
    '-chardev', optList('socket', [['id', 'qmp'], ['path', paths.qmpSocket], ['server', 'on'], ['wait', 'off']]),
    '-mon', 'chardev=qmp,mode=control',
    '-daemonize', '-pidfile', paths.pidFile,
  );
  return { argv, notes, accel, scratch };
}
