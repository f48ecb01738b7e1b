// /etc/nv_tegra_release as L4T writes it. The R35.2.1 and R36.4.7 lines are as Jetsons print them
// (`cat /etc/nv_tegra_release` in public posts; R36 adds the lines after the first); the R32 line is
// written in their shape (a Nano's JetPack 4, a release jetvm has no tree for).
import { describe, expect, it } from 'vitest';
import { parseNvTegraRelease } from './nv-tegra-release';

const R35 = '# R35 (release), REVISION: 2.1, GCID: 32413640, BOARD: t186ref, EABI: aarch64, DATE: Tue Jan 24 23:38:33 UTC 2023\n';
const R36 =
  '# R36 (release), REVISION: 4.7, GCID: 42132812, BOARD: generic, EABI: aarch64, DATE: Thu Sep 18 22:54:44 UTC 2025\n' +
  '# KERNEL_VARIANT: oot\nTARGET_USERSPACE_LIB_DIR=nvidia\nTARGET_USERSPACE_LIB_DIR_PATH=usr/lib/aarch64-linux-gnu/nvidia\n';
const R32 = '# R32 (release), REVISION: 7.1, GCID: 0, BOARD: t210ref, EABI: aarch64, DATE: -\n';

describe('parseNvTegraRelease', () => {
  it('reads the release from the first line, with the family jetvm carries a tree for', () => {
    expect(parseNvTegraRelease(R35)).toEqual({ name: 'R35.2.1', major: 35, revision: '2.1', family: 'r35' });
    expect(parseNvTegraRelease(R36)).toEqual({ name: 'R36.4.7', major: 36, revision: '4.7', family: 'r36' });
    // the simulated Orin writes the opening fields only (server/host/sim/orin.ts)
    expect(parseNvTegraRelease('# R36 (release), REVISION: 4.2\n')).toEqual({ name: 'R36.4.2', major: 36, revision: '4.2', family: 'r36' });
  });

  it('names another release but gives it no family', () => {
    expect(parseNvTegraRelease(R32)).toEqual({ name: 'R32.7.1', major: 32, revision: '7.1', family: null });
  });

  it('refuses text that does not open with the release line', () => {
    for (const text of [
      '',
      '\n',
      '# R36 \n', // no "(release), REVISION:"
      '# R36 (release), REVISION: \n',
      '# R36 (release), REVISION: x.2\n',
      'R36 (release), REVISION: 4.2\n', // no "# "
      '# Rxx (release), REVISION: 4.2\n',
      `\n${R36}`, // not the first line
      '# KERNEL_VARIANT: oot\n',
    ]) {
      expect(parseNvTegraRelease(text), JSON.stringify(text)).toBeNull();
    }
  });
});
