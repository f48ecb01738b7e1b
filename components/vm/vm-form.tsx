'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Accel, DiskFormat, StopPolicy, VmDefinition } from '@/server/vm/types';
import { MACHINE_OPTIONS, machineOptionChoices } from '@/common/machine-options';
import { hostSizeText } from '@/common/host-size';
import { useTRPC } from '@/lib/trpc';
import { DevicePicker } from './device-picker';
import { AutostartSection, BootSection, CloudInitSection, GUEST_EMPTY, guestDraftOf, guestFieldsOf, ImageChoices, NetworkSection, type GuestDraft } from './guest-sections';
import { Field, INPUT, inputTone, SMALL_BTN } from './form-field';
import { issuesOf, issueText, type FieldKey, type FormIssue } from './form-errors';

interface Draft {
  name: string;
  kernel: string;
  initrd: string;
  disks: Array<{ path: string; format: DiskFormat; readOnly?: boolean }>;
  memoryMiB: string;
  vcpus: string;
  cmdline: string;
  devices: string[];
  pciNomsi: boolean;
  accel: Accel;
  machineOptions: Array<{ key: string; value: string }>;
  onStop: StopPolicy;
}

const EMPTY: Draft = {
  name: '', kernel: '', initrd: '', disks: [], memoryMiB: '256', vcpus: '1', cmdline: 'console=ttyAMA0',
  devices: [], pciNomsi: false, accel: 'auto', machineOptions: [], onStop: 'keep',
};

function draftOf(vm: VmDefinition): Draft {
  return {
    name: vm.name, kernel: vm.kernel ?? '', initrd: vm.initrd ?? '', disks: vm.disks.map((d) => ({ ...d })), memoryMiB: String(vm.memoryMiB),
    vcpus: String(vm.vcpus), cmdline: vm.cmdline, devices: [...vm.devices], pciNomsi: vm.pciNomsi, accel: vm.accel,
    machineOptions: vm.machineOptions.map((o) => ({ key: o.slice(0, o.indexOf('=')), value: o.slice(o.indexOf('=') + 1) })), onStop: vm.onStop,
  };
}

/** "" → NaN, so the server says the number is required instead of the field being silently left out. */
const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

function fieldsOf(d: Draft) {
  return {
    kernel: d.kernel.trim(),
    initrd: d.initrd.trim() === '' ? null : d.initrd.trim(),
    disks: d.disks.map((x) => ({ path: x.path.trim(), format: x.format, ...(x.readOnly ? { readOnly: true } : {}) })),
    memoryMiB: num(d.memoryMiB),
    vcpus: num(d.vcpus),
    cmdline: d.cmdline,
    devices: d.devices,
    pciNomsi: d.pciNomsi,
    accel: d.accel,
    machineOptions: d.machineOptions.filter((o) => o.key || o.value).map((o) => `${o.key}=${o.value.trim()}`),
    onStop: d.onStop,
  };
}

/**
 * Every field of a VM definition. `vm` given: edits it (the name stays), else creates a new one.
 * The server validates (paths exist and are readable, formats, limits, allowed machine options); its
 * refusals are listed next to the buttons and under the fields they concern, and nothing is written.
 */
