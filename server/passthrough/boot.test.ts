import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MODPROBE_CONF, MODULES_LOAD, planBootConfig, removeBootFiles, UDEV_RULE, writeBootFiles, type BootDevice } from './boot';
import { asPciAddress } from '../../common/pci-address';

const gpu: BootDevice[] = [
  { address: asPciAddress('0005:01:00.0'), vendor: '10de', device: '1fb1', hostDriver: 'nouveau' },
  { address: asPciAddress('0005:01:00.1'), vendor: '10de', device: '10fa', hostDriver: 'snd_hda_intel' },
];

const dirs: string[] = [];
const tempRoot = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-boot-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('bind-at-boot files', () => {
  it('udev: one driver_override rule per function, and vfio-pci loaded at boot', () => {
    const cfg = planBootConfig(gpu);
    expect(cfg.files.map((f) => f.path)).toEqual([UDEV_RULE, MODULES_LOAD]);
    const rules = cfg.files[0].content.split('\n').filter((l) => l.startsWith('ACTION'));
    expect(rules).toEqual([
      'ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0005:01:00.0", ATTR{driver_override}="vfio-pci"',
      'ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0005:01:00.1", ATTR{driver_override}="vfio-pci"',
    ]);
    expect(cfg.alternative[0].path).toBe(MODPROBE_CONF);
  });

  it('modprobe: ids once each, a softdep per host module, and the ids caveat', () => {
    const cfg = planBootConfig([...gpu, { address: asPciAddress('0000:03:00.0'), vendor: '1234', device: '1111', hostDriver: 'bochs-drm' }], 'modprobe');
    const lines = cfg.files[0].content.split('\n');
    expect(lines).toContain('options vfio-pci ids=10de:1fb1,10de:10fa,1234:1111');
    expect(lines).toContain('softdep nouveau pre: vfio-pci');
    expect(lines).toContain('softdep snd_hda_intel pre: vfio-pci');
    expect(lines).toContain('softdep bochs pre: vfio-pci');
    expect(cfg.notes.join('\n')).toMatch(/EVERY card with the same IDs/);
  });

  it('refuses an empty device list', () => {
    expect(() => planBootConfig([])).toThrow(/at least one device/);
  });

  it('writes under the given root and removes exactly what it wrote', () => {
    const root = tempRoot();
    fs.mkdirSync(path.join(root, 'etc/udev/rules.d'), { recursive: true });
    const neighbour = path.join(root, 'etc/udev/rules.d/99-someone-else.rules');
    fs.writeFileSync(neighbour, '# not ours\n');
    const written = writeBootFiles(root, planBootConfig(gpu).files);
    expect(written.map((w) => w.path)).toEqual([path.join(root, UDEV_RULE), path.join(root, MODULES_LOAD)]);
    expect(fs.readFileSync(path.join(root, UDEV_RULE), 'utf8')).toContain('KERNEL=="0005:01:00.1"');

    const removed = removeBootFiles(written);
    expect(removed.removed).toEqual(written.map((w) => w.path));
    expect(fs.existsSync(path.join(root, UDEV_RULE))).toBe(false);
    expect(fs.readFileSync(neighbour, 'utf8')).toBe('# not ours\n');
    expect(fs.readdirSync(path.join(root, 'etc/udev/rules.d'))).toEqual(['99-someone-else.rules']);
  });

  it('leaves a file the user changed since, and reports one already gone', () => {
    const root = tempRoot();
    const written = writeBootFiles(root, planBootConfig(gpu).files);
    fs.appendFileSync(written[0].path, '# my edit\n');
    fs.unlinkSync(written[1].path);
    const r = removeBootFiles(written);
    expect(r).toEqual({ removed: [], keptModified: [written[0].path], alreadyGone: [written[1].path] });
    expect(fs.existsSync(written[0].path)).toBe(true);
  });

  it('refuses a target outside /etc and a relative root', () => {
    expect(() => writeBootFiles(tempRoot(), [{ path: '/boot/x', content: '', purpose: '' }])).toThrow(/outside \/etc/);
    expect(() => writeBootFiles(tempRoot(), [{ path: '/etc/../x', content: '', purpose: '' }])).toThrow(/outside \/etc/);
    expect(() => writeBootFiles('relative', planBootConfig(gpu).files)).toThrow(/absolute/);
  });
});
