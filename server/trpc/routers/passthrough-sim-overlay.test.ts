// passthrough.simOverlay: the UI adds a controller to those already applied, so a second
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
  it('names the release and the controllers the simulated Orin booted with, for viewers too', async () => {
    expect(await as('viewer').simOverlay()).toEqual({ release: 'r36', controllers: [] });
    await as('admin').applyOverlayAndReboot({ controllers: ['141a0000.pcie'] });
    expect(await as('viewer').simOverlay()).toEqual({ release: 'r36', controllers: ['141a0000.pcie'] });
    await as('admin').applyOverlayAndReboot({ controllers: ['14100000.pcie', '141a0000.pcie'] });
    expect(await as('viewer').simOverlay()).toEqual({ release: 'r36', controllers: ['14100000.pcie', '141a0000.pcie'] });
  });

  it('is null on a real host, where jetvm does not know what the bootloader applied', async () => {
    const real = { ...services(), host: { ...services().host, mode: 'real', sim: null } } as Services;
    const caller = makeCaller(contextFor(real, 'viewer'));
    expect(await caller.passthrough.simOverlay()).toEqual({ release: null, controllers: null });
  });
});
