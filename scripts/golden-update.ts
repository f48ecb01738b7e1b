// `npm run golden:update`: rewrites server/vm/__golden__/ from today's code, then shows what changed.
// Tests only compare; a person runs this on purpose and reviews the diff before committing it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { GOLDEN_CASES, GOLDEN_DIR } from '../server/vm/testing/golden-cases';

fs.mkdirSync(GOLDEN_DIR, { recursive: true });
for (const [name, make] of Object.entries(GOLDEN_CASES)) fs.writeFileSync(path.join(GOLDEN_DIR, name), make());
console.log(`wrote ${Object.keys(GOLDEN_CASES).length} golden files in ${path.relative(process.cwd(), GOLDEN_DIR)}; review before committing:`);
execFileSync('git', ['diff', '--stat', '--', GOLDEN_DIR], { stdio: 'inherit' });
execFileSync('git', ['status', '--short', '--', GOLDEN_DIR], { stdio: 'inherit' });
