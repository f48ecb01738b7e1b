import { describe, expect, it } from 'vitest';
import { pciDevice } from '../passthrough/testing/snapshots';
import { deviceState } from './device-state';
import { asPciAddress } from '../../common/pci-address';

const claims = [{ vm: 'desk', devices: ['0005:01:00.0', '0005:01:00.1'].map(asPciAddress) }];

describe('deviceState', () => {
  it.each([
    ['held by a running VM', { address: '0005:01:00.0', classCode: '030000', driver: 'vfio-pci' }, 'vm', 'in use by VM desk'],
    ['on vfio-pci, free', { address: '0001:01:00.0', classCode: '028000', driver: 'vfio-pci' }, 'vfio', 'on vfio-pci, ready for a VM'],
    ['on its host driver', { address: '0001:01:00.0', classCode: '028000', driver: 'rtl88x2ce' }, 'host', 'host driver rtl88x2ce'],
    ['no driver, override set', { address: '0001:01:00.0', classCode: '028000', driver: null, override: 'vfio-pci' }, 'none', 'no driver (override: vfio-pci)'],
    ['a root port', { address: '0005:00:00.0', classCode: '060400', driver: 'pcieport' }, 'bridge', 'bridge on pcieport'],
  ] as const)('%s → %s', (_name, spec, kind, label) => {
    expect(deviceState(pciDevice(spec), claims)).toMatchObject({ kind, label });
  });
});
