import { z } from 'zod';
import { recordAudit, type AuditAction } from '../../db/audit';
import { createSchema, ImageStore, imageDir, type ImageInfo, importSchema, overlaySchema, resizeSchema } from '../../vm/disks';
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

/** Image changes, audited (ok or error). */
function imageChange<S extends z.ZodType>(schema: S, action: AuditAction, fn: (store: ImageStore, input: z.output<S>, ctx: Context) => Promise<ImageInfo>) {
  return adminProcedure.input(schema).mutation(async ({ ctx, input }) => {
    const target = (input as { name: string }).name;
    try {
      const info = await fn(images(ctx), input as z.output<S>, ctx);
      recordAudit(ctx.services.db, { ...actorOf(ctx), action, target, result: 'ok', detail: { input, info } });
      return info;
    } catch (err) {
      recordAudit(ctx.services.db, { ...actorOf(ctx), action, target, result: 'error', detail: { input, error: (err as Error).message } });
      throw err;
    }
  });
}

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
  imageImport: imageChange(importSchema, 'image.import', (store, input) => store.import(input)),
  imageOverlay: imageChange(overlaySchema, 'image.overlay', (store, input) => store.overlay(input)),
  imageCreate: imageChange(createSchema, 'image.create', (store, input) => store.create(input)),
  imageResize: imageChange(resizeSchema, 'image.resize', (store, input, ctx) => {
    const s = vms(ctx);
    const holder = (file: string) => s.list().find((st) => st.pid && s.repo.get(st.name)?.disks.some((d) => d.path === file))?.name ?? null;
    return store.resize(input, holder);
  }),

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
