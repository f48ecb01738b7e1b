import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/** sun_path is 108 bytes including the terminating NUL. */
export const MAX_UNIX_SOCKET_PATH = 107;
const LONGEST_SOCKET_NAME = 'serial.sock';

export interface VmPaths {
  /** directory of everything that lives only while QEMU runs: sockets, pidfile, scratch images */
  runDir: string;
  pidFile: string;
  qmpSocket: string;
  /** QEMU's serial chardev socket: connect to it to read and type on the guest's ttyAMA0 (QEMU waits for the first client) */
  serialSocket: string;
  /** persistent per-VM directory (console log) */
  vmDir: string;
  /** the guest's serial output as recorded by jetvm's console hub (capped; the previous segment is console.log.1) */
  consoleLog: string;
  /** UEFI variable store (boot entries), created from the firmware template on the first UEFI start */
  efiVars: string;
  /** the NoCloud seed (cloud-init), rebuilt at every start from the definition */
  seedIso: string;
}

/**
 * Where a VM's run directory is: `<dataDir>/run/<vm>/` unless that would make a socket path too long
 * for a unix socket, then a short directory under the system temp dir derived from the data dir
 * (deterministic, so a restarted dashboard and the console hub find the same sockets).
 */
export function runDirFor(dataDir: string, vmName: string): string {
  const preferred = path.join(path.resolve(dataDir), 'run', vmName);
  if (Buffer.byteLength(path.join(preferred, LONGEST_SOCKET_NAME)) <= MAX_UNIX_SOCKET_PATH) return preferred;
  const tag = crypto.createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `jetvm-${tag}`, vmName);
}

export function vmPaths(dataDir: string, vmName: string): VmPaths {
  const runDir = runDirFor(dataDir, vmName);
  const vmDir = path.join(path.resolve(dataDir), 'vms', vmName);
  return {
    runDir,
    pidFile: path.join(runDir, 'qemu.pid'),
    qmpSocket: path.join(runDir, 'qmp.sock'),
    serialSocket: path.join(runDir, 'serial.sock'),
    vmDir,
    consoleLog: path.join(vmDir, 'console.log'),
    efiVars: path.join(vmDir, 'efivars.fd'),
    seedIso: path.join(vmDir, 'cidata.iso'),
  };
}

/** The two paths the console hub needs: the live serial socket and the console history it writes. */
export function consolePaths(dataDir: string, vmName: string): { serialSocket: string; consoleLog: string } {
  const p = vmPaths(dataDir, vmName);
  return { serialSocket: p.serialSocket, consoleLog: p.consoleLog };
}
