// The Jetson installer, run into a staging root (--root): what it writes, that systemd accepts the unit,
// that a second run keeps the configuration, that --uninstall keeps the data, and that it refuses what it
// cannot install on. The running service itself is proven in the hardware-in-the-loop VM.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../..');
const INSTALLER = path.join(REPO, 'scripts/install-jetson.sh');
const R36 = '# R36 (release), REVISION: 4.3, GCID: 38968081, BOARD: generic, EABI: aarch64, DATE: Wed Jan  8 01:49:37 UTC 2025\n';
const R35 = '# R35 (release), REVISION: 6.0, GCID: 35066185, BOARD: t186ref, EABI: aarch64, DATE: Fri Jul 19 23:18:36 UTC 2024\n';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function stagingRoot(release: string | null): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-install-'));
  roots.push(root);
  fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
  if (release) fs.writeFileSync(path.join(root, 'etc/nv_tegra_release'), release);
  return root;
}

async function install(root: string, ...args: string[]) {
  return run('bash', [INSTALLER, '--root', root, '--no-build', ...args], { cwd: REPO });
}

async function failure(p: Promise<unknown>): Promise<{ code: number; stderr: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
  throw new Error('the installer succeeded where it should have refused');
}

const read = (root: string, p: string) => fs.readFileSync(path.join(root, p), 'utf8');

