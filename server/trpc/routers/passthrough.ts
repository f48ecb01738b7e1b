// Passing a device through: plans (the exact writes), apply/release with progress, the DT overlay,
// bind at boot, preflight. Thin: validate, call the passthrough services, map their errors.
import { z } from 'zod';
import { BOOT_METHODS } from '../../passthrough/boot';
import { pciAddressSchema } from '../../../common/pci-address';
import { platformDeviceSchema } from '../../passthrough/validate';
import { actorOf, adminProcedure, router, viewerProcedure } from '../trpc';
import { largestPinnedGuest } from '../../vm/sizing';
import { PREFLIGHT_RAM_MIB } from '../../../common/host-size';

const addressInput = z.object({ address: pciAddressSchema });
const operationId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'an operation id is 8-64 letters, digits, "-" or "_"');
const changeInput = z.object({
  address: pciAddressSchema,
  /** the writes the user was shown: refused if the host changed since */
  confirmedWrites: z.array(z.object({ path: z.string().max(200), value: z.string().max(64) })).max(64).optional(),
  /** follow the progress with passthrough.progress({ operationId }) */
  operationId: operationId.optional(),
});



export const passthroughRouter = router({
  /** The plan for handing the device's whole IOMMU group to vfio-pci: writes, refusals, notes, shell script. */
  plan: viewerProcedure.input(addressInput).query(({ ctx, input }) => ctx.services.passthrough.passthrough.plan(input.address)),

  /** The plan for giving the group back to the host drivers. */
  planRelease: viewerProcedure.input(addressInput).query(({ ctx, input }) => ctx.services.passthrough.passthrough.planRelease(input.address)),

  /** Hand the whole group to vfio-pci (the plan of passthrough.plan), rolled back on any failure. */
  bind: adminProcedure.input(changeInput).mutation(async ({ ctx, input }) => {
    const s = ctx.services.passthrough;
    const onEvent = input.operationId ? s.progress.reporter(input.operationId) : undefined;
    return s.passthrough.apply(actorOf(ctx), input.address, { confirmedWrites: input.confirmedWrites, onEvent });
  }),

  /** Give the group back to the host drivers (refused while a running VM uses it). */
  release: adminProcedure.input(changeInput).mutation(async ({ ctx, input }) => {
    const s = ctx.services.passthrough;
    const onEvent = input.operationId ? s.progress.reporter(input.operationId) : undefined;
    return s.passthrough.release(actorOf(ctx), input.address, { confirmedWrites: input.confirmedWrites, onEvent });
  }),

  /** Every step of an apply/release as it happens (subscribe before calling the mutation with the same id). */
  progress: viewerProcedure.input(z.object({ operationId })).subscription(async function* ({ ctx, input, signal }) {
    yield* ctx.services.passthrough.progress.watch(input.operationId, ctx.services.connections.sessionSignal({ user: ctx.user.name, sessionToken: ctx.req.sessionToken }, signal));
  }),

  /** The device-tree overlay for these controllers (141a0000.pcie), derived from the booted tree, checked against it with fdtoverlay, and how to install it. */
  overlay: viewerProcedure
    .input(z.object({ controllers: z.array(platformDeviceSchema).min(1, 'name at least one controller').max(16) }))
    .query(({ ctx, input }) => ctx.services.passthrough.passthrough.overlay(input.controllers)),

  /** The overlay a device needs (its group holds a platform controller), or null when it needs none. */
  overlayFor: viewerProcedure.input(addressInput).query(async ({ ctx, input }) => {
    const s = ctx.services.passthrough.passthrough;
    const controllers = s.overlayControllersFor(input.address);
    return controllers.length ? s.overlay(controllers) : null;
  }),

  /** Sim mode: the release the simulated Orin boots and the controllers its overlay names (null on a real host: jetvm cannot know). */
  simOverlay: viewerProcedure.query(({ ctx }) => {
    const sim = ctx.services.host.sim;
    return sim ? { release: sim.release, controllers: sim.overlay() } : { release: null, controllers: null };
  }),

  /** Sim mode: reboot the simulated Orin with an overlay for exactly these controllers ([] removes the overlay). */
  applyOverlayAndReboot: adminProcedure
    .input(z.object({ controllers: z.array(platformDeviceSchema).max(16) }))
    .mutation(async ({ ctx, input }) => ctx.services.passthrough.passthrough.simulateOverlayReboot(actorOf(ctx), input.controllers)),

  /** Devices bound at boot and the files jetvm wrote for them. */
  bootConfig: viewerProcedure.query(({ ctx }) => ctx.services.passthrough.boot.current()),

  bootPreview: viewerProcedure
    .input(z.object({ address: pciAddressSchema, method: z.enum(BOOT_METHODS).default('udev') }))
    .query(({ ctx, input }) => ctx.services.passthrough.boot.preview(input.address, input.method)),

  bootAdd: adminProcedure
    .input(z.object({ address: pciAddressSchema, method: z.enum(BOOT_METHODS).default('udev'), writeToSystem: z.boolean().default(false) }))
    .mutation(({ ctx, input }) =>
      ctx.services.passthrough.boot.add(actorOf(ctx), input.address, { method: input.method, writeToSystem: input.writeToSystem }),
    ),

  bootRemove: adminProcedure
    .input(z.object({ address: pciAddressSchema.optional() }))
    .mutation(({ ctx, input }) => ctx.services.passthrough.boot.remove(actorOf(ctx), input.address)),

  /** Is this machine ready to pass devices through? One verdict per item, with why and how to fix. */
  preflight: viewerProcedure
    .input(z.object({ guestRamMiB: z.number().int().min(PREFLIGHT_RAM_MIB.min).max(PREFLIGHT_RAM_MIB.max).optional() }).default({}))
    .query(async ({ ctx, input }) => {
      // unless the user names a figure: the largest VM that passes devices through, whose RAM vfio pins
      const guestRam = input.guestRamMiB === undefined ? largestPinnedGuest(ctx.services.vms.repo.list()) : { mib: input.guestRamMiB, vm: null };
      return { ...(await ctx.services.passthrough.passthrough.preflight(guestRam.mib * 1024 * 1024)), guestRam };
    }),
});
