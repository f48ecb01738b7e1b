// The overlay derived from real devkit trees (r36.4.2: no controller labels; r35.2.1: labels), applied
// with the real fdtoverlay, plus a tree without iommus and a missing controller. fdtget is the judge
// of what the reader reads.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeAt, parseFdt, FdtError } from './fdt';
import { applyOverlay, compareTrees } from './overlay-apply';
import { overlaySourceFor, planOverlay } from './overlay-plan';
import { findController, findControllerByDomain, pcieControllers } from './targets';
import { DEVKIT_TREES, devkitTree } from './trees';

const exec = promisify(execFile);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-dt-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const fdtget = async (file: string, node: string, prop: string) => (await exec('fdtget', ['-t', 'x', file, node, prop])).stdout.trim();
const both = ['141a0000.pcie', '14100000.pcie'].map((platformDevice) => ({ platformDevice }));

describe('the reader agrees with fdtget', () => {
  it.each([
    ['r36', '/bus@0/pcie@141a0000', 'iommus'],
    ['r36', '/bus@0/pcie@14100000', 'linux,pci-domain'],
    ['r35', '/pcie@141a0000', 'iommus'],
  ] as const)('%s %s %s', async (release, node, prop) => {
    const v = nodeAt(parseFdt(devkitTree(release)), node)!.props.get(prop)!;
    const words = Array.from({ length: v.length / 4 }, (_, i) => v.readUInt32BE(i * 4).toString(16));
    expect(words.join(' ')).toBe(await fdtget(DEVKIT_TREES[release].file, node, prop));
  });

  it('refuses what is not a dtb', () => {
    expect(() => parseFdt(Buffer.from('/dts-v1/; / { };'))).toThrow(FdtError);
    expect(() => parseFdt(devkitTree('r36').subarray(0, 1000))).toThrow(/truncated/);
  });
});

describe('controllers found in the tree', () => {
  it('r36.4.2: by path, no label; r35.2.1: by label', () => {
    const r36 = findController(parseFdt(devkitTree('r36')), '141a0000.pcie');
    expect(r36).toEqual({ platformDevice: '141a0000.pcie', path: '/bus@0/pcie@141a0000', label: null, ref: '&{/bus@0/pcie@141a0000}', iommus: 'set', domain: 5 });
    const r35 = findController(parseFdt(devkitTree('r35')), '14100000.pcie');
    expect(r35).toMatchObject({ path: '/pcie@14100000', label: 'pcie_c1_rp', ref: '&pcie_c1_rp', iommus: 'set', domain: 1 });
  });

  it('by PCI domain, from linux,pci-domain', () => {
    expect(findControllerByDomain(parseFdt(devkitTree('r36')), 5).platformDevice).toBe('141a0000.pcie');
    expect(() => findControllerByDomain(parseFdt(devkitTree('r36')), 0x42)).toThrow(/no PCIe controller with linux,pci-domain = 66/);
  });

  it('a controller the tree does not have is named, with those it has', () => {
    const root = parseFdt(devkitTree('r36'));
    expect(pcieControllers(root).map((c) => c.platformDevice)).toContain('141a0000.pcie');
    expect(() => findController(root, '15000000.pcie')).toThrow(/no node for 15000000\.pcie \(no pcie@15000000 anywhere in it\); its PCIe controllers are 140a0000\.pcie, .*141a0000\.pcie/);
    expect(() => findController(root, '141a0000.pcie', '/bus@0/nothing')).toThrow(/no such node/);
    expect(() => findController(root, 'pcie')).toThrow(/not a platform device name/);
  });
});

describe('the overlay, applied with fdtoverlay to the tree it was made for', () => {
  it.each(['r36', 'r35'] as const)('%s: both controllers end with an empty iommus and nothing else changes', async (release) => {
    const base = devkitTree(release);
    const plan = planOverlay(parseFdt(base), both);
    expect(plan.nothingToDo).toEqual([]);
    expect(plan.source).toContain(release === 'r36' ? '&{/bus@0/pcie@14100000} {\n\tiommus = <>;\n};' : '&pcie_c1_rp {\n\tiommus = <>;\n};');
    const check = await applyOverlay(base, plan.source!, plan.targets);
    expect(check).toMatchObject({ ok: true, effectChecked: true, stderr: '', notEmptied: [], unexpected: [] });
    const out = path.join(tmp, `${release}-merged.dtb`);
    fs.writeFileSync(out, check.merged!);
    for (const t of plan.targets) expect(await fdtget(out, t.path, 'iommus')).toBe('');
    // the same question again is answered from the cache
    expect(await applyOverlay(base, plan.source!, plan.targets)).toBe(check);
  });

  it("JetPack 5's label overlay does not apply to the r36 tree (the bug this replaces)", async () => {
    const r35Plan = planOverlay(parseFdt(devkitTree('r35')), both);
    const r36Targets = planOverlay(parseFdt(devkitTree('r36')), both).targets;
    const check = await applyOverlay(devkitTree('r36'), r35Plan.source!, r36Targets);
    expect(check.ok).toBe(false);
    expect(check.stderr).toMatch(/fdtoverlay could not apply it to this tree: .*FDT_ERR_NOTFOUND/);
  });

  it('an overlay that changes more than iommus is caught', async () => {
    const base = devkitTree('r36');
    const plan = planOverlay(parseFdt(base), [{ platformDevice: '141a0000.pcie' }]);
    const check = await applyOverlay(base, plan.source!.replace('iommus = <>;', 'iommus = <>;\n\tstatus = "disabled";'), plan.targets);
    expect(check.ok).toBe(false);
    expect(check.unexpected).toEqual(['/bus@0/pcie@141a0000: status changed']);
  });

  it('an overlay that leaves iommus set is caught', async () => {
    const base = devkitTree('r35');
    const plan = planOverlay(parseFdt(base), [{ platformDevice: '141a0000.pcie' }]);
    const seedForm = overlaySourceFor(plan.targets).replace('iommus = <>;', '/delete-property/ iommus;');
    const check = await applyOverlay(base, seedForm, plan.targets);
    expect(check).toMatchObject({ ok: false, notEmptied: ['141a0000.pcie'] });
  });

  it('a tree whose controller has no iommus (mainline style) gets nothing to do, and why', async () => {
    const file = path.join(tmp, 'mainline-style.dtb');
    fs.copyFileSync(DEVKIT_TREES.r36.file, file);
    await exec('fdtput', ['-d', file, '/bus@0/pcie@141a0000', 'iommus']);
    const plan = planOverlay(parseFdt(fs.readFileSync(file)), both);
    expect(plan.targets.map((t) => t.platformDevice)).toEqual(['14100000.pcie']);
    expect(plan.nothingToDo).toEqual([{ platformDevice: '141a0000.pcie', path: '/bus@0/pcie@141a0000', reason: expect.stringMatching(/has no `iommus` property .*nothing to take out/) }]);
  });

  it('after the overlay the same controllers have nothing left to do', async () => {
    const base = devkitTree('r36');
    const plan = planOverlay(parseFdt(base), both);
    const merged = (await applyOverlay(base, plan.source!, plan.targets)).merged!;
    const again = planOverlay(parseFdt(merged), both);
    expect(again.source).toBeNull();
    expect(again.nothingToDo.map((n) => n.reason)).toEqual([expect.stringMatching(/already has an empty `iommus`/), expect.stringMatching(/already has an empty/)]);
    expect(compareTrees(base, merged, plan.targets)).toEqual({ notEmptied: [], unexpected: [] });
  });
});
