import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { allProcedures } from './procedures';
import { isPciAddress } from '../../common/pci-address';

/** A field of some procedure's input: its path ("devices[]", "disks[].path") and schema. */
interface Field {
  path: string;
  key: string;
  schema: z.ZodType;
  /** the type under optional/nullable/default/pipe wrappers */
  leaf: string;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

function leafType(s: z.ZodType): string {
  const def = (s as any)._zod.def;
  if (WRAPPERS.has(def.type)) return leafType(def.innerType);
  if (def.type === 'pipe') return leafType(def.in);
  return def.type;
}

/** Every field of an input schema, walking objects, arrays, unions and wrappers. */
function fields(s: z.ZodType, path = '', key = ''): Field[] {
  const def = (s as any)._zod.def;
  if (WRAPPERS.has(def.type)) return fields(def.innerType, path, key);
  if (def.type === 'pipe') return fields(def.in, path, key).map((f) => (f.path === path ? { ...f, schema: s } : f));
  if (def.type === 'object') return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([k, v]) => fields(v, path ? `${path}.${k}` : k, k));
  if (def.type === 'array') return fields(def.element, `${path}[]`, key);
  if (def.type === 'union') return (def.options as z.ZodType[]).flatMap((o) => fields(o, path, key));
  return [{ path, key, schema: s, leaf: leafType(s) }];
}

const inputFields = allProcedures().flatMap((p) =>
  p.inputs.flatMap((schema) => fields(schema as z.ZodType).map((f) => ({ ...f, procedure: p.path }))),
);
const strings = inputFields.filter((f) => f.leaf === 'string');
const fails = (f: Field, value: unknown) => !f.schema.safeParse(value).success;

// Rules on what every procedure accepts, read from the router's own zod schemas: a procedure added
// later is held to them without anyone listing it here. The running server turns a failed parse
// into 400 before the procedure body runs (see users-api.test.ts and router-access.test.ts).
describe('every procedure input', () => {
  it('has string fields to check (the walk sees through the schemas)', () => {
    expect(strings.map((f) => `${f.procedure}:${f.path}`)).toEqual(expect.arrayContaining(['auth.login:name', 'users.create:password']));
  });

  it.each(strings.map((f) => [`${f.procedure} ${f.path}`, f] as const))('%s refuses a 100 000-character string', (_n, f) => {
    expect(fails(f, 'x'.repeat(100_000))).toBe(true);
    expect(fails(f, '0'.repeat(100_000))).toBe(true);
  });

  const addresses = strings.filter((f) => /address|bdf|devices?$/i.test(f.key));
  // refused, or (whitespace and case tidied) turned into a canonical address: never passed on as given
  const canonical = (v: string) => isPciAddress(v) || /^[0-9a-f]{4}:[0-9a-f]{4}$/.test(v); // an address, or vendor:device
  it.each(addresses.map((f) => [`${f.procedure} ${f.path}`, f] as const))('%s refuses malformed PCI addresses', (_n, f) => {
    for (const bad of ['', '0000:zz:00.0', '0005:01:00.8', '0005:01:20.0', '../../../sys/bus/pci', '0005:01:00.0/../../x', '0005:01:00.0\n', '0005:01:00.0 ; reboot']) {
      const r = f.schema.safeParse(bad);
      if (r.success) expect(canonical(r.data as string), `${JSON.stringify(bad)} → ${JSON.stringify(r.data)}`).toBe(true);
    }
  });

  const names = strings.filter((f) => /name$|^vm$/i.test(f.key) && !/^auth\.login$/.test(f.procedure));
  it.each(names.map((f) => [`${f.procedure} ${f.path}`, f] as const))('%s refuses names that could walk a path', (_n, f) => {
    for (const bad of ['', '.', '..', '../x', 'a/b', 'a\\b', 'a\0b', ' a', 'a\n']) expect(fails(f, bad), JSON.stringify(bad)).toBe(true);
  });
});
