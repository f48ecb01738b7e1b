// Maximum board power of cards people put in the Orin's x8 slot, by PCI ID of the card's first function.
// Every row names its source; a user's entry in SQLite (table card_power) overrides a row.

export interface KnownCard {
  /** "10de:1fb1", lower case */
  vendorDevice: string;
  name: string;
  /** maximum board power in watts, as the vendor states it */
  maxWatts: number;
  /** the card carries a fan; null when it depends on the board partner */
  activeCooler: boolean | null;
  source: string;
  /** false: the figure is from a secondary source and was not checked against the vendor's datasheet here */
  verified: boolean;
}

const FACTS = 'docs/sources/orin-facts.md card table (vendor datasheets; secondary sources)';
const SEED_TRIAL = 'the seed manual reports it "seems to work" in the x8 slot under light load';

// No figure below was checked against the vendor's own datasheet in this project: every row is
// marked unverified, and the UI says so next to the figure.
export const KNOWN_CARDS: readonly KnownCard[] = [
  { vendorDevice: '10de:1ff2', name: 'NVIDIA T400', maxWatts: 30, activeCooler: true, source: FACTS, verified: false },
  { vendorDevice: '10de:1fb1', name: 'NVIDIA T600', maxWatts: 40, activeCooler: true, source: `${FACTS}; ${SEED_TRIAL}`, verified: false },
  { vendorDevice: '10de:1cb1', name: 'NVIDIA Quadro P1000', maxWatts: 47, activeCooler: true, source: `${FACTS}; ${SEED_TRIAL}`, verified: false },
  { vendorDevice: '10de:1ff0', name: 'NVIDIA T1000', maxWatts: 50, activeCooler: true, source: FACTS, verified: false },
  { vendorDevice: '10de:25b2', name: 'NVIDIA RTX A400', maxWatts: 50, activeCooler: true, source: FACTS, verified: false },
  { vendorDevice: '10de:25b0', name: 'NVIDIA RTX A1000', maxWatts: 50, activeCooler: true, source: FACTS, verified: false },
  { vendorDevice: '10de:2531', name: 'NVIDIA RTX A2000', maxWatts: 70, activeCooler: true, source: FACTS, verified: false },
  // board partners build both fan and passive (e.g. Palit KalmX) versions
  { vendorDevice: '10de:1f82', name: 'NVIDIA GeForce GTX 1650 (no aux power)', maxWatts: 75, activeCooler: null, source: FACTS, verified: false },
  // more low-profile cards, from NVIDIA's own product pages / datasheets
  { vendorDevice: '10de:2571', name: 'NVIDIA RTX A2000 12GB', maxWatts: 70, activeCooler: true, source: 'NVIDIA RTX A2000 datasheet (max power 70 W, both memory sizes)', verified: false },
  { vendorDevice: '10de:1cb3', name: 'NVIDIA Quadro P400', maxWatts: 30, activeCooler: true, source: 'NVIDIA Quadro P400 datasheet (max power 30 W)', verified: false },
  { vendorDevice: '10de:1cb2', name: 'NVIDIA Quadro P600', maxWatts: 40, activeCooler: true, source: 'NVIDIA Quadro P600 datasheet (max power 40 W)', verified: false },
  { vendorDevice: '10de:1cb6', name: 'NVIDIA Quadro P620', maxWatts: 40, activeCooler: true, source: 'NVIDIA Quadro P620 datasheet (max power 40 W)', verified: false },
  { vendorDevice: '10de:1d01', name: 'NVIDIA GeForce GT 1030', maxWatts: 30, activeCooler: null, source: 'NVIDIA GeForce GT 1030 specifications (graphics card power 30 W); partner boards come with and without fans', verified: false },
];

const byId = new Map(KNOWN_CARDS.map((c) => [c.vendorDevice, c]));

export function knownCard(vendorDevice: string): KnownCard | null {
  return byId.get(vendorDevice.toLowerCase()) ?? null;
}
