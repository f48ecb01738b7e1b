import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from './shell-quote';

describe('shellQuote', () => {
  it('leaves plain words as they are', () => {
    expect(['vfio-pci', '/sys/bus/pci/devices/0005:01:00.0/driver_override', '-machine', 'virt,gic-version=3'].map(shellQuote)).toEqual([
      'vfio-pci', '/sys/bus/pci/devices/0005:01:00.0/driver_override', '-machine', 'virt,gic-version=3',
    ]);
  });

  it('every word comes back unchanged through a real sh', () => {
    const words = ['', ' ', "it's", 'a "b"', '$HOME', '`x`', '\\', 'a\nb', '*', 'ünï 名', "''", '-'];
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${words.map(shellQuote).join(' ')}`], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(words);
  });
});
