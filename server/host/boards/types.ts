import type { PciAddress, PciDevice } from '../types';

export type SlotKind = 'pcie-x16-connector' | 'm2-key-e' | 'm2-key-m' | 'root-port';

export interface ControllerDef {
  id: string; // "C5"
  platformDevice: string; // "141a0000.pcie"
  domain: number; // 5
  lanes: number;
  source: string;
}

export interface SlotDef {
  id: string; // "x8", "m2e", "m2m"
  name: string; // "Full-size PCIe x8"
  kind: SlotKind;
  controller: string; // ControllerDef.id
  domain: number;
  lanes: number;
  /** watts the slot can deliver at 12 V; null when not a card slot with a budget */
  powerBudgetW: number | null;
  /** where powerBudgetW comes from, and whether it was checked */
  powerBudgetSource: string | null;
  location: string; // where on the board a person finds it
  notes: string[];
  source: string;
}

export interface BoardProfile {
  id: 'jetson-agx-orin-devkit' | 'generic';
  name: string;
  controllers: ControllerDef[];
  slots: SlotDef[];
}

/** A slot with what the scan found in it. */
export interface SlotView {
  slot: SlotDef;
  rootPort: PciDevice | null;
  /** endpoints below the slot's root port, function order */
  devices: PciDevice[];
}

export interface BoardView {
  board: BoardProfile;
  slots: SlotView[];
  /** devices that belong to no slot (on-board, other domains) */
  unplaced: PciAddress[];
}
