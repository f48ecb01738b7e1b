// Which device-tree label names the PCIe controller that shares a group with its endpoints.
// Used until the board model (server/host/boards/) supplies the controllers; same shape as its ControllerDef.
import type { ControllerDef } from '../host/boards/types';

const DT = 'L4T tegra234-soc-pcie.dtsi (OE4T/linux-tegra-5.10), via shared/docs/orin-facts.md';
const SEED = 'seed manual (overlay on pcie_c1_rp / pcie_c5_rp)';

export const ORIN_CONTROLLERS: ControllerDef[] = [
  { id: 'C0', platformDevice: '14180000.pcie', domain: 0, lanes: 4, dtLabel: null, source: DT },
  { id: 'C1', platformDevice: '14100000.pcie', domain: 1, lanes: 1, dtLabel: 'pcie_c1_rp', source: SEED },
  { id: 'C2', platformDevice: '14120000.pcie', domain: 2, lanes: 1, dtLabel: null, source: DT },
  { id: 'C3', platformDevice: '14140000.pcie', domain: 3, lanes: 1, dtLabel: null, source: DT },
  { id: 'C4', platformDevice: '14160000.pcie', domain: 4, lanes: 4, dtLabel: 'pcie_c4_rp', source: `${DT}; label inferred` },
  { id: 'C5', platformDevice: '141a0000.pcie', domain: 5, lanes: 8, dtLabel: 'pcie_c5_rp', source: SEED },
  { id: 'C6', platformDevice: '141c0000.pcie', domain: 6, lanes: 4, dtLabel: null, source: DT },
  { id: 'C7', platformDevice: '141e0000.pcie', domain: 7, lanes: 8, dtLabel: null, source: DT },
  { id: 'C8', platformDevice: '140a0000.pcie', domain: 8, lanes: 4, dtLabel: null, source: DT },
  { id: 'C9', platformDevice: '140c0000.pcie', domain: 9, lanes: 4, dtLabel: null, source: DT },
  { id: 'C10', platformDevice: '140e0000.pcie', domain: 10, lanes: 4, dtLabel: null, source: DT },
];

export function findController(platformDevice: string, controllers: ControllerDef[] = ORIN_CONTROLLERS): ControllerDef | null {
  return controllers.find((c) => c.platformDevice === platformDevice) ?? null;
}
