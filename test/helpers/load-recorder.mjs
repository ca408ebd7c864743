// `node --import <this file>`: writes every module the process loads, one URL a line, to the file named by
// $TIKAR_LOAD_LOG: ES modules as Node's loader resolves them (hooks of node:module `register`, run on the
// loader's thread), and at exit every CommonJS module in the require cache (a bundle's require() of an npm
// package bypasses the ESM hooks).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const log = process.env.TIKAR_LOAD_LOG;
if (!log) throw new Error('load-recorder: set TIKAR_LOAD_LOG to the file to write');
register('./load-recorder-hooks.mjs', import.meta.url, { data: { log } });
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const required = Object.keys(cache).map((path) => `${pathToFileURL(path).href}\n`);
  appendFileSync(log, required.join(''));
});
