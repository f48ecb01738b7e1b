// The vms procedures through tRPC's caller over the real simulated Orin (host layer), real SQLite and,
// for the start, the real demo guest under TCG.
import { describe, expect, it } from 'vitest';
import type { ComposedServices } from '../../compose';
import { demoGuest } from '../../vm/testing/harness';
import { contextFor, useSimServices } from '../testing/sim-services';
import { createCallerFactory, router } from '../trpc';
import { vmsRouter } from './vms';

const makeCaller = createCallerFactory(router({ vms: vmsRouter }));
let startup: ComposedServices['startup'];
const services = useSimServices('t600', {
  prepare: () => demoGuest(),
  composed: (c) => (startup = c.startup),
  cleanup: async () => {
    const { vms } = services();
    for (const s of vms.list()) if (s.pid) await vms.forceStop(s.name, { actor: 't', remote: null });
  },
});
const as = (role: 'admin' | 'viewer') => makeCaller(contextFor(services(), role));

describe('vms router', () => {
  it('the demo VM exists on first start with the x8-slot GPU, and shows both argvs', async () => {
    expect(startup.demo.created).toBe(true);
    expect(await as('viewer').vms.list()).toMatchObject([
      { vm: { name: 'demo', devices: ['0005:01:00.0', '0005:01:00.1'] }, status: { state: 'stopped' } },
      { vm: { name: 'demo-efi', firmware: 'uefi', devices: [] }, status: { state: 'stopped' }, autostart: null },
    ]);
    const got = await as('viewer').vms.get({ name: 'demo' });
    expect(got.plan.sim).toBe(true);
    expect(got.plan.run.argv.join(' ')).toContain('bochs-display,id=sim-0005-01-00.0');
    expect(got.plan.real.argv).toContain('vfio-pci,host=0005:01:00.0,id=hostdev-0005-01-00.0,bus=rp1,addr=00.0,multifunction=on,rombar=0');
    expect(got.plan.real.argv[got.plan.real.argv.indexOf('-cpu') + 1]).toBe('host');
    expect(await as('viewer').vms.exportScript({ name: 'demo' })).toMatch(/^#!\/bin\/sh[\s\S]*-device vfio-pci,host=0005:01:00\.1/);
    const xml = await as('viewer').vms.exportXml({ name: 'demo' });
    expect(xml).toContain("<hostdev mode='subsystem' type='pci' managed='yes'>");
    expect(xml).toMatch(/<emulator>\/\S+\/qemu-system-aarch64<\/emulator>/);
  });

  it('edits are admin-only; bad input is a BAD_REQUEST with the reasons, and changes nothing', async () => {
    await expect(as('viewer').vms.create({ name: 'x', kernel: startup.demo.vm!.kernel, memoryMiB: 256, vcpus: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as('admin').vms.create({ name: 'Bad!', kernel: 'rel/Image', memoryMiB: 1, vcpus: 1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(as('admin').vms.create({ name: 'x', kernel: '/no/such/Image', memoryMiB: 256, vcpus: 1 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'kernel: /no/such/Image does not exist' });
    await expect(as('admin').vms.update({ name: 'nope', patch: { vcpus: 2 } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // sized against the simulated Orin (64 GB module: MemTotal 61.4 GiB, 12 cores), not this machine
    expect(await as('viewer').vms.sizeLimits()).toEqual({ cpus: 12, memoryBytes: 64_335_836 * 1024, maxVcpus: 12, maxMemoryMiB: 61_803, reserveMiB: 1024 });
    await expect(as('admin').vms.create({ name: 'x', kernel: startup.demo.vm!.kernel, memoryMiB: 65_536, vcpus: 1 })).rejects.toMatchObject({
      code: 'BAD_REQUEST', message: 'memoryMiB: the host has 61.4 GiB: at most 61803 MiB (1024 MiB stay for the host)',
    });
    await expect(as('admin').vms.update({ name: 'demo', patch: { memoryMiB: 61_804 } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/at most 61803 MiB/) });
    expect((await as('viewer').vms.list()).map((v) => v.vm.name)).toEqual(['demo', 'demo-efi']);
    const copy = await as('admin').vms.clone({ name: 'demo', newName: 'demo-2' });
    expect(copy.devices).toEqual(['0005:01:00.0', '0005:01:00.1']);
    await expect(as('admin').vms.clone({ name: 'demo', newName: 'demo-2' })).rejects.toMatchObject({ code: 'CONFLICT' });
    // a patch changes only what it names (tRPC parses the input before the repo sees it)
    expect(await as('admin').vms.update({ name: 'demo-2', patch: { memoryMiB: 512 } })).toEqual({ ...copy, memoryMiB: 512, updatedAt: expect.any(String) });
    await as('admin').vms.delete({ name: 'demo-2' });
  });

  it('images: listed for viewers, made by admins (audited); the cloud-init password hash never leaves the server', async () => {
    const listed = await as('viewer').vms.images();
    expect(listed.images.map((i) => [i.name, i.format, i.backing])).toEqual([['demo-efi.qcow2', 'qcow2', startup.demo.vm ? expect.stringMatching(/efi-disk\.img$/) : null]]);
    await expect(as('viewer').vms.imageCreate({ name: 'data', sizeGiB: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await as('admin').vms.imageCreate({ name: 'data', sizeGiB: 1 })).toMatchObject({ name: 'data.qcow2', virtualBytes: 1024 ** 3 });
    await expect(as('admin').vms.imageCreate({ name: 'data', sizeGiB: 1 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/already exists/) });
    expect(await as('admin').vms.imageOverlay({ base: 'data.qcow2', name: 'data-top' })).toMatchObject({ name: 'data-top.qcow2', backing: expect.stringMatching(/data\.qcow2$/) });
    const vm = await as('admin').vms.update({ name: 'demo-efi', patch: { cloudInit: { hostname: 'x', password: 'secret-pw' } } });
    expect(vm.cloudInit?.passwordHash).toBe('set');
    expect(JSON.stringify(await as('viewer').vms.get({ name: 'demo-efi' }))).not.toMatch(/\$6\$/);
  });

  it('start is refused in plain words while the GPU group is not viable, and runs once the sim kernel has bound it', async () => {
    const refused = await as('admin').vms.start({ name: 'demo' }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(refused.message).toMatch(/141a0000\.pcie/);
    expect(refused.message).toMatch(/0005:01:00\.0 .* is on nouveau, not vfio-pci/);

    // what the passthrough page does: overlay + reboot, then bind the group to vfio-pci through the simulated kernel
    await services().host.sim!.reboot({ overlay: ['141a0000.pcie'] });
    for (const a of ['0005:01:00.0', '0005:01:00.1']) {
      const drv = services().host.scan().devices.find((d) => d.address === a)!.driver!;
      for (const [p, v] of [[`sys/bus/pci/devices/${a}/driver_override`, 'vfio-pci'], [`sys/bus/pci/drivers/${drv}/unbind`, a], ['sys/bus/pci/drivers_probe', a]]) {
        expect(services().host.write(p, v)).toMatchObject({ ok: true });
      }
    }
    const checks = await as('viewer').vms.checks({ name: 'demo' });
    expect(checks.filter((c) => c.severity === 'error')).toEqual([]);

    const st = await as('admin').vms.start({ name: 'demo' });
    expect(st).toMatchObject({ state: 'running', sim: true });
    await expect(as('admin').vms.delete({ name: 'demo' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(as('admin').vms.start({ name: 'demo' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await as('admin').vms.forceStop({ name: 'demo' })).toMatchObject({ state: 'stopped' });
  });
});
