// The server's refusals of a VM definition placed on the form's fields, from the structured issues the API sends.
import { errorDataOf, errorText, type InputIssue } from '@/common/errors';

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

const KNOWN = new Set(Object.keys(FIELD_LABEL));
const NOUN: Partial<Record<FieldKey, string>> = { disks: 'disk', cdroms: 'CD-ROM', machineOptions: 'option', devices: 'device' };

/** One input issue placed on the form: its path ("patch", "disks", 1, "path") names the field and the list item. */
export function formIssue(issue: InputIssue): FormIssue {
  const [head, index] = issue.path.filter((p) => p !== 'patch');
  if (typeof head !== 'string' || !KNOWN.has(head)) return { field: 'form', item: null, message: issue.message };
  const field = head as FieldKey;
  const noun = NOUN[field];
  return { field, item: noun && typeof index === 'number' ? `${noun} ${index + 1}` : null, message: issue.message };
}

/** Every issue the server gave (zod's or the VM layer's, with paths); a taken name belongs to the name field. */
export function issuesOf(err: unknown): FormIssue[] {
  const data = errorDataOf(err);
  if (data?.issues?.length) return data.issues.map(formIssue);
  const message = errorText(err);
  if (data?.reason === 'vm-exists') return [{ field: 'name', item: null, message }];
  return [{ field: 'form', item: null, message }];
}

export function issueText(i: FormIssue): string {
  const where = i.field === 'form' ? '' : `${FIELD_LABEL[i.field]}${i.item ? ` (${i.item})` : ''}: `;
  return `${where}${i.message}`;
}
