// The user's story on a real kernel (issue #11): L1 boots with an emulated Intel IOMMU (interrupt
// remapping on) and a PCIe "board"; jetvm runs inside it unmodified in real mode; everything is
// driven from here through jetvm's HTTP API and console WebSocket, and every step is checked against
// what L1's kernel reports through the probe shell (lspci, sysfs links, /dev/vfio, VFIO_GROUP_GET_STATUS,
// /proc). The nested guest is the demo guest under qemu-system-aarch64 (TCG), started by jetvm.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLspci } from '../../server/host/scan/lspci-output';
import { compareDevice } from '../../server/host/scan/lspci-compare';
import type { HostSnapshot } from '../../server/host/types';
import { guestPaths } from '../../server/vm/guest';
import { Api, ApiError, type ConsoleViewer } from './api';
import { Kernel } from './kernel';
import { ADMIN_PASSWORD, DATA_DIR, HIL_CACHE, L1, waitFor } from './machine';
import { record } from './report';

const VM = 'hil';
const CARD_LINE = /pci 0000:0\d:00\.0: \[1234:1111\][^\n]*/;
const AUDIO_LINE = /pci 0000:0\d:00\.1: \[8086:293e\][^\n]*/;

let l1: L1;
let api: Api;
let kernel: Kernel;
let card: string[]; // [VGA fn 0, HD audio fn 1]
let group: number;
let viewer: ConsoleViewer | null = null;
let qemuPid = 0;

async function adminApi(): Promise<Api> {
  const a = new Api(l1.url);
  await a.login('admin', ADMIN_PASSWORD);
  return a;
}

const qemuAlive = async (pid: number) => (await l1.probe.run(`kill -0 ${pid}`)).code === 0;

beforeAll(async () => {
  l1 = await L1.boot({ intremap: 'on' });
  kernel = new Kernel(l1.probe);
  await l1.startJetvm();
  api = await adminApi();
  card = [...(await kernel.find('1234:1111')), ...(await kernel.find('8086:293e'))];
}, 900_000);

afterAll(async () => {
  viewer?.close();
  if (l1) {
    record({ timings: l1.timings });
    await l1.shutdown();
  }
}, 120_000);

