// A reader for flattened device trees (the .dtb format, Devicetree Specification v0.4 ch. 5):
// enough to find nodes, read properties and compare two trees. Writing trees is left to dtc/fdtoverlay.
import { DomainError } from '../errors';

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;

export interface FdtNode {
  /** "pcie@141a0000"; "" for the root */
  name: string;
  /** "/bus@0/pcie@141a0000"; "/" for the root */
  path: string;
  props: Map<string, Buffer>;
  children: FdtNode[];
}

/** Not a flattened device tree, or a damaged one. */
export class FdtError extends DomainError {
  readonly kind = 'failed';
  readonly code = 'bad-device-tree';
}

const align4 = (n: number) => (n + 3) & ~3;

export function parseFdt(buf: Buffer): FdtNode {
  if (buf.length < 40 || buf.readUInt32BE(0) !== FDT_MAGIC) throw new FdtError('not a flattened device tree (no 0xd00dfeed magic)');
  const total = buf.readUInt32BE(4);
  if (total > buf.length) throw new FdtError(`truncated device tree: header says ${total} bytes, have ${buf.length}`);
  const structOff = buf.readUInt32BE(8);
  const stringsOff = buf.readUInt32BE(12);
  const stringsSize = buf.readUInt32BE(32);
  const structSize = buf.readUInt32BE(36);
  const end = structOff + structSize;
  if (end > total || stringsOff + stringsSize > total) throw new FdtError('device tree blocks lie outside the file');

  const cstring = (at: number, limit: number): [string, number] => {
    const z = buf.indexOf(0, at);
    if (z < 0 || z >= limit) throw new FdtError(`unterminated string at offset ${at}`);
    return [buf.toString('latin1', at, z), z + 1];
  };

  const stack: FdtNode[] = [];
  let root: FdtNode | null = null;
  let off = structOff;
  while (off + 4 <= end) {
    const token = buf.readUInt32BE(off);
    off += 4;
    if (token === FDT_BEGIN_NODE) {
      const [name, next] = cstring(off, end);
      off = align4(next);
      const parent = stack[stack.length - 1];
      const node: FdtNode = { name, path: parent ? (parent.path === '/' ? `/${name}` : `${parent.path}/${name}`) : '/', props: new Map(), children: [] };
      if (parent) parent.children.push(node);
      else if (root) throw new FdtError('a second root node');
      else root = node;
      stack.push(node);
    } else if (token === FDT_END_NODE) {
      if (!stack.pop()) throw new FdtError('unbalanced end of node');
    } else if (token === FDT_PROP) {
      const len = buf.readUInt32BE(off);
      const nameOff = buf.readUInt32BE(off + 4);
      off += 8;
      if (off + len > end) throw new FdtError('property runs past the structure block');
      const node = stack[stack.length - 1];
      if (!node) throw new FdtError('property outside a node');
      const [name] = cstring(stringsOff + nameOff, stringsOff + stringsSize);
      node.props.set(name, Buffer.from(buf.subarray(off, off + len)));
      off = align4(off + len);
    } else if (token === FDT_NOP) {
      continue;
    } else if (token === FDT_END) {
      break;
    } else {
      throw new FdtError(`unknown structure token ${token} at offset ${off - 4}`);
    }
  }
  if (!root || stack.length) throw new FdtError('device tree structure is incomplete');
  return root;
}

export function* walk(node: FdtNode): Generator<FdtNode> {
  yield node;
  for (const c of node.children) yield* walk(c);
}

export function nodeAt(root: FdtNode, path: string): FdtNode | null {
  if (path === '/') return root;
  let node: FdtNode | undefined = root;
  for (const part of path.split('/').slice(1)) {
    node = node.children.find((c) => c.name === part);
    if (!node) return null;
  }
  return node;
}

/** A string property's value (the first string of a string list). */
export function propString(node: FdtNode, name: string): string | null {
  const v = node.props.get(name);
  if (!v) return null;
  const z = v.indexOf(0);
  return v.toString('latin1', 0, z < 0 ? v.length : z);
}

export function propStrings(node: FdtNode, name: string): string[] {
  const v = node.props.get(name);
  return v ? v.toString('latin1').split('\0').filter((s) => s !== '') : [];
}

/** Every node path, each with its properties, for comparing two trees. */
export function flatten(root: FdtNode): Map<string, Map<string, Buffer>> {
  const out = new Map<string, Map<string, Buffer>>();
  for (const n of walk(root)) out.set(n.path, n.props);
  return out;
}