describe('scripts/install-jetson.sh', () => {
  it('passes shellcheck', async () => {
    await run('shellcheck', [INSTALLER]);
  });

  it.each([
    ['r36', R36, 'L4T r36.4.3'],
    ['r35', R35, 'L4T r35.6.0'],
  ])('installs on %s: program, env file, a unit systemd-analyze accepts, udev and module rules', async (_, release, says) => {
    const root = stagingRoot(release);
    const { stdout } = await install(root);
    expect(stdout).toContain(says);
    expect(fs.existsSync(path.join(root, 'opt/jetvm/server/main.ts'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'opt/jetvm/node_modules'))).toBe(false);
    expect(fs.statSync(path.join(root, 'var/lib/jetvm')).isDirectory()).toBe(true);
    expect(fs.statSync(path.join(root, 'etc/jetvm/jetvm.env')).mode & 0o777).toBe(0o600);

    const unit = read(root, 'etc/systemd/system/jetvm.service');
    expect(unit).not.toMatch(/@[A-Z]+@/);
    expect(unit).toMatch(/^ExecStart=\/bin\/bash \/opt\/jetvm\/scripts\/start\.sh$/m);
    expect(unit).toContain(`Environment=NODE=${fs.realpathSync(process.execPath)}\n`);
    expect(unit).toMatch(/^KillMode=process$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^LimitMEMLOCK=infinity$/m);
    expect(unit).not.toMatch(/^(ProtectKernelTunables|PrivateDevices|ProtectClock)=/m);
    const verify = await run('systemd-analyze', ['verify', path.join(root, 'etc/systemd/system/jetvm.service')]);
    expect(verify.stderr).toBe('');

    expect(read(root, 'etc/udev/rules.d/70-jetvm-vfio.rules')).toMatch(/^SUBSYSTEM=="vfio", OWNER="root", GROUP="kvm", MODE="0660"$/m);
    expect(read(root, 'etc/modules-load.d/jetvm.conf')).toBe('vfio-pci\n');
  });

  it('--in-place runs the service from the clone, with a drop-in that lets it live in /tmp or a home directory', async () => {
    const root = stagingRoot(R36);
    const built = ['node_modules', '.next', 'dist'].every((d) => fs.existsSync(path.join(REPO, d)));
    if (!built) {
      const { code, stderr } = await failure(install(root, '--in-place'));
      expect(code).toBe(1);
      expect(stderr).toContain('--in-place needs a built clone');
      return;
    }
    await install(root, '--in-place');
    expect(fs.existsSync(path.join(root, 'opt/jetvm'))).toBe(false);
    expect(read(root, 'etc/systemd/system/jetvm.service')).toContain(`ExecStart=/bin/bash ${REPO}/scripts/start.sh`);
    expect(read(root, 'etc/systemd/system/jetvm.service.d/in-place.conf')).toMatch(/^PrivateTmp=no$/m);
    await run('systemd-analyze', ['verify', path.join(root, 'etc/systemd/system/jetvm.service')]);
    await install(root, '--uninstall');
    expect(fs.existsSync(path.join(REPO, 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'etc/systemd/system/jetvm.service.d/in-place.conf'))).toBe(false);
  });

  it('documents every variable the server reads in the env file it writes', async () => {
    const root = stagingRoot(R36);
    await install(root);
    const env = read(root, 'etc/jetvm/jetvm.env');
    const config = fs.readFileSync(path.join(REPO, 'server/config.ts'), 'utf8');
    const read_ = new Set([...config.matchAll(/env(?:\.|, ')([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]).filter((n) => !n.startsWith('XDG_')));
    expect(read_.size).toBeGreaterThan(5);
    for (const name of read_) expect(env, `${name} is not in jetvm.env`).toMatch(new RegExp(`^#?${name}=`, 'm'));
  });

  it('is idempotent: a second run replaces the program and keeps the edited configuration', async () => {
    const root = stagingRoot(R36);
    await install(root);
    const envPath = path.join(root, 'etc/jetvm/jetvm.env');
    fs.appendFileSync(envPath, 'PORT=8443\n');
    fs.writeFileSync(path.join(root, 'opt/jetvm/stale-file'), 'from an older version');
    const unitBefore = read(root, 'etc/systemd/system/jetvm.service');
    const { stdout } = await install(root);
    expect(stdout).toContain('kept ');
    expect(read(root, 'etc/jetvm/jetvm.env')).toMatch(/^PORT=8443$/m);
    expect(fs.existsSync(path.join(root, 'opt/jetvm/stale-file'))).toBe(false);
    expect(read(root, 'etc/systemd/system/jetvm.service')).toBe(unitBefore);
    expect(fs.readdirSync(path.join(root, 'opt')).sort()).toEqual(['jetvm']);
  });

  it('--uninstall removes the program, unit and rules, and keeps the database, disks and configuration', async () => {
    const root = stagingRoot(R36);
    await install(root);
    fs.writeFileSync(path.join(root, 'var/lib/jetvm/jetvm.db'), 'database');
    fs.mkdirSync(path.join(root, 'var/lib/jetvm/images'));
    fs.writeFileSync(path.join(root, 'var/lib/jetvm/images/guest.qcow2'), 'disk');
    const { stdout } = await install(root, '--uninstall');
    expect(stdout).toContain('Kept: /var/lib/jetvm');
    for (const gone of ['opt/jetvm', 'etc/systemd/system/jetvm.service', 'etc/udev/rules.d/70-jetvm-vfio.rules', 'etc/modules-load.d/jetvm.conf'])
      expect(fs.existsSync(path.join(root, gone)), gone).toBe(false);
    expect(read(root, 'var/lib/jetvm/jetvm.db')).toBe('database');
    expect(read(root, 'var/lib/jetvm/images/guest.qcow2')).toBe('disk');
    expect(fs.existsSync(path.join(root, 'etc/jetvm/jetvm.env'))).toBe(true);
  });

  it('refuses a machine that is not a Jetson unless told, and an unsupported release, writing nothing', async () => {
    for (const [release, message] of [
      [null, 'this is not a Jetson'],
      ['# R34 (release), REVISION: 1.1, GCID: 1, BOARD: t186ref, EABI: aarch64, DATE: x\n', 'L4T r34.1.1 is not supported'],
    ] as const) {
      const root = stagingRoot(release);
      const { code, stderr } = await failure(install(root));
      expect(code).toBe(1);
      expect(stderr).toContain(message);
      expect(fs.readdirSync(root)).toEqual(['etc']);
    }
    const generic = stagingRoot(null);
    expect((await install(generic, '--allow-non-jetson')).stdout).toContain('not a Jetson: installing anyway');
  });

  it('answers a bad command line with its usage and exit 2', async () => {
    const root = stagingRoot(R36);
    expect((await failure(install(root, '--frobnicate'))).code).toBe(2);
    expect((await failure(install(root, '--prefix', 'relative/dir'))).code).toBe(2);
    expect(fs.readdirSync(root)).toEqual(['etc']);
  });
});
