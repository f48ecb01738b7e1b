// Exporters of a VM: the exact argv as a shell script, and an equivalent libvirt domain.
import path from 'node:path';
import type { HostSnapshot } from '../host/types';
import { resolveAccel, kernelCmdline, tcgCpu, usableMachineOptions } from './argv';
import { pciAddressParts } from '../../common/pci-address';
import { cardsOf, isDisplay, passedEndpoints } from './devices';
import { cdromXml, firmwareXml, isUefi } from './firmware';
import { networkXml } from './network';
import type { VmPaths } from './paths';
import { shellQuote } from '../../common/shell-quote';
import type { QemuCaps, VmDefinition } from './types';

/** A POSIX sh script running argv; every word quoted, one option (with its value) per line. */
export function toShellScript(argv: readonly string[], comment: string[] = []): string {
  const lines: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i];
    const next = argv[i + 1];
    if (word.startsWith('-') && next !== undefined && !next.startsWith('-')) {
      lines.push(`${shellQuote(word)} ${shellQuote(next)}`);
      i++;
    } else lines.push(shellQuote(word));
  }
  const header = ['#!/bin/sh', ...comment.map((c) => `# ${c.replace(/[\r\n]/g, ' ')}`)];
  // a $ or ` inside a single-quoted word is meant literally (a path or kernel argument), which shellcheck questions
  if (argv.some((a) => /[$`]/.test(a))) header.push('# shellcheck disable=SC2016 # $ and ` in quoted words are literal');
  header.push('set -e');
  return `${header.join('\n')}\nexec ${shellQuote(argv[0])} \\\n${lines.map((l) => `  ${l}`).join(' \\\n')}\n`;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

const hex = (n: number, width: number) => `0x${n.toString(16).padStart(width, '0')}`;

function cpuXml(vm: VmDefinition, accel: 'kvm' | 'tcg'): string {
  if (accel === 'kvm') return "  <cpu mode='host-passthrough'/>";
  const cpu = tcgCpu(vm);
  return cpu === 'max' ? "  <cpu mode='maximum'/>" : `  <cpu mode='custom' match='exact'>\n    <model>${cpu}</model>\n  </cpu>`;
}

/** The user's machine options: libvirt has no element for most, so they go to QEMU as a second, merged -machine. */
function machineOptionsXml(options: string[]): string[] {
  if (!options.length) return [];
  return ['  <qemu:commandline>', "    <qemu:arg value='-machine'/>", `    <qemu:arg value='${xml(options.join(','))}'/>`, '  </qemu:commandline>'];
}

/**
 * libvirt domain XML for the same guest: managed hostdevs (libvirt binds and returns them itself).
 * caps.binary must be an absolute path (libvirt's schema says so): resolve it first (caps.ts resolveExecutable).
 */
export function toLibvirtXml(vm: VmDefinition, snapshot: HostSnapshot, caps: QemuCaps, paths: VmPaths): string {
  if (!path.isAbsolute(caps.binary)) throw new Error(`libvirt needs the QEMU binary as an absolute path, not "${caps.binary}"`);
  const accel = resolveAccel(vm, caps);
  const machineOptions = usableMachineOptions(vm, caps, accel, []);
  const out: string[] = [];
  const ns = machineOptions.length ? " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'" : '';
  out.push(`<domain type='${accel === 'kvm' ? 'kvm' : 'qemu'}'${ns}>`);
  out.push(`  <name>${xml(vm.name)}</name>`);
  out.push(`  <memory unit='MiB'>${vm.memoryMiB}</memory>`);
  out.push(`  <vcpu>${vm.vcpus}</vcpu>`);
  out.push('  <os>');
  out.push("    <type arch='aarch64' machine='virt'>hvm</type>");
  if (isUefi(vm) || !vm.kernel) {
    out.push(...firmwareXml(vm, paths, xml));
  } else {
    out.push(`    <kernel>${xml(vm.kernel)}</kernel>`);
    if (vm.initrd) out.push(`    <initrd>${xml(vm.initrd)}</initrd>`);
    out.push(`    <cmdline>${xml(kernelCmdline(vm, []))}</cmdline>`);
  }
  out.push('  </os>');
  out.push("  <features>\n    <gic version='3'/>\n  </features>");
  out.push(cpuXml(vm, accel));
  out.push("  <on_reboot>destroy</on_reboot>");
  out.push('  <devices>');
  out.push(`    <emulator>${xml(caps.binary)}</emulator>`);
  vm.disks.forEach((d, i) => {
    out.push("    <disk type='file' device='disk'>");
    out.push(`      <driver name='qemu' type='${d.format}'/>`);
    out.push(`      <source file='${xml(d.path)}'/>`);
    out.push(`      <target dev='vd${String.fromCharCode(97 + i)}' bus='virtio'/>`);
    if (d.readOnly) out.push('      <readonly/>');
    if (isUefi(vm)) out.push(`      <boot order='${vm.boot === 'cdrom' ? (vm.cdroms?.length ?? 0) + i + 1 : i + 1}'/>`);
    out.push('    </disk>');
  });
  out.push(...cdromXml(vm, vm.cloudInit ? paths.seedIso : null, xml));
  out.push(...networkXml(vm.network));
  cardsOf(passedEndpoints(vm.devices, snapshot)).forEach((card, i) => {
    const guestBus = i + 1; // libvirt adds one pcie-root-port per bus index
    out.push(`    <controller type='pci' index='${guestBus}' model='pcie-root-port'/>`);
    for (const f of card.functions) {
      const a = pciAddressParts(f.address);
      out.push("    <hostdev mode='subsystem' type='pci' managed='yes'>");
      out.push("      <driver name='vfio'/>");
      out.push(`      <source>\n        <address domain='${hex(a.domain, 4)}' bus='${hex(a.bus, 2)}' slot='${hex(a.slot, 2)}' function='${hex(a.fn, 1)}'/>\n      </source>`);
      if (isDisplay(f.device)) out.push("      <rom bar='off'/>");
      const multi = card.functions.length > 1 && a.fn === 0 ? " multifunction='on'" : '';
      out.push(`      <address type='pci' domain='0x0000' bus='${hex(guestBus, 2)}' slot='0x00' function='${hex(a.fn, 1)}'${multi}/>`);
      out.push('    </hostdev>');
    }
  });
  out.push("    <serial type='unix'>");
  out.push(`      <source mode='bind' path='${xml(paths.serialSocket)}'/>`);
  out.push(`      <log file='${xml(paths.consoleLog)}' append='on'/>`);
  out.push("      <target port='0'/>");
  out.push('    </serial>');
  out.push('  </devices>');
  out.push(...machineOptionsXml(machineOptions));
  out.push('</domain>');
  return out.join('\n') + '\n';
}
