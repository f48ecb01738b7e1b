import path from 'node:path';
import { defineConfig } from 'vitest/config';

// `npm run test:hil`: the hardware-in-the-loop files, one after the other (each boots its own L1).
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname, '../..') } },
  test: {
    root: path.resolve(import.meta.dirname, '../..'),
    include: ['tests/hil/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
    globalSetup: ['tests/hil/global-setup.ts'],
  },
});
