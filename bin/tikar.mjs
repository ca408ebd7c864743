#!/usr/bin/env node
// Runs the built command: `npm run build` (scripts/install.sh runs it) writes dist/; nothing is compiled here.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/tikar.mjs', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tikar: dist/tikar.mjs is missing: run `npm run build` in the repository first\n');
  process.exit(1);
}
await import(entry.href);
