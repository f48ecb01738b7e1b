// Cards the simulated Orin can have in its full-size x8 slot (JETVM_SIM_CARD).
// IDs and power from docs/sources/orin-facts.md ("Cards people put in the x8 slot"); names as in
// the system's pci.ids. Audio IDs marked "inferred" there are inferred here too.

export interface SimCardFunction {
  vendor: string;
  device: string;
  classCode: string;
  /** host driver the simulated kernel binds at boot */
  driver: string;
}

export interface SimCard {
  /** JETVM_SIM_CARD value */
  name: string;
  label: string;
  /** fn 0 (VGA) and fn 1 (HD audio); empty for "none" */
  functions: SimCardFunction[];
  /** the card's own PCIe capability: "8.0" GT/s x16 for Turing, "16.0" for Ampere */
  maxSpeed: string;
  maxWidth: number;
  /** maximum board power in watts (secondary sources, see docs/sources/orin-facts.md) */
  maxPowerW: number | null;
}

const vga = (device: string): SimCardFunction => ({ vendor: '10de', device, classCode: '030000', driver: 'nouveau' });
const audio = (device: string): SimCardFunction => ({ vendor: '10de', device, classCode: '040300', driver: 'snd_hda_intel' });

export const SIM_CARDS: readonly SimCard[] = [
  { name: 't600', label: 'NVIDIA T600', functions: [vga('1fb1'), audio('10fa')], maxSpeed: '8.0', maxWidth: 16, maxPowerW: 40 },
  { name: 'p1000', label: 'NVIDIA Quadro P1000', functions: [vga('1cb1'), audio('0fb9')], maxSpeed: '8.0', maxWidth: 16, maxPowerW: 47 },
  { name: 't400', label: 'NVIDIA T400 4GB', functions: [vga('1ff2'), audio('10fa')], maxSpeed: '8.0', maxWidth: 16, maxPowerW: 30 },
  { name: 't1000', label: 'NVIDIA T1000 8GB', functions: [vga('1ff0'), audio('10fa')], maxSpeed: '8.0', maxWidth: 16, maxPowerW: 50 },
  { name: 'a2000', label: 'NVIDIA RTX A2000', functions: [vga('2531'), audio('228e')], maxSpeed: '16.0', maxWidth: 16, maxPowerW: 70 },
  { name: 'gtx1650', label: 'NVIDIA GeForce GTX 1650', functions: [vga('1f82'), audio('10fa')], maxSpeed: '8.0', maxWidth: 16, maxPowerW: 75 },
  { name: 'none', label: 'empty slot', functions: [], maxSpeed: '0', maxWidth: 0, maxPowerW: null },
];

export const SIM_CARD_NAMES: readonly string[] = SIM_CARDS.map((c) => c.name);
export const DEFAULT_SIM_CARD = 't600';

export function simCard(name: string): SimCard {
  const card = SIM_CARDS.find((c) => c.name === name.toLowerCase());
  if (!card) throw new Error(`unknown JETVM_SIM_CARD ${JSON.stringify(name)}: valid cards are ${SIM_CARD_NAMES.join(', ')}`);
  return card;
}
