// The host shell over the real upgrade handler and a real pty.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../db/audit';
import { CLOSE } from '../../common/terminal-protocol';
import { startConsoleServer, type ConsoleServer } from '../console/testing/console-server';
import { connectTerminal } from '../console/testing/terminal-client';
import { transcriptDir } from './transcript';

let dataDir: string;
let server: ConsoleServer;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-shell-'));
  server = await startConsoleServer(dataDir, { shell: true });
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('host shell', () => {
  it('runs a shell that follows resizes, reports its exit and is audited', async () => {
    const c = await connectTerminal(server.shellTicketUrl(), server.cookie('admin'));
    c.ws.send(JSON.stringify({ type: 'resize', cols: 101, rows: 33 }));
    c.type('stty size; echo shell-$((20+1))\r');
    await c.waitFor('33 101');
    await c.waitFor('shell-21');
    c.type('exit 3\r');
    expect(await c.waitControl('exit')).toMatchObject({ type: 'exit', exitCode: 3 });
    expect((await c.closed).code).toBe(CLOSE.shellExited);
    const actions = () => listAudit(server.db).map((a) => `${a.actor}:${a.action}`);
    for (let i = 0; !actions().includes('admin:shell.session.end') && i < 40; i++) await new Promise((r) => setTimeout(r, 50));
    expect(actions()).toEqual(expect.arrayContaining(['admin:shell.session', 'admin:shell.session.end']));
    // the transcript is kept and the audit rows name it
    const end = listAudit(server.db).find((a) => a.action === 'shell.session.end')!;
    const id = (end.detail as { transcript: string }).transcript;
    const file = path.join(transcriptDir(dataDir), `${id}.log`);
    expect(fs.readFileSync(file, 'utf8')).toContain('shell-21');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a socket without a fresh ticket (the password asked again), a reused ticket, and a shell over the limit', async () => {
    await expect(connectTerminal(server.shellUrl, server.cookie('admin')).then((c) => c.closed)).resolves.toMatchObject({ code: CLOSE.policy });
    const url = server.shellTicketUrl();
    const first = await connectTerminal(url, server.cookie('admin'));
    expect((await connectTerminal(url, server.cookie('admin')).then((c) => c.closed)).code).toBe(CLOSE.policy);
    const second = await connectTerminal(server.shellTicketUrl(), server.cookie('admin'));
    const third = await connectTerminal(server.shellTicketUrl(), server.cookie('admin'));
    expect((await third.closed).reason).toMatch(/2 host shell\(s\) are open already/);
    first.close();
    second.close();
    await Promise.all([first.closed, second.closed]);
    for (let i = 0; server.shells.openCount > 0 && i < 60; i++) await new Promise((r) => setTimeout(r, 50));
    const refused = listAudit(server.db).filter((a) => a.action === 'shell.session' && a.result === 'refused');
    expect(refused.length).toBe(3);
  });

  it('kills the shell when the socket closes', async () => {
    const c = await connectTerminal(server.shellTicketUrl(), server.cookie('admin'));
    c.type('echo "p""id=$$."\r'); // the echoed command line cannot match the output
    let match: RegExpExecArray | null = null;
    for (let i = 0; !(match = /pid=(\d+)\./.exec(c.receivedText())) && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
    const pid = Number(match![1]);
    expect(alive(pid)).toBe(true);
    c.close();
    for (let i = 0; alive(pid) && i < 60; i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
  });

  it('answers a bad control message with an error and refuses viewers', async () => {
    const c = await connectTerminal(server.shellTicketUrl(), server.cookie('admin'));
    c.ws.send(JSON.stringify({ type: 'resize', cols: 0, rows: 10 }));
    expect(await c.waitControl('error')).toMatchObject({ message: expect.stringContaining('cols') });
    c.close();
    await expect(connectTerminal(server.shellUrl, server.cookie('viewer'))).rejects.toThrow('403');
  });
});
