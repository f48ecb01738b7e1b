// The VM page's lines for the guest features: how it boots, its network, seed and autostart, in words.
import type { AutostartOutcome } from '@/server/vm/autostart';
import { listenAddress } from '@/common/port-forward';
import type { VmDefinition } from '@/server/vm/types';

export function bootText(vm: VmDefinition): string {
  if (vm.firmware !== 'uefi') return 'Linux kernel (-kernel)';
  return `UEFI, ${vm.boot === 'cdrom' ? 'CD-ROM' : 'disk'} first`;
}

export function networkText(vm: VmDefinition): string {
  const n = vm.network;
  if (!n || n.mode === 'none') return 'none';
  if (n.mode === 'bridge') return `bridge ${n.bridge}, MAC ${n.mac}`;
  const fwd = n.forwards.map((f) => `${listenAddress(f)}:${f.hostPort} → ${f.guestPort}/${f.proto}`);
  return `NAT (10.0.2.15), MAC ${n.mac}${fwd.length ? `; ${fwd.join(', ')}` : ''}`;
}

export function cloudInitText(vm: VmDefinition): string {
  const c = vm.cloudInit;
  if (!c) return 'off';
  const keys = c.sshKeys.length === 1 ? '1 SSH key' : `${c.sshKeys.length} SSH keys`;
  return `host ${c.hostname}, user ${c.user}, ${c.passwordHash ? 'password set' : 'no password'}, ${keys}${c.userData ? ', own user-data' : ''}`;
}

export function autostartText(vm: VmDefinition, outcome: AutostartOutcome | null): string {
  const a = vm.autostart;
  const setting = a?.enabled ? `on (order ${a.order}, after ${a.delaySeconds} s)` : 'off';
  return outcome ? `${setting}; at this dashboard start: ${outcome.result} — ${outcome.message}` : setting;
}
