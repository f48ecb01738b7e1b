// The server's refusals of a VM definition, as "field: plain words" lines the form can place next to its fields.

/** Field keys of the form; an issue's path ("patch.disks.0.path") is mapped onto one of them. */
export type FieldKey = 'name' | 'kernel' | 'initrd' | 'disks' | 'memoryMiB' | 'vcpus' | 'cmdline' | 'devices' | 'pciNomsi' | 'accel' | 'machineOptions' | 'onStop'
  | 'firmware' | 'cdroms' | 'boot' | 'network' | 'cloudInit' | 'autostart' | 'form';

export const FIELD_LABEL: Record<FieldKey, string> = {
  name: 'Name',
  kernel: 'Kernel',
  initrd: 'Initrd',
  disks: 'Disk images',
  memoryMiB: 'Memory',
  vcpus: 'vCPUs',
  cmdline: 'Kernel command line',
  devices: 'Passed-through devices',
  pciNomsi: 'pci=nomsi',
  accel: 'Accelerator',
  machineOptions: 'Machine options',
  onStop: 'On stop',
  firmware: 'Boot',
  cdroms: 'CD-ROM images',
  boot: 'Boot first from',
  network: 'Network',
  cloudInit: 'cloud-init',
  autostart: 'Autostart',
  form: 'Definition',
};

export interface FormIssue {
  field: FieldKey;
  /** "disk 2", "option 1" for list items, else null */
  item: string | null;
  message: string;
}

/** zod's stock wording, said the way a person would. */
function plain(message: string): string {
  const m = message.trim();
  let r: RegExpExecArray | null;
  if ((r = /^Too small: expected number to be >=?(-?\d+)/.exec(m))) return `must be at least ${r[1]}`;
  if ((r = /^Too big: expected number to be <=?(-?\d+)/.exec(m))) return `must be at most ${r[1]}`;
  if ((r = /^Too big: expected array to have <=?(\d+) items?/.exec(m))) return `at most ${r[1]} allowed`;
  if (/^Invalid input: expected (int|number), received (NaN|undefined|null)/.test(m)) return 'is required (a whole number)';
  if (/^Invalid input: expected (int|number)/.test(m)) return 'must be a whole number';
  if (/^Invalid input: expected string, received (undefined|null)/.test(m)) return 'is required';
  if ((r = /^Invalid option: expected one of (.*)$/.exec(m))) return `must be one of ${r[1].replace(/\|/g, ', ')}`;
  return m;
}

const KNOWN = new Set(Object.keys(FIELD_LABEL));

/** One "path: message" line (router `data.issues` or a VmInputError message part) as a form issue. */
export function parseIssue(line: string): FormIssue {
  const m = /^([A-Za-z0-9_.]+): (.*)$/s.exec(line.trim());
  if (!m) return { field: 'form', item: null, message: plain(line) };
  const parts = m[1].split('.').filter((p) => p !== 'patch');
  const head = parts[0] ?? 'input';
  if (!KNOWN.has(head)) return { field: 'form', item: null, message: plain(m[2]) };
  const index = parts[1] !== undefined && /^\d+$/.test(parts[1]) ? Number(parts[1]) + 1 : null;
  const noun = head === 'disks' ? 'disk' : head === 'cdroms' ? 'CD-ROM' : head === 'machineOptions' ? 'option' : head === 'devices' ? 'device' : null;
  return { field: head as FieldKey, item: noun && index ? `${noun} ${index}` : null, message: plain(m[2]) };
}

interface ErrorLike {
  message: string;
  data?: { code?: string; issues?: string[] | null } | null;
}

/** Every issue the server gave: the zod list when input parsing refused it, else its "; "-joined message. */
export function issuesOf(err: ErrorLike): FormIssue[] {
  const list = err.data?.issues;
  if (list && list.length) return list.map(parseIssue);
  if (err.data?.code === 'BAD_REQUEST') return err.message.split('; ').map(parseIssue);
  if (err.data?.code === 'CONFLICT' && /already exists/.test(err.message)) return [{ field: 'name', item: null, message: err.message }];
  return [{ field: 'form', item: null, message: err.message }];
}

export function issueText(i: FormIssue): string {
  const where = i.field === 'form' ? '' : `${FIELD_LABEL[i.field]}${i.item ? ` (${i.item})` : ''}: `;
  return `${where}${i.message}`;
}
