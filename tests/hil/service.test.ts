// The Jetson service under a real systemd (issue #16): L1 boots with systemd as PID 1, the installer
// runs inside it as on a board (--in-place: this built clone is the program), and every check is made
// against what systemd and L1's kernel report: the unit active, the dashboard answering on its port, and
// a running guest's QEMU — the same process — surviving `systemctl restart jetvm` and `systemctl stop jetvm`,
// re-adopted by the new service.
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestPaths } from '../../server/vm/guest';
import { Api } from './api';
import { ADMIN_PASSWORD, L1, PROJECT, waitFor } from './machine';
import { record } from './report';

const VM = 'svc';
let l1: L1;
let qemuPid = 0;

const systemctl = async (args: string) => (await l1.probe.run(`systemctl ${args}`, 300_000)).out.trim();
const alive = async (pid: number) => (await l1.probe.run(`kill -0 ${pid}`)).code === 0;
const mainPid = async () => Number(await systemctl('show -P MainPID jetvm'));

async function answering(): Promise<Api> {
  const api = new Api(l1.url);
  await waitFor(
    async () => {
      try {
        await api.login('admin', ADMIN_PASSWORD);
        return true;
      } catch {
        return false;
      }
    },
    600_000,
    () => 'the service did not answer on its port',
  );
  return api;
}

beforeAll(async () => {
  l1 = await L1.boot({ intremap: 'on', init: 'systemd' });
}, 900_000);

afterAll(async () => {
  if (l1) {
    record({ timings: l1.timings });
    await l1.shutdown();
  }
});

describe('jetvm.service under systemd in L1', () => {
  it('systemd is PID 1', async () => {
    expect(await l1.probe.ok('cat /proc/1/comm')).toBe('systemd\n');
  });

  it('the installer sets it up and the service answers on its port', async () => {
    const guest = guestPaths();
    // settings made before the install are kept by it (what an upgrade relies on)
    await l1.probe.ok(`mkdir -p /etc/jetvm && cat > /etc/jetvm/jetvm.env <<'EOF'
PORT=3000
JETVM_HOST=real
JETVM_DATA_DIR=/var/lib/jetvm
JETVM_ADMIN_PASSWORD=${ADMIN_PASSWORD}
JETVM_GUEST_CACHE=${guest.dir}
HOME=${os.homedir()}
LOG_LEVEL=info
EOF`);
    const t0 = Date.now();
    const out = await l1.probe.ok(`cd ${PROJECT} && bash scripts/install-jetson.sh --in-place --allow-non-jetson --no-deps 2>&1`, 600_000);
    expect(out).toContain('kept /etc/jetvm/jetvm.env');
    expect(out).toContain('jetvm is running: open http://');
    expect(await systemctl('is-enabled jetvm')).toBe('enabled');
    expect(await systemctl('is-active jetvm')).toBe('active');
    await answering();
    l1.timings['installer -> service answering in L1'] = Math.round((Date.now() - t0) / 100) / 10;
    expect(await l1.probe.ok('journalctl -u jetvm --no-pager -o cat')).toContain('jetvm ready on');
    expect(await l1.probe.ok('stat -c %a /var/lib/jetvm')).toBe('750\n');
  });

  it('a running guest keeps running through systemctl restart, and the new service re-adopts it', async () => {
    const api = await answering();
    const guest = guestPaths();
    await api.mutate('vms.create', { name: VM, kernel: guest.kernel, initrd: guest.initrd, memoryMiB: 256, vcpus: 1, cmdline: 'console=ttyAMA0 panic=-1', devices: [] });
    await api.mutate('vms.start', { name: VM });
    qemuPid = (await api.query('vms.get', { name: VM })).status.pid;
    expect(qemuPid).toBeGreaterThan(0);
    expect(await l1.probe.ok(`cat /proc/${qemuPid}/comm`)).toBe('qemu-system-aar\n');
    const before = await mainPid();

    await systemctl('restart jetvm');
    expect(await systemctl('is-active jetvm')).toBe('active');
    expect(await mainPid()).not.toBe(before);
    expect(await alive(qemuPid)).toBe(true);
    const again = await answering();
    const { status } = await again.query('vms.get', { name: VM });
    expect(status).toMatchObject({ state: 'running', pid: qemuPid });
  });

  it('systemctl stop leaves the guest running (the documented policy); start adopts it again', async () => {
    await systemctl('stop jetvm');
    expect(await systemctl('is-active jetvm')).toBe('inactive');
    expect(await alive(qemuPid)).toBe(true);
    await systemctl('start jetvm');
    const api = await answering();
    expect((await api.query('vms.get', { name: VM })).status).toMatchObject({ state: 'running', pid: qemuPid });
    await api.mutate('vms.stop', { name: VM, timeoutSec: 5 });
    await waitFor(async () => !(await alive(qemuPid)), 120_000, () => 'QEMU did not exit after vms.stop');
  });
});
