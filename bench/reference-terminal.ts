// The second reference of npm run bench:console (ttyd is the first): the least a web terminal on a serial
// socket must do in Node, and nothing more. One connection to the socket, every output chunk sent to every
// WebSocket as it arrives, input written straight back; flow control like ttyd's (the socket is
// paused while a viewer has more than 1 MiB queued). No history, no auth, no audit.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

const LIMIT = 1024 * 1024;

export async function startReferenceTerminal(socketPath: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server });
  const viewers = new Set<WebSocket>();
  const serial = net.connect(socketPath);
  await new Promise<void>((resolve, reject) => {
    serial.once('connect', resolve);
    serial.once('error', reject);
  });
  const resume = () => {
    if (serial.isPaused() && [...viewers].every((v) => v.bufferedAmount < LIMIT)) serial.resume();
  };
  serial.on('data', (chunk) => {
    for (const v of viewers) {
      v.send(chunk, { binary: true }, resume);
      if (v.bufferedAmount >= LIMIT) serial.pause();
    }
  });
  wss.on('connection', (ws) => {
    viewers.add(ws);
    ws.send(JSON.stringify({ type: 'history-end' })); // what the bench's client waits for before measuring
    ws.on('message', (data, isBinary) => {
      if (isBinary) serial.write(data as Buffer);
    });
    ws.once('close', () => {
      viewers.delete(ws);
      resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    async close() {
      serial.destroy();
      for (const v of viewers) v.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
