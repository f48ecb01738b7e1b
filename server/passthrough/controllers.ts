// Which device-tree label names the PCIe controller that shares a group with its endpoints:
// from the board model (server/host/boards), which carries the sources.
import { ORIN_CONTROLLERS } from '../host/boards';
import type { ControllerDef } from '../host/boards/types';

export function findController(platformDevice: string, controllers: ControllerDef[] = ORIN_CONTROLLERS): ControllerDef | null {
  return controllers.find((c) => c.platformDevice === platformDevice) ?? null;
}
