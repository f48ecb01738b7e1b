// Every shell script in the repository passes shellcheck (all severities, style included) and sh -n / bash -n.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');

/** scripts/*.sh, tests/**\/*.sh, bench/*.sh (any depth) and .ci/run, as paths relative to the repository. */
function shellScripts(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(repo, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(rel);
      return e.isFile() && e.name.endsWith('.sh') ? [rel] : [];
    });
  return [...walk('scripts'), ...walk('tests'), ...walk('bench'), '.ci/run'].sort();
}

/** bash for a bash shebang or a sourced library's `# shellcheck shell=bash`, else sh */
function shellOf(file: string): 'bash' | 'sh' {
  const head = fs.readFileSync(path.join(repo, file), 'utf8').split('\n').slice(0, 3).join('\n');
  return /^#!.*\bbash\b|^# shellcheck shell=bash\b/m.test(head) ? 'bash' : 'sh';
}

describe('shell scripts', () => {
  it('finds the repository\'s scripts', () => {
    expect(shellScripts()).toEqual(expect.arrayContaining(['.ci/run', 'scripts/install-deps.sh', 'scripts/test.sh', 'scripts/up.sh', 'scripts/build-demo-guest.sh']));
  });

  for (const file of shellScripts()) {
    it(`${file} passes shellcheck and ${shellOf(file)} -n`, () => {
      const lint = spawnSync('shellcheck', ['--severity=style', '--external-sources', file], { cwd: repo, encoding: 'utf8' });
      expect(lint.error).toBeUndefined();
      expect(lint.stdout + lint.stderr).toBe('');
      expect(lint.status).toBe(0);
      const syntax = spawnSync(shellOf(file), ['-n', file], { cwd: repo, encoding: 'utf8' });
      expect(syntax.stderr).toBe('');
      expect(syntax.status).toBe(0);
    });
  }
});
