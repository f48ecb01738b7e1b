#!/usr/bin/env node
// Starts the TypeScript CLI (server/cli/main.ts) through tsx, from any working directory: tsx is
// resolved from this package (not the cwd), and so is the tsconfig that holds the "@/" paths.
import { register } from 'tsx/esm/api';

const pkg = new URL('..', import.meta.url);
register({ tsconfig: new URL('tsconfig.json', pkg).pathname });
const { main } = await import(new URL('server/cli/main.ts', pkg).href);
process.exitCode = await main(process.argv.slice(2));
