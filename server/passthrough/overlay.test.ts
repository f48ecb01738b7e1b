import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFdt } from '../devicetree/fdt';
import { applyOverlay, defaultTools } from '../devicetree/overlay-apply';
import { planOverlay } from '../devicetree/overlay-plan';
import { devkitTree } from '../devicetree/trees';
import { baseTreePatch, installSteps, UNSAFE_INTERRUPTS_ARG } from './overlay';
import { l4tRelease, overlayForTree } from './overlay-view';

const c5 = [{ platformDevice: '141a0000.pcie' }];

describe('the overlay view for a tree', () => {
  it('r36.4.2: by path, checked with fdtoverlay against that tree, with r36 install steps', async () => {
    const view = await overlayForTree(devkitTree('r36'), c5, 'the r36 tree', 'r36');
    expect(view.targets.map((t) => t.ref)).toEqual(['&{/bus@0/pcie@141a0000}']);
    expect(view.check).toMatchObject({ ok: true, effectChecked: true, notEmptied: [], unexpected: [] });
    expect(view.check!.dtboBytes).toBeGreaterThan(100);
    expect(view.baseTreePatch).toBe('&{/bus@0/pcie@141a0000} {\n\t/delete-property/ iommus;\n};\n');
    const text = JSON.stringify(view.installSteps);
    expect(text).toContain('kernel_tegra234-p3737-0000+p3701-0000-nv.dtb');
    expect(text).toContain(`OVERLAYS /boot/jetvm-pcie-iommu.dtbo`);
    expect(text).toContain('FDT line');
    expect(text).toContain('fdtget -t x /sys/firmware/fdt /bus@0/pcie@141a0000 iommus');
  });

  it('r35.2.1: by label, with r35 install steps', async () => {
    const view = await overlayForTree(devkitTree('r35'), c5, 'the r35 tree', 'r35');
    expect(view.source).toContain('&pcie_c5_rp {\n\tiommus = <>;\n};');
    expect(view.check?.ok).toBe(true);
    expect(JSON.stringify(view.installSteps)).toContain('kernel_tegra234-p3701-0000-p3737-0000.dtb');
  });

  it('an overlay already in the tree: nothing to do, no source, no steps', async () => {
    const plan = planOverlay(parseFdt(devkitTree('r36')), c5);
    const merged = (await applyOverlay(devkitTree('r36'), plan.source!, plan.targets)).merged!;
    const view = await overlayForTree(merged, c5, 'merged', 'r36');
    expect(view).toMatchObject({ source: null, check: null, baseTreePatch: null, installSteps: [] });
    expect(view.nothingToDo[0].reason).toMatch(/already has an empty `iommus`/);
  });
});

describe('install steps', () => {
  it('name /boot, the FDT and OVERLAYS lines, the fallback and the interrupt-remapping argument', () => {
    const targets = planOverlay(parseFdt(devkitTree('r36')), c5).targets;
    const text = JSON.stringify(installSteps('r36', targets));
    expect(text).toContain('OVERLAYS /boot/jetvm-pcie-iommu.dtbo');
    expect(text).toContain(UNSAFE_INTERRUPTS_ARG);
    expect(text).toContain('/boot/extlinux/extlinux.conf');
    expect(text).toContain('Attempting Kernel Boot');
    expect(text).toContain('sudo fdtoverlay -i /boot/dtb/kernel_tegra234-p3737-0000+p3701-0000-nv.dtb');
    expect(JSON.stringify(installSteps(null, targets))).toContain('/boot/dtb/kernel_<your board>.dtb');
    expect(baseTreePatch(targets)).toContain('/delete-property/ iommus;');
  });
});

it('says so when dtc is not installed', async () => {
  const plan = planOverlay(parseFdt(devkitTree('r36')), c5);
  const r = await applyOverlay(devkitTree('r36'), plan.source!, plan.targets, { ...defaultTools, dtc: '/nonexistent/dtc' });
  expect(r).toMatchObject({ ok: false, dtcVersion: null, dtbo: null, effectChecked: false });
  expect(r.stderr).toMatch(/not installed/);
});

describe("the host's release for the install steps", () => {
  it('is the family of <root>/etc/nv_tegra_release; null without the file, for another release or a malformed one', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-release-'));
    try {
      expect(await l4tRelease(root)).toBeNull();
      const file = path.join(root, 'etc/nv_tegra_release');
      fs.mkdirSync(path.dirname(file));
      const cases: [string, string | null][] = [
        ['# R35 (release), REVISION: 2.1, GCID: 32413640, BOARD: t186ref, EABI: aarch64, DATE: Tue Jan 24 23:38:33 UTC 2023\n', 'r35'],
        ['# R36 (release), REVISION: 4.2\n', 'r36'],
        ['# R32 (release), REVISION: 7.1\n', null],
        ['# R36 \n', null],
      ];
      for (const [text, family] of cases) {
        fs.writeFileSync(file, text);
        expect(await l4tRelease(root), text).toBe(family);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
