'use client';
// The New VM / Edit form's machine sections: boot (firmware, CD-ROMs, order), network, cloud-init and
// autostart. Defaults need no touching; the less common parts are folded away.
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { BootDevice, Firmware, VmDefinition } from '@/server/vm/types';
import { useTRPC } from '@/lib/trpc';
import { Field, INPUT, INPUT_BASE, inputTone, SMALL_BTN } from './form-field';
import type { FieldKey, FormIssue } from './form-errors';

export interface GuestDraft {
  firmware: Firmware;
  cdroms: string[];
  boot: BootDevice;
  netMode: 'none' | 'user' | 'bridge';
  bridge: string;
  mac: string;
  forwards: Array<{ proto: 'tcp' | 'udp'; hostPort: string; guestPort: string; lan: boolean }>;
  ciOn: boolean;
  ciHostname: string;
  ciUser: string;
  /** empty: keep the stored password (edit) or none (new) */
  ciPassword: string;
  ciPasswordSet: boolean;
  ciKeys: string;
  ciUserData: string;
  autoOn: boolean;
  autoOrder: string;
  autoDelay: string;
}

export const GUEST_EMPTY: GuestDraft = {
  firmware: 'kernel', cdroms: [], boot: 'disk', netMode: 'user', bridge: '', mac: '', forwards: [],
  ciOn: false, ciHostname: '', ciUser: 'jetvm', ciPassword: '', ciPasswordSet: false, ciKeys: '', ciUserData: '',
  autoOn: false, autoOrder: '0', autoDelay: '0',
};

export function guestDraftOf(vm: VmDefinition): GuestDraft {
  const ci = vm.cloudInit;
  return {
    firmware: vm.firmware ?? 'kernel', cdroms: [...(vm.cdroms ?? [])], boot: vm.boot ?? 'disk',
    netMode: vm.network?.mode ?? 'none', bridge: vm.network?.bridge ?? '', mac: vm.network?.mac ?? '',
    forwards: (vm.network?.forwards ?? []).map((f) => ({ proto: f.proto, hostPort: String(f.hostPort), guestPort: String(f.guestPort), lan: Boolean(f.lan) })),
    ciOn: Boolean(ci), ciHostname: ci?.hostname ?? '', ciUser: ci?.user ?? 'jetvm', ciPassword: '', ciPasswordSet: Boolean(ci?.passwordHash),
    ciKeys: (ci?.sshKeys ?? []).join('\n'), ciUserData: ci?.userData ?? '',
    autoOn: vm.autostart?.enabled ?? false, autoOrder: String(vm.autostart?.order ?? 0), autoDelay: String(vm.autostart?.delaySeconds ?? 0),
  };
}

const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

export function guestFieldsOf(g: GuestDraft) {
  return {
    firmware: g.firmware,
    cdroms: g.cdroms.map((c) => c.trim()),
    boot: g.boot,
    network: {
      mode: g.netMode,
      bridge: g.netMode === 'bridge' ? g.bridge.trim() : null,
      mac: g.mac.trim() === '' ? null : g.mac.trim(),
      forwards: g.netMode === 'user' ? g.forwards.map((f) => ({ proto: f.proto, hostPort: num(f.hostPort), guestPort: num(f.guestPort), lan: f.lan })) : [],
    },
    cloudInit: g.ciOn
      ? {
          hostname: g.ciHostname.trim(), user: g.ciUser.trim(), ...(g.ciPassword ? { password: g.ciPassword } : {}),
          sshKeys: g.ciKeys.split('\n').map((k) => k.trim()).filter(Boolean), userData: g.ciUserData.trim() === '' ? null : g.ciUserData,
        }
      : null,
    autostart: { enabled: g.autoOn, order: num(g.autoOrder), delaySeconds: num(g.autoDelay) },
  };
}

