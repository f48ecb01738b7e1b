import { describe, expect, it } from 'vitest';
import { parseClientMessage } from './terminal-protocol';

describe('terminal framing', () => {
  it.each([
    ['binary bytes are input', new Uint8Array([0x6c, 0x73, 0x0d]), true, { kind: 'input' }],
    ['a resize', '{"type":"resize","cols":120,"rows":40}', false, { kind: 'control', msg: { type: 'resize', cols: 120, rows: 40 } }],
    ['text that is not JSON', 'ls\r', false, { kind: 'invalid', message: expect.stringContaining('binary frames') }],
    ['an unknown control', '{"type":"reboot"}', false, { kind: 'invalid', message: expect.stringContaining('unknown control message') }],
    ['a resize out of range', '{"type":"resize","cols":5000,"rows":40}', false, { kind: 'invalid', message: expect.stringContaining('cols') }],
  ] as const)('%s', (_name, data, isBinary, expected) => {
    expect(parseClientMessage(data as Uint8Array | string, isBinary)).toMatchObject(expected);
  });
});
