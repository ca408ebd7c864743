#!/usr/bin/env node
// Entry point: tsx compiles the TypeScript sources on the fly (cached), so a fresh clone runs after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../gateway/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