type Props = { g: GuestDraft; set: <K extends keyof GuestDraft>(k: K, v: GuestDraft[K]) => void; of: (f: FieldKey) => FormIssue[] };
const SECTION = 'rounded-md border border-slate-200 p-3 space-y-3';
const SUMMARY = 'cursor-pointer text-sm font-medium text-slate-800';

/** Paths of the images in the image directory, offered in every disk path box. */
export function ImageChoices() {
  const trpc = useTRPC();
  const q = useQuery(trpc.vms.images.queryOptions());
  return (
    <datalist id="vm-image-choices">
      {(q.data?.images ?? []).map((i) => (
        <option key={i.path} value={i.path}>{`${i.format}, ${(i.virtualBytes / 1024 ** 3).toFixed(1)} GiB${i.backing ? ' overlay' : ''}`}</option>
      ))}
    </datalist>
  );
}

export function BootSection({ g, set, of }: Props) {
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Field label="Boot" htmlFor="vm-firmware" issues={of('firmware')} hint={g.firmware === 'uefi' ? 'UEFI firmware (AAVMF) boots a distribution image or installer from a disk or CD-ROM; boot entries are kept per VM' : 'QEMU loads a kernel and initrd directly (-kernel); no firmware, no boot loader'}>
        <select id="vm-firmware" className={`${INPUT} ${inputTone(of('firmware').length > 0)}`} value={g.firmware} onChange={(e) => set('firmware', e.target.value as Firmware)}>
          <option value="kernel">Linux kernel (-kernel)</option>
          <option value="uefi">UEFI from a disk or CD-ROM</option>
        </select>
      </Field>
      {g.firmware === 'uefi' && (
        <Field label="Boot first from" htmlFor="vm-boot" issues={of('boot')} hint="the CD-ROM first to run an installer, the disk first afterwards">
          <select id="vm-boot" className={INPUT + ' border-slate-300'} value={g.boot} onChange={(e) => set('boot', e.target.value as BootDevice)}>
            <option value="disk">disk</option>
            <option value="cdrom">CD-ROM</option>
          </select>
        </Field>
      )}
      <div className="md:col-span-2">
        <Field label="CD-ROM images" list issues={of('cdroms')} hint="ISO files attached read-only (an installer, drivers)">
          <div className="space-y-1.5" data-testid="vm-cdroms">
            {g.cdroms.map((c, n) => (
              <div key={n} className="flex items-center gap-2">
                <input aria-label={`CD-ROM ${n + 1} path`} className={`${INPUT} flex-1 font-mono ${inputTone(of('cdroms').length > 0)}`} value={c} placeholder="/var/lib/jetvm/images/debian-12-arm64-netinst.iso" onChange={(e) => set('cdroms', g.cdroms.map((x, i) => (i === n ? e.target.value : x)))} />
                <button type="button" className={SMALL_BTN} onClick={() => set('cdroms', g.cdroms.filter((_, i) => i !== n))}>Remove</button>
              </div>
            ))}
            <button type="button" className={SMALL_BTN} onClick={() => set('cdroms', [...g.cdroms, ''])} disabled={g.cdroms.length >= 4}>Add CD-ROM</button>
          </div>
        </Field>
      </div>
    </div>
  );
}