describe.sequential('the story on a real kernel (intremap=on)', () => {
  it('the scan equals `lspci -vnnk` run inside the VM', async () => {
    const { mode, snapshot } = await api.query<{ mode: string; snapshot: HostSnapshot }>('host.snapshot');
    expect(mode).toBe('real');
    const lspci = parseLspci(await l1.probe.ok('lspci -D -vnnk'));
    expect(lspci.length).toBeGreaterThanOrEqual(15);
    expect(snapshot.devices.map((d) => d.address).sort()).toEqual(lspci.map((l) => l.address).sort());
    for (const l of lspci) compareDevice(snapshot.devices.find((d) => d.address === l.address)!, l);
    const groups = (await l1.probe.ok('ls -1 /sys/kernel/iommu_groups')).split('\n').filter(Boolean).map(Number).sort((a, b) => a - b);
    expect(snapshot.groups.map((g) => g.id).sort((a, b) => a - b)).toEqual(groups);
    expect(card).toHaveLength(2);
  });

  it('preflight reports the machine as it is: IOMMU, vfio, interrupt remapping, memlock, no KVM -> TCG with the warning', async () => {
    const pf = await api.query<{ items: Array<{ code: string; severity: string; message: string }> }>('passthrough.preflight', { guestRamMiB: 256 });
    const item = (code: string) => pf.items.find((i) => i.code === code)!;
    const groups = Number((await l1.probe.ok('ls -1 /sys/kernel/iommu_groups | wc -l')).trim());
    expect(item('iommu-groups')).toMatchObject({ severity: 'ok', message: `${groups} group(s) in /sys/kernel/iommu_groups` });
    expect(await kernel.exists('/sys/bus/pci/drivers/vfio-pci')).toBe(true);
    expect(item('vfio-pci').severity).toBe('ok');
    expect(await kernel.exists('/dev/vfio/vfio')).toBe(true);
    expect(item('vfio-container').severity).toBe('ok');
    // the kernel: remapping on, so the unsafe switch stays N and is not needed
    expect((await l1.probe.ok('cat /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts')).trim()).toBe('N');
    expect(await l1.probe.ok('dmesg | grep -o "DMAR-IR: Enabled IRQ remapping"')).toContain('Enabled IRQ remapping');
    expect(Number((await l1.probe.ok('grep -c " IR-" /proc/interrupts')).trim())).toBeGreaterThan(0);
    expect(item('unsafe-interrupts')).toMatchObject({ severity: 'ok' });
    expect(item('unsafe-interrupts').message).toContain('interrupt remapping is on');
    const memlock = (await l1.probe.ok(`grep 'Max locked memory' /proc/$(cat /tmp/jetvm.pid)/limits`)).trim().split(/\s+/)[3];
    expect(item('memlock').severity).toBe('ok');
    expect(item('memlock').message).toContain(memlock === 'unlimited' ? 'unlimited' : `${Number(memlock) / 1024 / 1024} MiB`);
    expect(await kernel.exists('/dev/kvm')).toBe(false);
    expect(item('kvm')).toMatchObject({ severity: 'warning', message: 'missing' });
  });

  it('refuses the NVMe holding the mounted filesystem and the NIC carrying its own traffic, with their reasons', async () => {
    const nvme = await kernel.pciAddressOf('/sys/block/nvme0n1/device');
    expect((await l1.probe.ok('findmnt -n -o SOURCE --target ' + DATA_DIR)).trim()).toBe('/dev/nvme0n1');
    const nic = await kernel.pciAddressOf('/sys/class/net/eth0/device');
    expect(await l1.probe.ok('ip route show default')).toMatch(/^default via \S+ dev eth0/);
    const before = await kernel.state([nvme, nic]);

    const nvmePlan = await api.query('passthrough.plan', { address: nvme });
    expect(nvmePlan.refusals.map((r: { code: string }) => r.code)).toEqual(['host-critical-mount']);
    expect(nvmePlan.refusals[0].message).toBe(`${nvme} holds /dev/nvme0n1 mounted on /srv/hil; the host would lose that filesystem.`);
    const nicPlan = await api.query('passthrough.plan', { address: nic });
    expect(nicPlan.refusals.map((r: { code: string }) => r.code)).toEqual(['host-critical-network']);
    expect(nicPlan.refusals[0].message).toContain(`${nic} carries eth0 (default route)`);

    for (const address of [nvme, nic]) {
      const err = await api.mutate('passthrough.bind', { address }).catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('PRECONDITION_FAILED');
    }
    expect(await kernel.state([nvme, nic])).toEqual(before);
    expect(before[nvme].driver).toBe('nvme');
    expect(before[nic].driver).toBe('e1000e');
  });

  it("passes the card's whole group through by real sysfs writes; the kernel agrees: drivers, /dev/vfio/N, viable", async () => {
    group = await kernel.group(card[0]);
    expect(await kernel.group(card[1])).toBe(group);
    expect(await kernel.state(card)).toEqual({
      [card[0]]: { driver: 'bochs-drm', override: '(null)' },
      [card[1]]: { driver: 'snd_hda_intel', override: '(null)' },
    });
    expect(await kernel.exists(`/dev/vfio/${group}`)).toBe(false);
    const plan = await api.query('passthrough.plan', { address: card[0] });
    expect(plan.refusals).toEqual([]);
    expect(plan.endpoints).toEqual(card);
    const confirmedWrites = plan.writes.map((w: { path: string; value: string }) => ({ path: w.path, value: w.value }));
    const outcome = await api.mutate('passthrough.bind', { address: card[0], confirmedWrites });
    expect(JSON.stringify(outcome)).not.toMatch(/"ok":false/);

    expect(await kernel.state(card)).toEqual({
      [card[0]]: { driver: 'vfio-pci', override: 'vfio-pci' },
      [card[1]]: { driver: 'vfio-pci', override: 'vfio-pci' },
    });
    expect(await kernel.exists(`/dev/vfio/${group}`)).toBe(true);
    expect(await kernel.vfioStatus(group)).toMatch(new RegExp(`PROBE /dev/vfio/${group} viable=1 .*\\nPROBE /dev/vfio/${group} iommu set ok`));
  });

  it("starts a VM with the real -device vfio-pci argv; the nested guest's own boot log lists the card; the console streams to a WebSocket viewer", async () => {
    const guest = guestPaths();
    await api.mutate('vms.create', {
      name: VM, kernel: guest.kernel, initrd: guest.initrd, memoryMiB: 256, vcpus: 1,
      cmdline: 'console=ttyAMA0 panic=-1', devices: card, onStop: 'return',
    });
    viewer = await api.consoleViewer(VM);
    const t0 = Date.now();
    await api.mutate('vms.start', { name: VM });
    const { status, plan } = await api.query('vms.get', { name: VM });
    expect(status.state).toBe('running');
    qemuPid = status.pid;
    // the process the kernel runs is the argv jetvm built (not a stand-in: real mode), under TCG
    const cmdline = (await l1.probe.ok(`tr '\\0' '\\n' < /proc/${qemuPid}/cmdline`)).split('\n').filter(Boolean);
    expect(cmdline).toEqual(plan.run.argv);
    expect(plan.run.argv).toEqual(plan.real.argv);
    for (const a of card) expect(cmdline.some((x) => x.startsWith(`vfio-pci,host=${a},`))).toBe(true);
    expect(cmdline[cmdline.indexOf('-machine') + 1]).toContain('accel=tcg');
    expect(plan.run.notes.join('\n')).toContain('TCG (software emulation)');
    // QEMU holds the group: the kernel shows the open /dev/vfio/N in its file table
    expect(await l1.probe.ok(`ls -l /proc/${qemuPid}/fd`)).toContain(`/dev/vfio/${group}`);

    await waitFor(() => CARD_LINE.test(viewer!.text) && AUDIO_LINE.test(viewer!.text), 900_000, () => `the guest's console so far:\n${viewer!.text.slice(-3000)}`);
    l1.timings["L2 start -> the card's [1234:1111] line on the viewer"] = Math.round((Date.now() - t0) / 100) / 10;
    record({ guestLines: [CARD_LINE.exec(viewer.text)![0].trim(), AUDIO_LINE.exec(viewer.text)![0].trim()] });
  });

  it('kill -9 of jetvm leaves the guest running; a restarted jetvm re-adopts it, console history included', async () => {
    viewer?.close();
    await l1.killJetvm();
    expect(await qemuAlive(qemuPid)).toBe(true);
    await l1.startJetvm();
    expect(await l1.jetvmLog()).toMatch(/"adopted":\["hil"\]/);
    api = await adminApi();
    const { status } = await api.query('vms.get', { name: VM });
    expect(status).toMatchObject({ state: 'running', pid: qemuPid });
    viewer = await api.consoleViewer(VM);
    await waitFor(() => viewer!.historyEnded, 60_000, () => 'history-end from the console WebSocket');
    expect(viewer.text).toMatch(CARD_LINE);
    expect(await kernel.state(card)).toEqual({
      [card[0]]: { driver: 'vfio-pci', override: 'vfio-pci' },
      [card[1]]: { driver: 'vfio-pci', override: 'vfio-pci' },
    });
  });

  it('stop: QEMU exits and the card goes back to its host drivers, as the kernel reports', async () => {
    await api.mutate('vms.stop', { name: VM, timeoutSec: 5 });
    await waitFor(async () => !(await qemuAlive(qemuPid)), 180_000, () => 'QEMU to exit');
    const home = { [card[0]]: { driver: 'bochs-drm', override: '(null)' }, [card[1]]: { driver: 'snd_hda_intel', override: '(null)' } };
    let seen = '';
    await waitFor(async () => (seen = JSON.stringify(await kernel.state(card))) === JSON.stringify(home), 300_000, () => `the card back on its host drivers; the kernel says ${seen}`);
    expect(await kernel.exists(`/dev/vfio/${group}`)).toBe(false);
    expect((await api.query('vms.get', { name: VM })).status.state).not.toBe('running');
  });

  // Closed-loop faults: a real step fails on the real kernel and the rollback leaves it where it started.
  it('a device removed (sysfs remove) between planning and applying: nothing is written, the kernel is where it started', async () => {
    const [a, b] = [...(await kernel.find('8086:25ab')), ...(await kernel.find('1b36:0005'))];
    const g = await kernel.group(a);
    expect(await kernel.group(b)).toBe(g);
    const before = await kernel.state([a]);
    expect(before[a]).toEqual({ driver: null, override: '(null)' });
    const plan = await api.query('passthrough.plan', { address: a });
    expect(plan.endpoints).toEqual([a, b]);
    await l1.probe.ok(`echo 1 > /sys/bus/pci/devices/${b}/remove`);
    expect(await kernel.exists(`/sys/bus/pci/devices/${b}`)).toBe(false);
    const confirmedWrites = plan.writes.map((w: { path: string; value: string }) => ({ path: w.path, value: w.value }));
    const err = await api.mutate('passthrough.bind', { address: a, confirmedWrites }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('CONFLICT');
    expect(await kernel.state([a])).toEqual(before);
    expect(await kernel.exists(`/dev/vfio/${g}`)).toBe(false);
    await l1.probe.ok('echo 1 > /sys/bus/pci/rescan');
    expect(await kernel.state([b])).toEqual({ [b]: { driver: null, override: '(null)' } });
  });

  it('a group held open by another process: the release fails and is rolled back, the kernel keeps the group on vfio-pci', async () => {
    const plan = await api.query('passthrough.plan', { address: card[0] });
    const bound = await api.mutate('passthrough.bind', { address: card[0], confirmedWrites: plan.writes.map((w: { path: string; value: string }) => ({ path: w.path, value: w.value })) });
    expect(bound.ok).toBe(true);
    const onVfio = { [card[0]]: { driver: 'vfio-pci', override: 'vfio-pci' }, [card[1]]: { driver: 'vfio-pci', override: 'vfio-pci' } };
    expect(await kernel.state(card)).toEqual(onVfio);
    // a user of the group jetvm does not know about: group + type1 container open
    await l1.probe.ok(`(setsid ${path.join(HIL_CACHE, 'vfioprobe')} /dev/vfio/${group} hold > /tmp/hold.log 2>&1 & echo $! > /tmp/hold.pid); for i in $(seq 50); do grep -q 'iommu set ok' /tmp/hold.log && exit 0; sleep 0.2; done; cat /tmp/hold.log; exit 1`);
    const outcome = await api.mutate('passthrough.release', { address: card[0] });
    await l1.probe.ok('kill $(cat /tmp/hold.pid)');
    expect(outcome.ok).toBe(false);
    expect(outcome.rollback?.verification.ok).toBe(true);
    expect(await kernel.state(card)).toEqual(onVfio);
    expect(await kernel.exists(`/dev/vfio/${group}`)).toBe(true);
    // and once nobody holds it, the release goes through
    await waitFor(async () => (await l1.probe.run('kill -0 $(cat /tmp/hold.pid)')).code !== 0, 30_000, () => 'the holder to exit');
    expect((await api.mutate('passthrough.release', { address: card[0] })).ok).toBe(true);
    expect(await kernel.state(card)).toEqual({ [card[0]]: { driver: 'bochs-drm', override: '(null)' }, [card[1]]: { driver: 'snd_hda_intel', override: '(null)' } });
  });
});
