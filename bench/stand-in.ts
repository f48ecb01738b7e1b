// The benches' stand-in for QEMU's serial chardev (server/console/testing/chardev-standin.ts), listening
// where QEMU would make a VM's serial socket in a data dir (listen makes its folder): one setup, one cleanup.
import { ChardevStandIn } from '../server/console/testing/chardev-standin';
import { consolePaths } from '../server/vm/paths';
import type { Kind } from './console-servers';

export type StandInOptions = NonNullable<Parameters<typeof ChardevStandIn.listen>[1]>;

/** ttyd opens one socket connection per viewer (socat on a pty), so its stand-in serves many; QEMU serves one. */
export const standInClients = (kind: Kind): StandInOptions['clients'] => (kind === 'ttyd' ? 'many' : 'one');

/** Runs `use` with a stand-in on VM `vm`'s serial socket in `dataDir` (its folder made), closing the stand-in after. */
export async function withStandIn<T>(dataDir: string, vm: string, opts: StandInOptions, use: (standIn: ChardevStandIn, socket: string) => Promise<T>): Promise<T> {
  const socket = consolePaths(dataDir, vm).serialSocket;
  const standIn = await ChardevStandIn.listen(socket, opts);
  try {
    return await use(standIn, socket);
  } finally {
    await standIn.close();
  }
}
