// `jetvm overlay` as a user runs it (bin/jetvm.mjs in its own process, JETVM_HOST=sim always), on the
// real devkit trees; what it prints is then applied by the real fdtoverlay, independently of --check.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEVKIT_TREES } from '../devicetree/trees';
import { makeTempDir } from '../host/scan/fixtures';

const exec = promisify(execFile);
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/jetvm.mjs');
const cwd = makeTempDir('jetvm-overlay-cli-');
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

async function jetvm(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'LOG_LEVEL'));
  try {
    const r = await exec(process.execPath, [BIN, ...args], { cwd, env: { ...base, JETVM_HOST: 'sim', JETVM_DATA_DIR: path.join(cwd, 'data') } as unknown as NodeJS.ProcessEnv });
    return { status: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { status: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

/** Compiles what the CLI printed and applies it to the tree with fdtoverlay; the iommus of each node, as fdtget prints them. */
async function applyPrinted(source: string, dtb: string, nodes: string[]): Promise<string[]> {
  const dts = path.join(cwd, `printed-${path.basename(dtb)}.dts`);
  fs.writeFileSync(dts, source);
  await exec('dtc', ['-@', '-q', '-I', 'dts', '-O', 'dtb', '-o', `${dts}.dtbo`, dts]);
  await exec('fdtoverlay', ['-i', dtb, '-o', `${dts}.merged.dtb`, `${dts}.dtbo`]);
  const sorted = async (f: string) => (await exec('dtc', ['-q', '-s', '-I', 'dtb', '-O', 'dts', f], { maxBuffer: 64 << 20 })).stdout.split('\n');
  const [before, after] = await Promise.all([sorted(dtb), sorted(`${dts}.merged.dtb`)]);
  // line by line (dtc -s), only iommus lines may differ
  expect(after.length).toBe(before.length);
  expect(before.filter((l, i) => l !== after[i] && !/^\s*iommus[ ;]/.test(l))).toEqual([]);
  return Promise.all(nodes.map(async (n) => (await exec('fdtget', ['-t', 'x', `${dts}.merged.dtb`, n, 'iommus'])).stdout.trim()));
}

describe('jetvm overlay --dtb', () => {
  it.each([
    ['r36', ['/bus@0/pcie@141a0000', '/bus@0/pcie@14100000'], '&{/bus@0/pcie@141a0000} {'],
    ['r35', ['/pcie@141a0000', '/pcie@14100000'], '&pcie_c5_rp {'],
  ] as const)('%s devkit tree: prints an overlay fdtoverlay applies, emptying both controllers\' iommus and nothing else', async (release, nodes, ref) => {
    const dtb = DEVKIT_TREES[release].file;
    const r = await jetvm('overlay', '--dtb', dtb, '--check', '141a0000.pcie', '14100000.pcie');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(ref);
    expect(r.stderr).toMatch(/checked with DTC [\d.]+ and fdtoverlay against .*: iommus is empty on .*; every other node and property is unchanged/);
    expect(await applyPrinted(r.stdout, dtb, [...nodes])).toEqual(['', '']);
  });

  it('takes PCI addresses and slots as targets: the same overlay', async () => {
    const dtb = DEVKIT_TREES.r36.file;
    const [byName, byOther] = await Promise.all([jetvm('overlay', '--dtb', dtb, '141a0000.pcie', '14100000.pcie'), jetvm('overlay', '--dtb', dtb, '0005:01:00.0', 'm2e')]);
    expect(byOther).toEqual(byName);
    expect(byName.status).toBe(0);
  });

  it('a controller the tree does not have: exit 1 and which ones it has', async () => {
    const r = await jetvm('overlay', '--dtb', DEVKIT_TREES.r36.file, '15000000.pcie');
    expect(r).toMatchObject({ status: 1, stdout: '' });
    expect(r.stderr).toMatch(/^jetvm overlay: the device tree has no node for 15000000\.pcie .*its PCIe controllers are 140a0000\.pcie/);
    const pci = await jetvm('overlay', '--dtb', DEVKIT_TREES.r36.file, '0042:01:00.0');
    expect(pci.status).toBe(1);
    expect(pci.stderr).toMatch(/no PCIe controller with linux,pci-domain = 66/);
  });

  it('a tree whose controller has no iommus: nothing to do, and why', async () => {
    const dtb = path.join(cwd, 'mainline-style.dtb');
    fs.copyFileSync(DEVKIT_TREES.r36.file, dtb);
    await exec('fdtput', ['-d', dtb, '/bus@0/pcie@141a0000', 'iommus']);
    const r = await jetvm('overlay', '--dtb', dtb, '--check', 'x8');
    expect(r).toMatchObject({ status: 0, stdout: '' });
    expect(r.stderr).toMatch(/141a0000\.pcie: nothing to do — \/bus@0\/pcie@141a0000 has no `iommus` property/);
  });

  it('bad arguments: exit 2 with the usage', async () => {
    for (const args of [['overlay'], ['overlay', 'pcie_c5_rp'], ['overlay', '--dtb', 'nope.dtb', 'x8'], ['overlay', '--frob', 'x8']]) {
      const r = await jetvm(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage: jetvm scan');
    }
  });

  it('a file that is not a device tree: exit 1', async () => {
    fs.writeFileSync(path.join(cwd, 'not.dtb'), '/dts-v1/; / { };');
    const r = await jetvm('overlay', '--dtb', 'not.dtb', 'x8');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not a flattened device tree/);
  });
});

describe('jetvm overlay on the configured host', () => {
  it("derives it from the simulated Orin's booted tree (/sys/firmware/fdt, of_node links)", async () => {
    const r = await jetvm('overlay', '--check', 'x8');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('&{/bus@0/pcie@141a0000} {\n\tiommus = <>;\n};');
    expect(r.stderr).toMatch(/against .*\/sim\/root\/sys\/firmware\/fdt/);
  });
});
