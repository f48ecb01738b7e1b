// The second, short L1 boot: the same board with the IOMMU's interrupt remapping off. The L1 kernel
// refuses to attach the group to a container, jetvm's preflight says why and names
// allow_unsafe_interrupts, and after the operator sets it the same VM starts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestPaths } from '../../server/vm/guest';
import { Api, ApiError } from './api';
import { Kernel } from './kernel';
import { ADMIN_PASSWORD, L1, waitFor } from './machine';
import { record } from './report';

const VM = 'nointremap';
const UNSAFE = '/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts';
let l1: L1;
let api: Api;
let kernel: Kernel;
let card: string[];

beforeAll(async () => {
  l1 = await L1.boot({ intremap: 'off' });
  kernel = new Kernel(l1.probe);
  await l1.startJetvm();
  api = new Api(l1.url);
  await api.login('admin', ADMIN_PASSWORD);
  card = [...(await kernel.find('1234:1111')), ...(await kernel.find('8086:293e'))];
}, 900_000);

afterAll(async () => {
  if (l1) {
    record({ timings: Object.fromEntries(Object.entries(l1.timings).map(([k, v]) => [`intremap=off: ${k}`, v])) });
    await l1.shutdown();
  }
}, 120_000);

type Preflight = { items: Array<{ code: string; severity: string; message: string; fix: string | null }> };
const unsafeItem = async () => (await api.query<Preflight>('passthrough.preflight', { guestRamMiB: 256 })).items.find((i) => i.code === 'unsafe-interrupts')!;

describe.sequential('without interrupt remapping (intremap=off)', () => {
  it("preflight explains allow_unsafe_interrupts, as the kernel's state is", async () => {
    expect((await l1.probe.ok(`cat ${UNSAFE}`)).trim()).toBe('N');
    expect((await l1.probe.run('grep -q " IR-" /proc/interrupts')).code).not.toBe(0);
    expect((await l1.probe.run('dmesg | grep -q "Enabled IRQ remapping"')).code).not.toBe(0);
    const item = await unsafeItem();
    expect(item.severity).toBe('error');
    expect(item.message).toBe('N; no interrupt remapping (no IR- or ITS-MSI chips in /proc/interrupts)');
    expect(item.fix).toContain('vfio_iommu_type1.allow_unsafe_interrupts=1');
  });

  it('the kernel refuses to attach the bound group; after allow_unsafe_interrupts=Y the VM starts', async () => {
    const plan = await api.query('passthrough.plan', { address: card[0] });
    await api.mutate('passthrough.bind', { address: card[0], confirmedWrites: plan.writes.map((w: { path: string; value: string }) => ({ path: w.path, value: w.value })) });
    expect(await kernel.driver(card[0])).toBe('vfio-pci');
    expect(await kernel.driver(card[1])).toBe('vfio-pci');
    const group = await kernel.group(card[0]);
    expect(await kernel.vfioStatus(group)).toMatch(/viable=1[\s\S]*set_iommu failed: Operation not permitted/);
    expect(await l1.probe.ok('dmesg --color=never')).toContain('vfio_iommu_type1_attach_group: No interrupt remapping support');

    const guest = guestPaths();
    await api.mutate('vms.create', { name: VM, kernel: guest.kernel, initrd: guest.initrd, memoryMiB: 256, vcpus: 1, cmdline: 'console=ttyAMA0 panic=-1', devices: card });
    const checks = await api.query<Array<{ code: string; message: string }>>('vms.checks', { name: VM });
    expect(checks.find((c) => c.code === 'unsafe-interrupts')?.message).toContain('allow_unsafe_interrupts is N');
    const refused = await api.mutate('vms.start', { name: VM }).catch((e) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).message).toMatch(/Operation not permitted|interrupt remapping/);
    expect((await l1.probe.run('pgrep -f qemu-system-aarch64')).code).not.toBe(0);

    // the operator's fix, until the next boot
    await l1.probe.ok(`echo Y > ${UNSAFE}`);
    expect((await unsafeItem()).severity).toBe('ok');
    await api.mutate('vms.start', { name: VM });
    const { status } = await api.query('vms.get', { name: VM });
    expect(status.state).toBe('running');
    expect(await l1.probe.ok(`ls -l /proc/${status.pid}/fd`)).toContain(`/dev/vfio/${group}`);
    await api.mutate('vms.forceStop', { name: VM });
    await waitFor(async () => (await l1.probe.run(`kill -0 ${status.pid}`)).code !== 0, 60_000, () => 'QEMU to exit');
  });
});
