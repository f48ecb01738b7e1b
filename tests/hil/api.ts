// jetvm's own HTTP API and WebSockets, from outside, as the browser uses them: login cookie, tRPC
// over HTTP (superjson envelope), the console WebSocket.
import { WebSocket } from 'ws';

export class ApiError extends Error {
  constructor(
    readonly procedure: string,
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(`${procedure}: ${status} ${code ?? ''} ${message}`);
  }
}

export class Api {
  private cookie = '';
  constructor(readonly url: string) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { origin: this.url, ...(this.cookie ? { cookie: this.cookie } : {}), ...extra };
  }

  private async unwrap(procedure: string, res: Response): Promise<any> {
    const body = (await res.json()) as any;
    if (body.error) {
      const e = body.error.json ?? body.error;
      throw new ApiError(procedure, res.status, e?.data?.code ?? null, e?.message ?? JSON.stringify(e));
    }
    return body.result.data.json;
  }

  async login(name: string, password: string): Promise<void> {
    const res = await fetch(`${this.url}/api/trpc/auth.login`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ json: { name, password } }),
    });
    await this.unwrap('auth.login', res.clone());
    this.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  }

  async query<T = any>(procedure: string, input?: unknown): Promise<T> {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
    return this.unwrap(procedure, await fetch(`${this.url}/api/trpc/${procedure}${qs}`, { headers: this.headers() }));
  }

  async mutate<T = any>(procedure: string, input?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/api/trpc/${procedure}`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(input === undefined ? {} : { json: input }),
    });
    return this.unwrap(procedure, res);
  }

  /** A read-only viewer of a VM's serial console (/ws/console/<vm>): history first, then live bytes. */
  async consoleViewer(vm: string): Promise<ConsoleViewer> {
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/ws/console/${vm}`, { headers: this.headers() });
    const viewer = new ConsoleViewer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_q, res) => reject(new Error(`console WebSocket refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return viewer;
  }
}

export class ConsoleViewer {
  text = '';
  historyEnded = false;
  closed = false;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.text += Buffer.from(data as Buffer).toString('utf8');
      else if (JSON.parse(String(data)).type === 'history-end') this.historyEnded = true;
    });
    ws.on('close', () => (this.closed = true));
  }

  close(): void {
    this.ws.close();
  }
}
