import { z } from 'zod';
import { createSchema, ImageStore, imageDir, importSchema, overlaySchema, resizeSchema } from '../../vm/disks';
import { ImageChanges } from '../../vm/image-changes';
import type { VmDefinition } from '../../vm/types';
import { vmCreateSchema, vmNameSchema, vmUpdateSchema } from '../../vm/schema';
import type { Supervisor } from '../../vm/supervisor';
import '../../vm/service';
import { actorOf, adminProcedure, router, viewerProcedure } from '../trpc';
import type { Context } from '../trpc';

const byName = z.object({ name: vmNameSchema });
/** graceful stop: the power button, then quit after timeoutSec */
const stopInput = z.object({ name: vmNameSchema, timeoutSec: z.int().min(0).max(600).default(30) });

const vms = (ctx: Context): Supervisor => ctx.services.vms;


/** What leaves the server: the cloud-init password hash stays inside (true = a password is set). */
function shown(vm: VmDefinition): VmDefinition {
  return vm.cloudInit?.passwordHash ? { ...vm, cloudInit: { ...vm.cloudInit, passwordHash: 'set' } } : vm;
}

function images(ctx: Context): ImageStore {
  return new ImageStore(imageDir(ctx.services.config.dataDir));
}

const imageChanges = (ctx: Context) => new ImageChanges({ db: ctx.services.db, dataDir: ctx.services.config.dataDir, vms: vms(ctx) });

export const vmsRouter = router({
  list: viewerProcedure.query(({ ctx }) => {
    const s = vms(ctx);
    return s.repo.list().map((vm) => ({ vm: shown(vm), status: s.status(vm.name), autostart: s.autostartOutcomes.get(vm.name) ?? null }));
  }),

  /** The image directory and what is in it (format, sizes, the base of an overlay). */
  images: viewerProcedure.query(async ({ ctx }) => {
    const store = images(ctx);
    return { dir: store.dir, images: await store.list() };
  }),
  imageImport: adminProcedure.input(importSchema).mutation(({ ctx, input }) => imageChanges(ctx).import(actorOf(ctx), input)),
  imageOverlay: adminProcedure.input(overlaySchema).mutation(({ ctx, input }) => imageChanges(ctx).overlay(actorOf(ctx), input)),
  imageCreate: adminProcedure.input(createSchema).mutation(({ ctx, input }) => imageChanges(ctx).create(actorOf(ctx), input)),
  imageResize: adminProcedure.input(resizeSchema).mutation(({ ctx, input }) => imageChanges(ctx).resize(actorOf(ctx), input)),

  /** One VM with its status, the checks a start would run now, and both argvs (run here / on the Jetson). */
  get: viewerProcedure.input(byName).query(({ ctx, input }) => {
    const s = vms(ctx);
    const vm = s.repo.require(input.name);
    const snapshot = ctx.services.host.scan();
    return {
      vm: shown(vm), status: s.status(vm.name), checks: s.checks(vm.name, snapshot), plan: s.plan(vm.name, snapshot),
      autostart: s.autostartOutcomes.get(vm.name) ?? null,
    };
  }),

  /** The host's CPUs and memory, and what a VM may have of them (the form's limits). */
  sizeLimits: viewerProcedure.query(({ ctx }) => vms(ctx).sizeLimits()),

  create: adminProcedure.input(vmCreateSchema).mutation(({ ctx, input }) => shown(vms(ctx).repo.create(input))),

  update: adminProcedure
    .input(z.object({ name: vmNameSchema, patch: vmUpdateSchema }))
    .mutation(({ ctx, input }) => shown(vms(ctx).repo.update(input.name, input.patch))),

  clone: adminProcedure
    .input(z.object({ name: vmNameSchema, newName: vmNameSchema }))
    .mutation(({ ctx, input }) => shown(vms(ctx).repo.clone(input.name, input.newName))),

  delete: adminProcedure.input(byName).mutation(({ ctx, input }) => vms(ctx).repo.delete(input.name)),

  start: adminProcedure.input(byName).mutation(({ ctx, input }) => vms(ctx).start(input.name, actorOf(ctx))),

  stop: adminProcedure
    .input(stopInput)
    .mutation(({ ctx, input }) => vms(ctx).stop(input.name, actorOf(ctx), { timeoutMs: input.timeoutSec * 1000 })),

  forceStop: adminProcedure.input(byName).mutation(({ ctx, input }) => vms(ctx).forceStop(input.name, actorOf(ctx))),

  restart: adminProcedure
    .input(stopInput)
    .mutation(({ ctx, input }) => vms(ctx).restart(input.name, actorOf(ctx), { timeoutMs: input.timeoutSec * 1000 })),

  argv: viewerProcedure.input(byName).query(({ ctx, input }) => vms(ctx).plan(input.name)),

  checks: viewerProcedure.input(byName).query(({ ctx, input }) => vms(ctx).checks(input.name)),

  exportScript: viewerProcedure.input(byName).query(({ ctx, input }) => vms(ctx).exportScript(input.name)),

  exportXml: viewerProcedure.input(byName).query(({ ctx, input }) => vms(ctx).exportXml(input.name)),
});
