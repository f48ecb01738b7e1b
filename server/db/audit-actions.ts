// Every action the audit log records, with the detail each carries: one list. A new action is added
// here first; recordAudit accepts no other. Details of areas still changing shape (VM life cycle,
// passthrough) are left open (unknown) until their services settle.
import type { Role } from '../auth/users';
import type { ImageInfo } from '../vm/disks';

type Why = { reason: string };
type Open = unknown;
/** an image change (server/vm/image-changes.ts): what was asked, and the image made or the error */
type ImageDetail = { input: object } & ({ info: ImageInfo } | { error: string });

export interface AuditDetails {
  // sign-in and accounts (server/auth)
  /** failures are counted into one row per client and window (recordAuditCounted adds attempts, names, last) */
  login: Why | undefined;
  logout: undefined;
  'password.change': Why | undefined;
  'user.create': { role: Role; reason?: string };
  'user.role': { role: Role; reason?: string };
  'user.password-reset': { reason?: string };
  'user.delete': { reason?: string };
  // the host shell (server/shell) and WebSocket access (server/ws)
  'shell.unlock': Why;
  'shell.session': { transcript: string } | Why;
  'shell.session.end': { transcript: string; seconds: number; bytes: number };
  'ws.connect': Why;
  // typing into a VM's serial console (server/console)
  'console.typing': undefined;
  'console.typing.end': { bytes: number; seconds: number };
  // card power figures (server/power)
  'power.set-card-watts': { watts: number; note: string | null; before: number | null };
  'power.clear-card-watts': { before: number };
  // VMs and their images (server/vm)
  'vm.start': Open;
  'vm.stop': Open;
  'vm.forceStop': Open;
  'vm.crash': undefined;
  'vm.shutdown': undefined;
  'vm.exit': { step: string; error: string };
  'vm.devices': Open;
  'vm.adopt': { pid: number };
  'vm.autostart': Open;
  'image.import': ImageDetail;
  'image.overlay': ImageDetail;
  'image.create': ImageDetail;
  'image.resize': ImageDetail;
  // passing devices through (server/passthrough)
  'passthrough.apply': Open;
  'passthrough.release': Open;
  'passthrough.overlay-reboot': Open;
  'passthrough.boot-config-write': Open;
  'passthrough.boot-config-remove': Open;
  // the audit log itself: entries dropped from the full-disk queue (server/db/audit-queue.ts)
  'audit.lost': { lost: number; from: string; to: string };
}

export type AuditAction = keyof AuditDetails;
