import { describe, expect, it } from 'vitest';
import { baseTreePatch, installSteps, overlaySource, UNSAFE_INTERRUPTS_ARG } from './overlay';
import { checkOverlay, defaultTools } from './overlay-dtc';

describe('overlay source', () => {
  it('is a complete /plugin/ file with one node per label, sorted and deduplicated', () => {
    const src = overlaySource(['pcie_c5_rp', 'pcie_c1_rp', 'pcie_c5_rp']);
    expect(src).toContain('/dts-v1/;\n/plugin/;\n');
    expect(src).toContain('&pcie_c1_rp {\n\tiommus = <>;\n};\n\n&pcie_c5_rp {\n\tiommus = <>;\n};');
    expect(baseTreePatch(['pcie_c1_rp'])).toBe('&pcie_c1_rp {\n\t/delete-property/ iommus;\n};\n');
  });

  it.each([['Pcie_c5_rp'], ['5pcie'], ['pcie-c5'], ['x { }; / { evil; }'], [''], ['a'.repeat(65)]])('refuses the label %j', (label) => {
    expect(() => overlaySource([label])).toThrow(/device-tree label/);
  });

  it('refuses an empty label list', () => {
    expect(() => overlaySource([])).toThrow(/at least one/);
  });

  it('install steps name /boot, the OVERLAYS line and the interrupt-remapping argument', () => {
    const text = JSON.stringify(installSteps(['pcie_c5_rp']));
    expect(text).toContain('OVERLAYS /boot/jetvm-pcie-iommu.dtbo');
    expect(text).toContain(UNSAFE_INTERRUPTS_ARG);
    expect(text).toContain('/boot/extlinux/extlinux.conf');
  });
});

describe('overlay checked with the real dtc and fdtoverlay', () => {
  it('compiles, and applied to a tree it empties iommus on every labelled controller', async () => {
    const r = await checkOverlay(overlaySource(['pcie_c1_rp', 'pcie_c5_rp']), ['pcie_c1_rp', 'pcie_c5_rp']);
    expect(r.stderr).toBe('');
    expect(r.dtcVersion).toMatch(/^DTC \d/);
    expect(r.effectChecked).toBe(true);
    expect(r.ok).toBe(true);
    expect(r.dtbo!.readUInt32BE(0)).toBe(0xd00dfeed);
  });

  it("catches the seed's /delete-property/ form: it compiles but deletes nothing as an overlay", async () => {
    const seed = `/dts-v1/;\n/plugin/;\n${baseTreePatch(['pcie_c5_rp'])}`;
    const r = await checkOverlay(seed, ['pcie_c5_rp']);
    expect(r.dtbo).not.toBeNull();
    expect(r.ok).toBe(false);
    expect(r.notEmptied).toEqual(['pcie_c5_rp']);
    expect(r.stderr).toMatch(/leaves `iommus` set on &pcie_c5_rp/);
  });

  it("reports dtc's own error text for a broken source", async () => {
    const r = await checkOverlay('/dts-v1/;\n/plugin/;\n&pcie_c5_rp { iommus = <> };\n', ['pcie_c5_rp']);
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/syntax error/);
  });

  it('reports a label the tree does not have', async () => {
    const r = await checkOverlay(overlaySource(['pcie_c9_rp']).replace('&pcie_c9_rp', '&pcie_zz'), ['pcie_c9_rp']);
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/fdtoverlay could not apply it/);
  });

  it('says so when dtc is not installed', async () => {
    const r = await checkOverlay(overlaySource(['pcie_c5_rp']), ['pcie_c5_rp'], { ...defaultTools, dtc: '/nonexistent/dtc' });
    expect(r).toMatchObject({ ok: false, dtcPresent: false, dtbo: null });
  });
});
