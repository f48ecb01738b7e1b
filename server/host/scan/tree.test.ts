import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from './fixtures';
import { Tree } from './tree';

let root: string;
beforeAll(() => {
  root = makeTempDir('jetvm-tree-');
  fs.writeFileSync(path.join(root, 'vendor'), '0x10de\n');
  fs.mkdirSync(path.join(root, 'a-dir'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('Tree.attribute', () => {
  it('reads a file trimmed; absent is undefined without a warning', () => {
    const tree = new Tree(root);
    expect(tree.attribute('vendor')).toBe('0x10de');
    expect(tree.attribute('no-such-file')).toBeUndefined();
    expect(tree.warnings).toEqual([]);
  });

  it('reads a file larger than its buffer whole (a 64 KiB page kernel prints up to 64 KiB)', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `0x${i.toString(16).padStart(16, '0')} 0x0000000000000000 0x0000000000000000`);
    const text = lines.join('\n');
    expect(text.length).toBeGreaterThan(128 * 1024);
    fs.writeFileSync(path.join(root, 'resource'), `${text}\n`);
    expect(new Tree(root).attribute('resource')).toBe(text);
  });

  it('an unreadable file is null with a warning naming the path', () => {
    const tree = new Tree(root);
    expect(tree.attribute('a-dir', '0000:01:00.0' as never)).toBeNull();
    expect(tree.warnings).toEqual([{ device: '0000:01:00.0', path: 'a-dir', message: expect.stringMatching(/^EISDIR/) }]);
  });
});
