// A tRPC-over-HTTP client for integration tests that can choose its source address (localAddress),
// so two "clients" on one machine reach the server from different IPs (127.0.0.1, 127.0.0.2, …).
import http from 'node:http';

export interface ApiReply {
  status: number;
  /** tRPC error code (UNAUTHORIZED, TOO_MANY_REQUESTS, …), null on success */
  code: string | null;
  message: string | null;
  /** the procedure's result (superjson's json part) on success */
  data: any;
  setCookie: string | null;
}

export interface ApiClientOptions {
  /** source address of the TCP connection */
  localAddress?: string;
}

export class ApiClient {
  cookie: string | null = null;
  constructor(readonly url: string, private readonly opts: ApiClientOptions = {}) {}

  query(procedure: string, input?: unknown): Promise<ApiReply> {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
    return this.send('GET', `/api/trpc/${procedure}${qs}`);
  }

  mutate(procedure: string, input?: unknown): Promise<ApiReply> {
    return this.send('POST', `/api/trpc/${procedure}`, JSON.stringify(input === undefined ? {} : { json: input }));
  }

  /** auth.login; on success keeps the session cookie for the next calls */
  async login(name: string, password: string): Promise<ApiReply> {
    const r = await this.mutate('auth.login', { name, password });
    if (r.status === 200 && r.setCookie) this.cookie = r.setCookie.split(';')[0];
    return r;
  }

  /** Like mutate/query, but throws with the server's message unless the call succeeded. */
  async ok(kind: 'query' | 'mutate', procedure: string, input?: unknown): Promise<any> {
    const r = await this[kind](procedure, input);
    if (r.status !== 200) throw new Error(`${procedure}: ${r.status} ${r.code}: ${r.message}`);
    return r.data;
  }

  private send(method: 'GET' | 'POST', pathname: string, body?: string): Promise<ApiReply> {
    const headers: Record<string, string> = { origin: this.url };
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.url}${pathname}`, { method, headers, localAddress: this.opts.localAddress, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let parsed: any = null;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* plain-text answer (page gate) */
          }
          const err = parsed?.error?.json ?? null;
          const cookie = res.headers['set-cookie'];
          resolve({
            status: res.statusCode ?? 0,
            code: err?.data?.code ?? null,
            message: err?.message ?? (parsed ? null : text),
            data: parsed?.result?.data?.json ?? null,
            setCookie: Array.isArray(cookie) ? cookie[0] : null,
          });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}