export function NetworkSection({ g, set, of }: Props) {
  const setFwd = (n: number, patch: Partial<GuestDraft['forwards'][number]>) => set('forwards', g.forwards.map((f, i) => (i === n ? { ...f, ...patch } : f)));
  return (
    <div className={SECTION} data-testid="vm-network">
      <Field label="Network" htmlFor="vm-net" issues={of('network')} hint={g.netMode === 'user' ? 'NAT: the guest gets 10.0.2.15 by DHCP and reaches out; forward host ports to reach it (e.g. 2222 → 22 for SSH)' : g.netMode === 'bridge' ? "the guest joins the board's LAN through an existing host bridge and gets its address from the LAN's DHCP" : 'no network card'}>
        <select id="vm-net" className={INPUT + ' border-slate-300'} value={g.netMode} onChange={(e) => set('netMode', e.target.value as GuestDraft['netMode'])}>
          <option value="user">NAT (user mode)</option>
          <option value="bridge">bridge to the LAN</option>
          <option value="none">none</option>
        </select>
      </Field>
      {g.netMode === 'user' && (
        <Field label="Port forwards" list issues={[]} hint="host port → guest port; on 127.0.0.1 only, unless opened to the LAN (anyone who reaches the board reaches that guest port)">
          <div className="space-y-1.5" data-testid="vm-forwards">
            {g.forwards.map((f, n) => (
              <div key={n} className="flex items-center gap-2 text-sm">
                <select aria-label={`forward ${n + 1} protocol`} className="rounded border border-slate-300 px-1 py-1" value={f.proto} onChange={(e) => setFwd(n, { proto: e.target.value as 'tcp' | 'udp' })}>
                  <option value="tcp">tcp</option>
                  <option value="udp">udp</option>
                </select>
                <input aria-label={`forward ${n + 1} host port`} inputMode="numeric" className={`${INPUT_BASE} w-24 border-slate-300`} value={f.hostPort} placeholder="2222" onChange={(e) => setFwd(n, { hostPort: e.target.value })} />
                <span className="text-slate-400">→</span>
                <input aria-label={`forward ${n + 1} guest port`} inputMode="numeric" className={`${INPUT_BASE} w-24 border-slate-300`} value={f.guestPort} placeholder="22" onChange={(e) => setFwd(n, { guestPort: e.target.value })} />
                <label className="flex items-center gap-1 text-xs">
                  <input type="checkbox" aria-label={`forward ${n + 1} from the LAN`} checked={f.lan} onChange={(e) => setFwd(n, { lan: e.target.checked })} />
                  from the LAN
                </label>
                <button type="button" className={SMALL_BTN} onClick={() => set('forwards', g.forwards.filter((_, i) => i !== n))}>Remove</button>
              </div>
            ))}
            <button type="button" className={SMALL_BTN} onClick={() => set('forwards', [...g.forwards, { proto: 'tcp', hostPort: '', guestPort: '', lan: false }])}>Add port forward</button>
          </div>
        </Field>
      )}
      {g.netMode === 'bridge' && (
        <Field label="Host bridge" htmlFor="vm-bridge" issues={[]} hint="must exist already (e.g. br0 holding the LAN port); jetvm never reconfigures the interface that carries its own traffic">
          <input id="vm-bridge" className={`${INPUT_BASE} w-40 font-mono border-slate-300`} value={g.bridge} placeholder="br0" onChange={(e) => set('bridge', e.target.value)} />
        </Field>
      )}
      {g.netMode !== 'none' && (
        <details>
          <summary className={SUMMARY}>MAC address</summary>
          <Field label="MAC" htmlFor="vm-mac" issues={[]} hint="empty: a stable address made from the VM's name (52:54:00:…), so DHCP leases survive restarts">
            <input id="vm-mac" className={`${INPUT_BASE} w-48 font-mono border-slate-300`} value={g.mac} placeholder="52:54:00:xx:xx:xx" onChange={(e) => set('mac', e.target.value)} />
          </Field>
        </details>
      )}
    </div>
  );
}

/** A part of the form that is off until its checkbox is ticked: "<title> (on)" and its fields, or just the checkbox. */
function ToggleSection(props: { title: string; testId: string; on: boolean; onChange: (on: boolean) => void; checkbox: string; intro?: string; columns: string; children: ReactNode }) {
  return (
    <details className={SECTION} open={props.on} data-testid={props.testId}>
      <summary className={SUMMARY}>
        {props.title} {props.on ? '(on)' : '(off)'}
      </summary>
      {props.intro && <p className="text-xs text-slate-500">{props.intro}</p>}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={props.on} onChange={(e) => props.onChange(e.target.checked)} />
        {props.checkbox}
      </label>
      {props.on && <div className={`grid gap-3 ${props.columns}`}>{props.children}</div>}
    </details>
  );
}

