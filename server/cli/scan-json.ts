import type { BoardView } from '../host/boards/types';
import type { HostSnapshot, PciAddress } from '../host/types';

/** The stable `jetvm scan --json` document (docs/cli.md). Bump `version` on any breaking change (2: no dtLabel on slots and controllers). */
export interface ScanJson {
  version: 2;
  host: { mode: 'real' | 'sim' | 'tree'; root: string };
  board: BoardJson;
  snapshot: HostSnapshot;
}

/** BoardView with devices named by address (their details are in snapshot.devices). */
export interface BoardJson {
  id: BoardView['board']['id'];
  name: string;
  controllers: BoardView['board']['controllers'];
  slots: Array<BoardView['board']['slots'][number] & { rootPort: PciAddress | null; devices: PciAddress[] }>;
  unplaced: PciAddress[];
}

export function scanJson(mode: ScanJson['host']['mode'], snapshot: HostSnapshot, view: BoardView): ScanJson {
  return {
    version: 2,
    host: { mode, root: snapshot.root },
    board: {
      id: view.board.id,
      name: view.board.name,
      controllers: view.board.controllers,
      slots: view.slots.map((s) => ({ ...s.slot, rootPort: s.rootPort?.address ?? null, devices: s.devices.map((d) => d.address) })),
      unplaced: view.unplaced,
    },
    snapshot,
  };
}
