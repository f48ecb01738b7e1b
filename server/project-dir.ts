import fs from 'node:fs';
import path from 'node:path';

/**
 * The checkout's root (the directory with package.json): found by walking up from this module, so it
 * is the same whether the server runs from server/*.ts (tsx, tests) or bundled in dist/server/main.js.
 */
function findProjectDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

export const projectDir = findProjectDir(import.meta.dirname);