export function CloudInitSection({ g, set, of }: Props) {
  return (
    <ToggleSection
      title="cloud-init"
      testId="vm-cloud-init"
      on={g.ciOn}
      onChange={(on) => set('ciOn', on)}
      checkbox="attach a cloud-init seed"
      intro="A NoCloud seed (a CD-ROM labelled cidata) rebuilt at every start: cloud images set their host name, user, password and SSH keys from it on first boot."
      columns="md:grid-cols-3"
    >
      <Field label="Host name" htmlFor="vm-ci-hostname" issues={of('cloudInit')} hint="the guest's name on the network">
        <input id="vm-ci-hostname" className={`${INPUT} border-slate-300`} value={g.ciHostname} onChange={(e) => set('ciHostname', e.target.value)} />
      </Field>
      <Field label="User" htmlFor="vm-ci-user" issues={[]} hint="created with sudo rights">
        <input id="vm-ci-user" className={`${INPUT} border-slate-300`} value={g.ciUser} onChange={(e) => set('ciUser', e.target.value)} />
      </Field>
      <Field label="Password" htmlFor="vm-ci-password" issues={[]} hint={g.ciPasswordSet ? 'set; leave empty to keep it' : 'optional; stored only as a hash'}>
        <input id="vm-ci-password" type="password" autoComplete="new-password" className={`${INPUT} border-slate-300`} value={g.ciPassword} onChange={(e) => set('ciPassword', e.target.value)} />
      </Field>
      <div className="md:col-span-3">
        <Field label="SSH public keys" htmlFor="vm-ci-keys" issues={[]} hint="one per line, as in authorized_keys">
          <textarea id="vm-ci-keys" rows={2} className={`${INPUT} font-mono border-slate-300`} value={g.ciKeys} placeholder="ssh-ed25519 AAAA… you@laptop" onChange={(e) => set('ciKeys', e.target.value)} />
        </Field>
      </div>
      <details className="md:col-span-3">
        <summary className={SUMMARY}>Own user-data</summary>
        <Field label="user-data" htmlFor="vm-ci-userdata" issues={[]} hint="replaces the generated #cloud-config (user, password, keys) entirely">
          <textarea id="vm-ci-userdata" rows={4} className={`${INPUT} font-mono border-slate-300`} value={g.ciUserData} placeholder={'#cloud-config\npackages: [nvidia-driver]'} onChange={(e) => set('ciUserData', e.target.value)} />
        </Field>
      </details>
    </ToggleSection>
  );
}

export function AutostartSection({ g, set, of }: Props) {
  return (
    <ToggleSection
      title="Autostart"
      testId="vm-autostart"
      on={g.autoOn}
      onChange={(on) => set('autoOn', on)}
      checkbox="start this VM when the dashboard starts (with the service: at board boot)"
      columns="md:grid-cols-2"
    >
      <Field label="Order" htmlFor="vm-auto-order" issues={of('autostart')} hint="lower starts first (0 – 999)">
        <input id="vm-auto-order" inputMode="numeric" className={`${INPUT_BASE} w-24 border-slate-300`} value={g.autoOrder} onChange={(e) => set('autoOrder', e.target.value)} />
      </Field>
      <Field label="Delay (seconds)" htmlFor="vm-auto-delay" issues={[]} hint="wait before starting it: PCI enumeration on the Orin takes seconds; a VM whose devices are not ready is skipped and the reason logged">
        <input id="vm-auto-delay" inputMode="numeric" className={`${INPUT_BASE} w-24 border-slate-300`} value={g.autoDelay} onChange={(e) => set('autoDelay', e.target.value)} />
      </Field>
    </ToggleSection>
  );
}
