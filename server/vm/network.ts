// Guest networking: QEMU user-mode NAT with port forwards (the default), or a tap on an existing host
// bridge. jetvm never creates, changes or takes down a host interface: a bridge must already exist.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import { listenAddress } from '../../common/port-forward';
import { optList } from './qemu-opts';
import type { Finding, PortForward, VmNetwork } from './types';

export const MAC = /^52:54:00(:[0-9a-f]{2}){3}$/;
const BRIDGE = /^[A-Za-z0-9_.-]{1,15}$/;

/** A locally administered QEMU-range MAC derived from the VM name: stable, and different per name. */
export function macFor(vmName: string): string {
  const h = crypto.createHash('sha256').update(`jetvm:${vmName}`).digest();
  return `52:54:00:${[h[0], h[1], h[2]].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
}

const portSchema = z.int().min(1).max(65535);
export const forwardSchema = z.strictObject({ proto: z.enum(['tcp', 'udp']).default('tcp'), hostPort: portSchema, guestPort: portSchema, lan: z.boolean().default(false) });

export const networkSchema = z
  .strictObject({
    mode: z.enum(['none', 'user', 'bridge']),
    bridge: z.string().regex(BRIDGE, 'is not a network interface name (1–15 letters, digits, "_", "." or "-")').nullable().default(null),
    mac: z.string().transform((m) => m.toLowerCase()).refine((m) => MAC.test(m), 'must be a QEMU MAC like 52:54:00:12:34:56').nullable().default(null),
    forwards: z.array(forwardSchema).max(32).default([]),
  })
  .superRefine((n, ctx) => {
    if (n.mode === 'bridge' && !n.bridge) ctx.addIssue({ code: 'custom', path: ['bridge'], message: 'bridged networking needs the name of an existing host bridge (e.g. br0)' });
    if (n.mode !== 'user' && n.forwards.length) ctx.addIssue({ code: 'custom', path: ['forwards'], message: 'port forwards exist only with user-mode NAT' });
    const keys = n.forwards.map((f) => `${f.proto}:${f.hostPort}`);
    if (new Set(keys).size !== keys.length) ctx.addIssue({ code: 'custom', path: ['forwards'], message: 'forwards the same host port twice' });
  });

export type NetworkInput = z.output<typeof networkSchema>;

export function withMac(n: NetworkInput, vmName: string): VmNetwork {
  return { ...n, mac: n.mac ?? macFor(vmName) };
}

function hostfwd(f: PortForward): string {
  return `${f.proto}:${listenAddress(f)}:${f.hostPort}-:${f.guestPort}`;
}

/** -netdev/-device arguments; romfile= keeps iPXE out, so UEFI does not try a network boot first. */
export function networkArgs(n: VmNetwork | undefined, notes: string[]): string[] {
  if (!n || n.mode === 'none') return [];
  const device = optList('virtio-net-pci', [['netdev', 'net0'], ['mac', n.mac], ['romfile', '']]);
  if (n.mode === 'bridge') {
    notes.push(`network: bridged to the host bridge ${n.bridge} (MAC ${n.mac}); the LAN's DHCP server gives the address`);
    return ['-netdev', optList('bridge', [['id', 'net0'], ['br', n.bridge]]), '-device', device];
  }
  const fwd = n.forwards.map((f) => `host ${listenAddress(f)}:${f.hostPort} → guest ${f.guestPort}/${f.proto}`);
  notes.push(`network: user-mode NAT, guest 10.0.2.15 (MAC ${n.mac})${fwd.length ? `; forwards ${fwd.join(', ')}` : ''}`);
  const netdev = ['user', 'id=net0', ...n.forwards.map((f) => `hostfwd=${hostfwd(f)}`)].join(',');
  return ['-netdev', netdev, '-device', device];
}

/** The libvirt <interface> for the same network (libvirt forwards ports only with its passt backend). */
export function networkXml(n: VmNetwork | undefined): string[] {
  if (!n || n.mode === 'none') return [];
  const passt = n.mode === 'user' && n.forwards.length > 0;
  const head = n.mode === 'bridge' ? ["    <interface type='bridge'>", `      <source bridge='${n.bridge}'/>`] : ["    <interface type='user'>"];
  if (passt) head.push("      <backend type='passt'/>");
  const fwd = n.mode === 'user'
    ? n.forwards.map((f) => `      <portForward proto='${f.proto}' address='${listenAddress(f)}'>\n        <range start='${f.hostPort}' to='${f.guestPort}'/>\n      </portForward>`)
    : [];
  return [...head, `      <mac address='${n.mac}'/>`, "      <model type='virtio'/>", ...fwd, '    </interface>'];
}

/** qemu-bridge-helper (Debian: /etc/qemu/bridge.conf) lets QEMU attach only to bridges listed with "allow". */
export function bridgeAllowed(bridge: string, conf: string): boolean {
  let text = '';
  try {
    text = fs.readFileSync(conf, 'utf8');
  } catch {
    return false;
  }
  return text.split('\n').some((l) => /^\s*allow\s+(\S+)\s*$/.test(l) && [bridge, 'all'].includes(l.trim().split(/\s+/)[1]));
}

export interface NetworkHost {
  sysClassNet: string;
  bridgeConf: string;
}
const HOST: NetworkHost = { sysClassNet: '/sys/class/net', bridgeConf: '/etc/qemu/bridge.conf' };

/** Before a start: the bridge exists and QEMU may use it; forwarded host ports are not held by another running VM. */
export function networkChecks(n: VmNetwork | undefined, otherForwards: ReadonlyMap<number, string>, host: NetworkHost = HOST): Finding[] {
  if (!n || n.mode === 'none') return [];
  const out: Finding[] = [];
  if (n.mode === 'bridge' && n.bridge && !fs.existsSync(`${host.sysClassNet}/${n.bridge}/bridge`)) {
    out.push({ code: 'no-bridge', severity: 'error', message: `there is no host bridge ${n.bridge}: create it (with the LAN interface in it) in the host's network configuration; jetvm does not touch the interface that carries its own traffic` });
  } else if (n.mode === 'bridge' && n.bridge && !bridgeAllowed(n.bridge, host.bridgeConf)) {
    out.push({ code: 'bridge-acl', severity: 'error', message: `QEMU's bridge helper may not use ${n.bridge}: add the line "allow ${n.bridge}" to ${host.bridgeConf}` });
  }
  for (const f of n.mode === 'user' ? n.forwards : []) {
    const holder = otherForwards.get(f.hostPort);
    if (holder) out.push({ code: 'port-taken', severity: 'error', message: `host port ${f.hostPort} is already forwarded to the running VM "${holder}"` });
  }
  return out;
}
