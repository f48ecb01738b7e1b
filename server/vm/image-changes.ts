// Changing disk images (import, overlay, new, resize), each audited ok or error with its input.
import type { Db } from '../db';
import { recordAudit, type Actor } from '../db/audit';
import { ImageStore, imageDir, type ImageInfo } from './disks';
import type { Supervisor } from './supervisor';

type ImageAction = 'image.import' | 'image.overlay' | 'image.create' | 'image.resize';

export class ImageChanges {
  constructor(private readonly deps: { db: Db; dataDir: string; vms: Supervisor }) {}

  import(actor: Actor, input: { name: string; source: string }): Promise<ImageInfo> {
    return this.audited(actor, 'image.import', input, (store) => store.import(input));
  }

  overlay(actor: Actor, input: { name: string; base: string }): Promise<ImageInfo> {
    return this.audited(actor, 'image.overlay', input, (store) => store.overlay(input));
  }

  create(actor: Actor, input: { name: string; sizeGiB: number; format: string }): Promise<ImageInfo> {
    return this.audited(actor, 'image.create', input, (store) => store.create(input));
  }

  /** Refused while a running VM has the image as one of its disks. */
  resize(actor: Actor, input: { name: string; sizeGiB: number }): Promise<ImageInfo> {
    const { vms } = this.deps;
    const holder = (file: string) => vms.list().find((st) => st.pid && vms.repo.get(st.name)?.disks.some((d) => d.path === file))?.name ?? null;
    return this.audited(actor, 'image.resize', input, (store) => store.resize(input, holder));
  }

  private async audited(actor: Actor, action: ImageAction, input: { name: string }, change: (store: ImageStore) => Promise<ImageInfo>): Promise<ImageInfo> {
    const entry = { ...actor, action, target: input.name };
    try {
      const info = await change(new ImageStore(imageDir(this.deps.dataDir)));
      recordAudit(this.deps.db, { ...entry, result: 'ok', detail: { input, info } });
      return info;
    } catch (err) {
      recordAudit(this.deps.db, { ...entry, result: 'error', detail: { input, error: (err as Error).message } });
      throw err;
    }
  }
}
