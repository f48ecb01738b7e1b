// Batched history writes lose nothing on a clean stop: with appends left pending for a minute, the
// guest's last output reaches the file when its serial socket closes (VM exit) and when the
// dashboard shuts down, while viewers have had it live all along.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { consolePaths } from '../vm/paths';
import { ChardevStandIn } from './testing/chardev-standin';
import { startConsoleServer } from './testing/console-server';
import { connectTerminal } from './testing/terminal-client';

let dataDir: string;
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-hubflush-'));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'latin1') : '');

async function guestAndViewer(vm: string) {
  const paths = consolePaths(dataDir, vm);
  const chardev = await ChardevStandIn.listen(paths.serialSocket);
  const server = await startConsoleServer(dataDir, { vms: [vm], hub: { flushMs: 60_000 } });
  const viewer = await connectTerminal(server.wsUrl(vm), server.cookie('viewer'));
  await viewer.waitControl('history-end');
  while (!chardev.connected) await new Promise((r) => setTimeout(r, 10));
  // the first output after a quiet spell is written at once; what follows within flushMs waits
  await chardev.write(Buffer.from('first words\r\n'));
  await viewer.waitFor('first words');
  await chardev.write(Buffer.from('last words\r\n'));
  await viewer.waitFor('last words');
  expect(read(paths.consoleLog)).not.toContain('last words'); // still pending
  return { chardev, server, log: paths.consoleLog };
}

describe('console hub: pending history bytes on a clean stop', () => {
  it('writes them when the guest exits', async () => {
    const { chardev, server, log } = await guestAndViewer('exits');
    onTestFinished(() => server.close());
    await chardev.close();
    for (let i = 0; !read(log).includes('last words'); i++) {
      if (i > 200) throw new Error('the last output never reached the history');
      await new Promise((r) => setTimeout(r, 10));
    }
  });

  it('writes them when the dashboard shuts down', async () => {
    const { chardev, server, log } = await guestAndViewer('shutdown');
    onTestFinished(() => chardev.close());
    await server.close();
    expect(read(log)).toBe('first words\r\nlast words\r\n');
  });
});
