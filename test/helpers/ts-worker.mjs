// A worker thread's entry for test harnesses written in TypeScript (workers do not inherit the test runner's
// loader): registers tsx, then imports the file given as the worker's first argv.
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const file = process.argv[2];
if (!file) throw new Error('ts-worker: no file given in argv');
await import(pathToFileURL(file).href);
