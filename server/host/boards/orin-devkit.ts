import type { BoardProfile, ControllerDef, SlotDef } from './types';

// Every constant names where it came from (docs/sources/orin-facts.md gathers the sources).
const DTSI = 'L4T device tree tegra234-soc-pcie.dtsi (OE4T/linux-tegra-5.10): linux,pci-domain, num-lanes';
const SEED = 'Ghaf "NVIDIA Jetson AGX Orin: PCIe passthrough" (the users\' manual)';
const LSPCI = 'lspci of a real devkit, L4T R36.5, kernel 5.15.185-tegra';

const controller = (id: string, platformDevice: string, domain: number, lanes: number, source = DTSI): ControllerDef => ({ id, platformDevice, domain, lanes, source });

/**
 * The Tegra234 PCIe controllers. Domains are decimal numbers; an address prints them in hex (C10 → "000a:…").
 * Their device-tree nodes (label or path) differ by release and are read from the booted tree (server/devicetree).
 */
export const ORIN_CONTROLLERS: ControllerDef[] = [
  controller('C0', '14180000.pcie', 0, 4),
  controller('C1', '14100000.pcie', 1, 1),
  controller('C2', '14120000.pcie', 2, 1),
  controller('C3', '14140000.pcie', 3, 1),
  controller('C4', '14160000.pcie', 4, 4),
  controller('C5', '141a0000.pcie', 5, 8),
  controller('C6', '141c0000.pcie', 6, 4),
  controller('C7', '141e0000.pcie', 7, 8),
  controller('C8', '140a0000.pcie', 8, 4),
  controller('C9', '140c0000.pcie', 9, 4),
  controller('C10', '140e0000.pcie', 10, 4),
];

/** What a desktop PCIe slot delivers at 12 V (PCI Express CEM); the devkit's x8 slot gives less. */
export const DESKTOP_SLOT_POWER_W = 75;

export const ORIN_SLOTS: SlotDef[] = [
  {
    id: 'x8',
    name: 'Full-size PCIe slot (x16 connector, x8 Gen4)',
    kind: 'pcie-x16-connector',
    controller: 'C5',
    domain: 5,
    lanes: 8,
    powerBudgetW: 40,
    powerBudgetSource: `${SEED} ("max 40 W"); unverified: NVIDIA's carrier-board specification (Table 6-1, as a forum answer cites it) was not read`,
    location: 'Under the black magnetic cover above the micro-USB serial debug port, on the side of the board',
    notes: [
      `At most 40 W from the slot at 12 V; a desktop slot gives ${DESKTOP_SLOT_POWER_W} W. Check the card's maximum board power before powering it on.`,
      'The cover carries the Wi-Fi antenna cables: lift it carefully.',
      'Root port 10de:229a "Orin PCIe x8 Root Complex", class 0x060400, rev a1.',
    ],
    source: `${SEED} (slot, 40 W, 75 W, cover); controller C5 / domain 0005 from ${DTSI}; root port id from docs/sources/orin-facts.md`,
  },
  {
    id: 'm2e',
    name: 'M.2 Key E (Wi-Fi/Bluetooth)',
    kind: 'm2-key-e',
    controller: 'C1',
    domain: 1,
    lanes: 1,
    powerBudgetW: null,
    powerBudgetSource: null,
    location: 'Bottom of the board',
    notes: [
      'Holds the included Realtek RTL8822CE Wi-Fi/Bluetooth module (10ec:c822) by default, at 0001:01:00.0.',
      'PCIe x1 and USB (the manual says "PCIe 2x"; the controller has one lane).',
      'Root port 10de:229e "Orin PCIe x1 Root Complex".',
    ],
    source: `${SEED} (slot, Wi-Fi card, 0001:01:00.0); ${LSPCI}; controller C1 x1 from ${DTSI}`,
  },
  {
    id: 'm2m',
    name: 'M.2 Key M (NVMe 2280)',
    kind: 'm2-key-m',
    controller: 'C4',
    domain: 4,
    lanes: 4,
    powerBudgetW: null,
    powerBudgetSource: null,
    location: 'M.2 2280 socket for an NVMe SSD',
    notes: [
      'The SSD is in most cases used by the host (often its root filesystem); passing it through is untested.',
      'Root port 10de:229c "Orin PCIe x4/x8 Root Complex".',
    ],
    source: `${SEED} (NVMe slot, "used by the host"); ${LSPCI} (0004:01:00.0 NVMe); controller C4 from ${DTSI}`,
  },
];

export const orinDevkit: BoardProfile = {
  id: 'jetson-agx-orin-devkit',
  name: 'NVIDIA Jetson AGX Orin Developer Kit (P3737 carrier + P3701 module)',
  controllers: ORIN_CONTROLLERS,
  slots: ORIN_SLOTS,
};
