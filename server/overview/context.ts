// What every page builder needs from the running services, gathered in one place.
import { boardView } from '../host/boards';
import type { BoardView } from '../host/boards/types';
import type { HostMode, HostSnapshot } from '../host/types';
import type { VmClaim } from '../passthrough/types';
import { listUserCardPower, type UserCardPower } from '../power/store';
import type { Services } from '../services';

export interface PageContext {
  snapshot: HostSnapshot;
  board: BoardView;
  mode: HostMode;
  simCard: string | null;
  userPower: UserCardPower[];
  vmClaims: VmClaim[];
}

/** Running VMs and the host devices they hold (server/devices/ownership.ts). */
export function runningVmClaims(services: Services): VmClaim[] {
  return services.devices.byVm();
}

export function pageContext(services: Services): PageContext {
  const snapshot = services.host.scan();
  return {
    snapshot,
    board: boardView(snapshot),
    mode: services.host.mode,
    simCard: services.host.sim?.card ?? null,
    userPower: listUserCardPower(services.db),
    vmClaims: runningVmClaims(services),
  };
}