export function VmForm({ vm, onDone, onCancel }: { vm?: VmDefinition; onDone: (vm: VmDefinition) => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [d, setD] = useState<Draft>(() => (vm ? draftOf(vm) : EMPTY));
  const [g, setG] = useState<GuestDraft>(() => (vm ? guestDraftOf(vm) : GUEST_EMPTY));
  const [issues, setIssues] = useState<FormIssue[]>([]);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((prev) => ({ ...prev, [k]: v }));
  const setGuest = <K extends keyof GuestDraft>(k: K, v: GuestDraft[K]) => setG((prev) => ({ ...prev, [k]: v }));
  const uefi = g.firmware === 'uefi';
  // the host's CPUs and memory: the inputs' limits (the server checks them again on save)
  const limits = useQuery(trpc.vms.sizeLimits.queryOptions()).data;
  const handlers = {
    onSuccess: (saved: VmDefinition) => {
      setIssues([]);
      void queryClient.invalidateQueries();
      onDone(saved);
    },
    onError: (err: unknown) => setIssues(issuesOf(err)),
  };
  const create = useMutation(trpc.vms.create.mutationOptions(handlers));
  const update = useMutation(trpc.vms.update.mutationOptions(handlers));
  const busy = create.isPending || update.isPending;
  const of = (f: FieldKey) => issues.filter((i) => i.field === f);
  const bad = (f: FieldKey) => of(f).length > 0;

  const submit = () => {
    setIssues([]);
    const fields = { ...fieldsOf(d), ...guestFieldsOf(g), ...(uefi ? { kernel: null, initrd: null } : {}) };
    if (vm) update.mutate({ name: vm.name, patch: fields });
    else create.mutate({ name: d.name.trim(), ...fields });
  };

  const id = (f: string) => `vm-${f}`;
  return (
    <form
      noValidate
      className="space-y-4"
      data-testid="vm-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="grid gap-4 md:grid-cols-2">
        <Field label="Name" htmlFor={id('name')} issues={of('name')} hint={vm ? 'the name cannot change; clone the VM to get another name' : 'lower-case letters, digits and "-", up to 32'}>
          <input id={id('name')} className={`${INPUT} ${inputTone(bad('name'))}`} value={d.name} disabled={Boolean(vm)} onChange={(e) => set('name', e.target.value)} autoComplete="off" />
        </Field>
        <div className="grid grid-cols-2 gap-4">
          <Field label="Memory (MiB)" htmlFor={id('memory')} issues={of('memoryMiB')} hint={limits && `64 – ${limits.maxMemoryMiB}${limits.memoryBytes === null ? '' : ` (${limits.reserveMiB} MiB stay for the host)`}`}>
            <input id={id('memory')} type="number" inputMode="numeric" min={64} max={limits?.maxMemoryMiB} className={`${INPUT} ${inputTone(bad('memoryMiB'))}`} value={d.memoryMiB} onChange={(e) => set('memoryMiB', e.target.value)} />
          </Field>
          <Field label="vCPUs" htmlFor={id('vcpus')} issues={of('vcpus')} hint={limits && `1 – ${limits.maxVcpus}`}>
            <input id={id('vcpus')} type="number" inputMode="numeric" min={1} max={limits?.maxVcpus} className={`${INPUT} ${inputTone(bad('vcpus'))}`} value={d.vcpus} onChange={(e) => set('vcpus', e.target.value)} />
          </Field>
          {limits && (
            <p className="col-span-2 -mt-2 text-xs text-slate-600" data-testid="host-size">
              this host: {hostSizeText(limits)}
            </p>
          )}
        </div>
        {!uefi && (
          <>
        <Field label="Kernel" htmlFor={id('kernel')} issues={of('kernel')} hint="absolute path of an arm64 Image on this host">
          <input id={id('kernel')} className={`${INPUT} font-mono ${inputTone(bad('kernel'))}`} value={d.kernel} onChange={(e) => set('kernel', e.target.value)} placeholder="/var/lib/jetvm/guest/Image" />
        </Field>
        <Field label="Initrd" htmlFor={id('initrd')} issues={of('initrd')} hint="optional; leave empty for none">
          <input id={id('initrd')} className={`${INPUT} font-mono ${inputTone(bad('initrd'))}`} value={d.initrd} onChange={(e) => set('initrd', e.target.value)} />
        </Field>
        <div className="md:col-span-2">
          <Field label="Kernel command line" htmlFor={id('cmdline')} issues={of('cmdline')} hint="console=ttyAMA0 is added when missing: the serial console is the guest's first UART">
            <input id={id('cmdline')} className={`${INPUT} font-mono ${inputTone(bad('cmdline'))}`} value={d.cmdline} onChange={(e) => set('cmdline', e.target.value)} />
          </Field>
        </div>
          </>
        )}
      </div>

      <BootSection g={g} set={setGuest} of={of} />

      <Field label="Disk images" list issues={of('disks')} hint="raw or qcow2 files from the image directories (JETVM_IMAGE_DIRS); each becomes a virtio disk, in this order">
        <div className="space-y-1.5" data-testid="vm-disks">
          <ImageChoices />
          {d.disks.length === 0 && <p className="text-sm text-slate-500">{uefi ? 'No disks yet: add one (a cloud image, an overlay from the Images list) or a CD-ROM.' : 'No disks: the guest runs from its initrd.'}</p>}
          {d.disks.map((disk, n) => (
            <div key={n} className="flex items-center gap-2">
              <span className="w-12 text-xs text-slate-500">disk {n + 1}</span>
              <input
                aria-label={`disk ${n + 1} path`}
                className={`${INPUT} flex-1 font-mono ${inputTone(bad('disks'))}`}
                value={disk.path}
                list="vm-image-choices"
                placeholder="/var/lib/jetvm/images/root.qcow2"
                onChange={(e) => set('disks', d.disks.map((x, i) => (i === n ? { ...x, path: e.target.value } : x)))}
              />
              <select
                aria-label={`disk ${n + 1} format`}
                className="rounded border border-slate-300 px-1 py-1 text-sm"
                value={disk.format}
                onChange={(e) => set('disks', d.disks.map((x, i) => (i === n ? { ...x, format: e.target.value as DiskFormat } : x)))}
              >
                <option value="raw">raw</option>
                <option value="qcow2">qcow2</option>
              </select>
              <label className="flex items-center gap-1 text-xs text-slate-600">
                <input
                  type="checkbox"
                  aria-label={`disk ${n + 1} read-only`}
                  checked={Boolean(disk.readOnly)}
                  onChange={(e) => set('disks', d.disks.map((x, i) => (i === n ? { ...x, readOnly: e.target.checked } : x)))}
                />
                read-only
              </label>
              <button type="button" className={SMALL_BTN} onClick={() => set('disks', d.disks.filter((_, i) => i !== n))}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className={SMALL_BTN} onClick={() => set('disks', [...d.disks, { path: '', format: 'qcow2' }])} disabled={d.disks.length >= 8}>
            Add disk
          </button>
        </div>
      </Field>

      <NetworkSection g={g} set={setGuest} of={of} />

      <Field label="Passed-through devices" list issues={of('devices')} hint="pick endpoints; the whole IOMMU group goes to the guest with them (bridges stay with the host)">
        <DevicePicker value={d.devices} onChange={(v) => set('devices', v)} invalid={bad('devices')} />
      </Field>

      <div className="grid gap-4 md:grid-cols-3">
        <Field label="Accelerator" htmlFor={id('accel')} issues={of('accel')} hint="auto: KVM when the host has it, else TCG (software emulation, slow)">
          <select id={id('accel')} className={`${INPUT} ${inputTone(bad('accel'))}`} value={d.accel} onChange={(e) => set('accel', e.target.value as Accel)}>
            <option value="auto">auto</option>
            <option value="kvm">kvm</option>
            <option value="tcg">tcg</option>
          </select>
        </Field>
        <Field label="On stop" htmlFor={id('onstop')} issues={of('onStop')} hint="what happens to the passed devices when the VM stops">
          <select id={id('onstop')} className={`${INPUT} ${inputTone(bad('onStop'))}`} value={d.onStop} onChange={(e) => set('onStop', e.target.value as StopPolicy)}>
            <option value="keep">keep on vfio-pci (ready for the next start)</option>
            <option value="return">return to their host drivers</option>
          </select>
        </Field>
        <Field
          label="pci=nomsi"
          issues={of('pciNomsi')}
          hint="off by default: with gic-version=3 the virt machine has a GICv3 ITS, so MSI/MSI-X reach passed devices. Switch it on only for a misbehaving guest driver (legacy INTx interrupts)"
        >
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={d.pciNomsi} onChange={(e) => set('pciNomsi', e.target.checked)} />
            add pci=nomsi to the kernel command line
          </label>
        </Field>
      </div>

      <Field label="Extra machine options" list issues={of('machineOptions')} hint="added to -machine virt,…; only these options are allowed, jetvm sets the rest (accel, gic-version)">
        <div className="space-y-1.5" data-testid="vm-machine-options">
          {d.machineOptions.map((o, n) => {
            const choices = machineOptionChoices(o.key);
            const setOpt = (patch: Partial<{ key: string; value: string }>) => set('machineOptions', d.machineOptions.map((x, i) => (i === n ? { ...x, ...patch } : x)));
            return (
              <div key={n} className="flex flex-wrap items-center gap-2">
                <select aria-label={`option ${n + 1}`} className="rounded border border-slate-300 px-1 py-1 font-mono text-sm" value={o.key} onChange={(e) => setOpt({ key: e.target.value, value: machineOptionChoices(e.target.value)?.[0] ?? '' })}>
                  <option value="">choose…</option>
                  {Object.keys(MACHINE_OPTIONS).map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
                <span className="text-slate-400">=</span>
                {choices ? (
                  <select aria-label={`option ${n + 1} value`} className="rounded border border-slate-300 px-1 py-1 font-mono text-sm" value={o.value} onChange={(e) => setOpt({ value: e.target.value })}>
                    {choices.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input aria-label={`option ${n + 1} value`} className={`${INPUT} w-28 font-mono ${inputTone(bad('machineOptions'))}`} value={o.value} onChange={(e) => setOpt({ value: e.target.value })} />
                )}
                <button type="button" className={SMALL_BTN} onClick={() => set('machineOptions', d.machineOptions.filter((_, i) => i !== n))}>
                  Remove
                </button>
                {o.key && <span className="text-xs text-slate-500">{MACHINE_OPTIONS[o.key]?.help}</span>}
              </div>
            );
          })}
          <button type="button" className={SMALL_BTN} onClick={() => set('machineOptions', [...d.machineOptions, { key: '', value: '' }])}>
            Add option
          </button>
        </div>
      </Field>

      <CloudInitSection g={g} set={setGuest} of={of} />
      <AutostartSection g={g} set={setGuest} of={of} />

      {issues.length > 0 && (
        <div role="alert" className="rounded-md border border-red-500 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="vm-form-errors">
          <p className="font-semibold">{vm ? 'Not saved' : 'Not created'}: the server refused this definition</p>
          <ul className="list-disc pl-5">
            {issues.map((i, n) => (
              <li key={n}>{issueText(i)}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="flex items-center gap-2">
        <button type="submit" className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-50" disabled={busy}>
          {vm ? 'Save changes' : 'Create VM'}
        </button>
        <button type="button" className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        {busy && <span className="text-xs text-slate-500">checking the paths and saving…</span>}
        {vm && <span className="text-xs text-slate-500">changes take effect at the next start</span>}
      </div>
    </form>
  );
}

