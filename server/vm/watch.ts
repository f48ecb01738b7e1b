// One running QEMU under watch: QMP for state and commands, a pid poll for crashes (and as a fallback
// when QMP is unavailable). Never kills anything by itself.
import { EventEmitter } from 'node:events';
import { pidAlive } from './proc';
import { QMP_COMMAND_TIMEOUT_MS, QmpClient, type QmpEvent } from './qmp';
import type { VmState } from './types';

const QMP_STATUS: Record<string, VmState> = {
  running: 'running',
  shutdown: 'shutdown',
  'internal-error': 'crashed',
  'io-error': 'paused',
  'guest-panicked': 'crashed',
};

export type ExitKind = 'stopped' | 'shutdown' | 'crashed';

/** Emits 'state' (VmState) on every change and 'exit' (ExitKind) once when the process is gone. */
export class WatchedQemu extends EventEmitter {
  state: VmState = 'starting';
  qmp: QmpClient | null = null;
  /** set by the supervisor before it asks QEMU to end */
  stopRequested = false;
  private guestShutdown = false;
  private timer: NodeJS.Timeout | null = null;
  private ended = false;

  constructor(
    readonly vm: string,
    readonly pid: number,
    private readonly qmpSocket: string,
    private readonly pollMs = 200,
    /** how long any QMP command may go unanswered */
    private readonly qmpCommandTimeoutMs = QMP_COMMAND_TIMEOUT_MS,
  ) {
    super();
  }

  /** Connects QMP (best effort), reads the current status and starts the crash poll. */
  async attach(qmpTimeoutMs = 3000): Promise<void> {
    this.timer = setInterval(() => this.poll(), this.pollMs);
    try {
      const qmp = await QmpClient.connect(this.qmpSocket, qmpTimeoutMs, this.qmpCommandTimeoutMs);
      if (this.ended) return void qmp.close();
      this.qmp = qmp;
      qmp.on('event', (e: QmpEvent) => this.onEvent(e));
      qmp.on('close', () => this.poll());
      const status = await qmp.execute<{ status: string }>('query-status');
      this.setState(QMP_STATUS[status.status] ?? 'paused');
    } catch {
      // no QMP: state from the pid alone; stop falls back to signals
      if (!this.ended) this.setState(pidAlive(this.pid) ? 'running' : this.state);
    }
    this.poll();
  }

  setState(state: VmState): void {
    if (this.state === state || this.ended) return;
    this.state = state;
    this.emit('state', state);
  }

  /** Stop watching without touching QEMU (dashboard shutdown, or handing over to another supervisor). */
  detach(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.qmp?.removeAllListeners('close');
    this.qmp?.close();
    this.qmp = null;
  }

  private onEvent(e: QmpEvent): void {
    switch (e.event) {
      case 'STOP':
        if (this.state !== 'stopping') this.setState('paused');
        break;
      case 'RESUME':
      case 'RESET':
        if (this.state !== 'stopping') this.setState('running');
        break;
      case 'SHUTDOWN':
        if (!this.stopRequested) this.guestShutdown = true;
        this.setState('stopping');
        break;
      case 'GUEST_PANICKED':
        this.setState('crashed');
        break;
    }
  }

  private poll(): void {
    if (this.ended || pidAlive(this.pid)) return;
    this.ended = true;
    this.detach();
    const kind: ExitKind = this.stopRequested ? 'stopped' : this.guestShutdown ? 'shutdown' : 'crashed';
    this.emit('exit', kind);
  }
}
