import fs from 'node:fs';
import path from 'node:path';
import type { ChangeBus } from '../events';
import { consolePaths } from '../vm/paths';
import { ConsoleHub, type HubOptions } from './hub';

export interface ConsoleServiceOptions {
  /** whether a VM of that name is defined (unknown names get no hub) */
  exists: (vm: string) => boolean;
  /** the dashboard's change bus: a VM change opens or closes its hub */
  events: ChangeBus;
  hub?: HubOptions;
}

/**
 * The console hubs, one per VM. A hub is kept while its VM runs (its serial socket exists) so the
 * guest's output is recorded whether anyone watches or not, and while anyone watches; otherwise it
 * is closed. On start-up every VM with a serial socket gets its hub again, so a dashboard restart
 * reconnects to running guests (and notes in their history that output meanwhile was not recorded).
 */
export class ConsoleService {
  private readonly hubs = new Map<string, ConsoleHub>();
  private readonly abort = new AbortController();

  constructor(
    readonly dataDir: string,
    private readonly opts: ConsoleServiceOptions,
  ) {}

  /** Starts a hub for every VM whose QEMU is up, then follows VM changes. */
  start(): void {
    const vmsDir = path.join(path.resolve(this.dataDir), 'vms');
    const names = fs.existsSync(vmsDir) ? fs.readdirSync(vmsDir) : [];
    for (const vm of names) if (this.running(vm) && this.opts.exists(vm)) this.hub(vm, true);
    void (async () => {
      try {
        for await (const event of this.opts.events.changes(this.abort.signal)) {
          if (event.kind === 'vm') this.vmChanged(event.vm);
        }
      } catch {
        // aborted by close()
      }
    })();
  }

  paths(vm: string): { serialSocket: string; consoleLog: string } {
    return consolePaths(this.dataDir, vm);
  }

  /** Writes what the VM's hub has not written to its history yet (before the files are read directly). */
  flushHistory(vm: string): void {
    this.hubs.get(vm)?.history.flush();
  }

  exists(vm: string): boolean {
    return this.opts.exists(vm);
  }

  /**
   * The hub of a defined VM (created on first use); null for an unknown name. `adopted`: the VM was
   * already running without this service watching (a dashboard restart), so the history gets a note
   * that output was not recorded meanwhile.
   */
  hub(vm: string, adopted = false): ConsoleHub | null {
    const existing = this.hubs.get(vm);
    if (existing) return existing;
    if (!this.opts.exists(vm)) return null;
    const hub = new ConsoleHub(vm, this.paths(vm), this.opts.hub, adopted);
    this.hubs.set(vm, hub);
    return hub;
  }

  /**
   * The supervisor is launching this VM's QEMU, which waits (chardev wait=on) until a client
   * connects to its serial socket before the guest runs: the hub connects as soon as it appears, so
   * the history has every byte from the first.
   */
  launching(vm: string): void {
    this.hub(vm)?.expect();
  }

  /** Called when a viewer leaves: a hub nobody watches, for a VM that is not running, is closed. */
  release(vm: string): void {
    const hub = this.hubs.get(vm);
    if (hub && hub.viewerCount === 0 && !this.running(vm) && !hub.link.expecting) {
      this.hubs.delete(vm);
      void hub.close();
    }
  }

  get hubCount(): number {
    return this.hubs.size;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await Promise.all([...this.hubs.values()].map((h) => h.close()));
    this.hubs.clear();
  }

  private running(vm: string): boolean {
    return fs.existsSync(this.paths(vm).serialSocket);
  }

  private vmChanged(vm: string): void {
    // a running VM without a hub was started by someone else (another process): adopted
    if (this.running(vm)) (this.hubs.get(vm) ?? this.hub(vm, true))?.kick();
    else this.release(vm);
  }
}
