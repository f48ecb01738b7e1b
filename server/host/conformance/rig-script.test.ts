import { describe, expect, it } from 'vitest';
import { buildRigScript, parseRigOutput } from './rig-script';
import { expandSequences, resetSteps } from './sequences';

describe('rig script', () => {
  it('writes every step, quoting values, with the condition for conditional unbinds', () => {
    const steps = expandSequences();
    const script = buildRigScript('echo capture', steps);
    expect(script.startsWith('dmesg -n 1\necho capture\n')).toBe(true);
    expect(script).toContain("w 1 '/sys/bus/pci/devices/0000:03:00.0/driver_override' 'vfio-pci' ''");
    expect(script).toContain("w 2 '/sys/bus/pci/devices/0000:03:00.0/driver/unbind' '0000:03:00.0' '/sys/bus/pci/devices/0000:03:00.0/driver'");
    expect(script).toContain("dump 'bind-one-function'");
    expect(script.trim().endsWith('echo "@@DONE"')).toBe(true);
    expect(() => buildRigScript('', [{ step: { kind: 'write', path: 'x', value: "it's" } }])).toThrow(/cannot quote/);
  });

  it('resets clear every override before re-probing', () => {
    const r = resetSteps();
    const firstProbe = r.findIndex((s) => s.kind === 'write' && s.path === 'sys/bus/pci/drivers_probe');
    expect(r.slice(firstProbe).every((s) => s.kind === 'write' && s.path === 'sys/bus/pci/drivers_probe')).toBe(true);
  });

  it('parses the snapshot, writes, skips, errors and state lines, ignoring console noise', () => {
    const out = [
      '@@TAR-BEGIN',
      Buffer.from('hello').toString('base64'),
      '[   32.679427] snd_hda_intel 0000:03:00.1: no codecs found!',
      '@@TAR-END',
      '@@W 0 rc=0  ',
      '@@W 1 skip',
      '@@W 2 rc=1 sh: write error: No such device ',
      "@@W 3 rc=2 sh: can't create /sys/bus/pci/devices/0000:09:00.0/driver_override: nonexistent directory ",
      '@@D s1 0000:03:00.0 vfio-pci 2 vfio-pci',
      '@@D s1 0000:03:00.1 snd_hda_intel 2 two words!',
      '@@D s1 0000:00:00.0 - - (null)',
      '@@L s1 vfio-pci 0000:03:00.0',
      '@@G s1 2 0000:00:05.0 0000:03:00.1 0000:03:00.0 ',
      '@@V s1 2 vfio ',
      '@@DONE',
    ].join('\n');
    const run = parseRigOutput(out);
    expect(run.snapshot.toString()).toBe('hello');
    expect(run.done).toBe(true);
    expect([...run.writes.entries()]).toEqual([
      [0, { outcome: 'ok' }],
      [1, { outcome: 'skipped' }],
      [2, { outcome: 'failed', errno: 'ENODEV', text: 'sh: write error: No such device' }],
      [3, { outcome: 'failed', errno: 'ENOENT', text: "sh: can't create /sys/bus/pci/devices/0000:09:00.0/driver_override: nonexistent directory" }],
    ]);
    expect(run.dumps.s1).toEqual({
      devices: {
        '0000:00:00.0': { driver: '-', group: '-', override: '(null)' },
        '0000:03:00.0': { driver: 'vfio-pci', group: '2', override: 'vfio-pci' },
        '0000:03:00.1': { driver: 'snd_hda_intel', group: '2', override: 'two words!' },
      },
      driverLinks: ['vfio-pci 0000:03:00.0'],
      groups: { '2': ['0000:00:05.0', '0000:03:00.0', '0000:03:00.1'] },
      vfio: ['2', 'vfio'],
    });
  });

  it('refuses output without a snapshot', () => {
    expect(() => parseRigOutput('@@W 0 rc=0')).toThrow(/no snapshot/);
  });
});
