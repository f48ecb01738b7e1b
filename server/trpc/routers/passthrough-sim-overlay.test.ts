// passthrough.simOverlay: the UI adds a controller's label to those already applied, so a second
// simulated reboot (another slot's overlay) does not take the first overlay away.
import { describe, expect, it } from 'vitest';
import type { Services } from '../../services';
import { contextFor, useSimServices } from '../testing/sim-services';
import { createCallerFactory, router } from '../trpc';
import { passthroughRouter } from './passthrough';

const makeCaller = createCallerFactory(router({ passthrough: passthroughRouter }));
const services = useSimServices('t600');
const as = (role: 'admin' | 'viewer') => makeCaller(contextFor(services(), role)).passthrough;

describe('passthrough.simOverlay', () => {
  it('names the labels the simulated Orin booted with, for viewers too', async () => {
    expect(await as('viewer').simOverlay()).toEqual({ overlayLabels: [] });
    await as('admin').applyOverlayAndReboot({ labels: ['pcie_c5_rp'] });
    expect(await as('viewer').simOverlay()).toEqual({ overlayLabels: ['pcie_c5_rp'] });
    await as('admin').applyOverlayAndReboot({ labels: ['pcie_c1_rp', 'pcie_c5_rp'] });
    expect(await as('viewer').simOverlay()).toEqual({ overlayLabels: ['pcie_c1_rp', 'pcie_c5_rp'] });
  });

  it('is null on a real host, where jetvm does not know what the bootloader applied', async () => {
    const real = { ...services(), host: { ...services().host, mode: 'real', sim: null } } as Services;
    const caller = makeCaller(contextFor(real, 'viewer'));
    expect(await caller.passthrough.simOverlay()).toEqual({ overlayLabels: null });
  });
});
