import fs from 'node:fs';
import net from 'node:net';

/**
 * QEMU's serial chardev is `wait=on`: the guest does not run until a client connects. When no
 * console is there to connect (a supervisor without one: tests, tools), this lets QEMU go by
 * connecting once and hanging up as soon as the socket appears. Call the returned function to stop trying.
 */
export function releaseSerialWait(socketPath: string, everyMs = 5): () => void {
  let stopped = false;
  const attempt = () => {
    if (stopped) return;
    if (!fs.existsSync(socketPath)) return void setTimeout(attempt, everyMs);
    const s = net.connect(socketPath);
    s.once('connect', () => s.destroy());
    s.once('error', () => setTimeout(attempt, everyMs));
  };
  attempt();
  return () => {
    stopped = true;
  };
}

/** QEMU's stderr without the notice a wait=on chardev prints ("info: QEMU waiting for connection on: …"). */
export function withoutWaitNotice(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !/: info: QEMU waiting for connection on: /.test(line))
    .join('\n')
    .trim();
}
