// The exports judged by the programs that consume them: libvirt's own schema (virt-xml-validate), sh -n,
// shellcheck, and sh itself running the script against a stand-in QEMU that prints the argv it was given.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildQemuArgv } from './argv';
import { resolveExecutable } from './caps';
import { toLibvirtXml, toShellScript } from './export';
import { vmPaths } from './paths';
import { JETSON_CAPS, onTheJetson, X86_CAPS, vmDef } from './testing/fixtures';
import { GOLDEN_CASES } from './testing/golden-cases';
import { orinSnapshot } from './testing/orin-snapshot';
import { AWKWARD_DIR, vmShapes } from './testing/vm-shapes';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetvm-export-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const paths = vmPaths(path.join(dir, AWKWARD_DIR), 'demo');
const EMULATOR = '/usr/bin/qemu-system-aarch64';

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, { env: env ?? process.env, encoding: 'buffer' });
  return { status: r.status, stdout: r.stdout, out: `${r.stdout}${r.stderr}` };
}

describe('libvirt domain XML passes virt-xml-validate (libvirt\'s schema)', () => {
  for (const { label, vm } of vmShapes()) {
    for (const [host, caps] of [['Jetson, KVM', JETSON_CAPS], ['no KVM, TCG', X86_CAPS]] as const) {
      it(`${label} (${host})`, () => {
        const file = path.join(dir, 'domain.xml');
        fs.writeFileSync(file, toLibvirtXml(vm, orinSnapshot(), { ...caps, binary: EMULATOR }, paths));
        const r = run('virt-xml-validate', [file, 'domain']);
        expect(r.out).toContain('validates');
        expect(r.status).toBe(0);
      });
    }
  }

  it('the emulator is an absolute path: the configured binary is resolved through PATH', () => {
    expect(() => toLibvirtXml(vmDef(), orinSnapshot(), JETSON_CAPS, paths)).toThrow(/absolute path, not "qemu-system-aarch64"/);
    const found = resolveExecutable('qemu-system-aarch64');
    expect(found && path.isAbsolute(found)).toBe(true);
    expect(execFileSync(found!, ['--version']).toString()).toMatch(/QEMU emulator version/);
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'not-exec'), '', { mode: 0o644 });
    expect(resolveExecutable('not-exec', bin)).toBeNull();
    expect(resolveExecutable('no-such-qemu', bin)).toBeNull();
  });
});

describe('the shell script export', () => {
  // a stand-in QEMU first on PATH: prints each argument NUL-terminated, so sh's word splitting is judged exactly
  const stubDir = path.join(dir, 'stub');
  fs.mkdirSync(stubDir, { recursive: true });
  fs.writeFileSync(path.join(stubDir, 'qemu-system-aarch64'), '#!/bin/sh\nfor a; do printf "%s\\0" "$a"; done\n', { mode: 0o755 });

  it('plain paths need no shellcheck directive', () => {
    const script = path.join(dir, 'plain.sh');
    fs.writeFileSync(script, GOLDEN_CASES['script.sh.txt']());
    expect(fs.readFileSync(script, 'utf8')).not.toContain('shellcheck disable');
    const lint = run('shellcheck', ['--shell=sh', '--severity=style', script]);
    expect(lint.out).toBe('');
    expect(lint.status).toBe(0);
  });

  for (const { label, vm } of vmShapes()) {
    it(`${label}: sh -n and shellcheck pass, and sh hands QEMU exactly the argv`, () => {
      const b = buildQemuArgv(vm, orinSnapshot(), onTheJetson(X86_CAPS), paths);
      const script = path.join(dir, 'run.sh');
      fs.writeFileSync(script, toShellScript(b.argv, [`jetvm VM ${vm.name}`, ...b.notes]));
      const syntax = run('sh', ['-n', script]);
      expect(syntax.out).toBe('');
      expect(syntax.status).toBe(0);
      const lint = run('shellcheck', ['--shell=sh', '--severity=style', script]);
      expect(lint.out).toBe('');
      expect(lint.status).toBe(0);
      const r = run('sh', [script], { ...process.env, PATH: `${stubDir}:${process.env.PATH}` });
      expect(r.status).toBe(0);
      expect(r.stdout.toString('utf8').split('\0').slice(0, -1)).toEqual(b.argv.slice(1));
    });
  }
});
