import { defineConfig } from 'vitest/config';
import path from 'node:path';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(__dirname) } },
  test: {
    include: ['server/**/*.test.ts', 'common/**/*.test.ts', 'tests/**/*.test.ts'],
    // the hardware-in-the-loop run boots its own VMs: `npm run test:hil` (tests/hil/vitest.config.ts)
    exclude: ['tests/hil/**', '**/node_modules/**'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
