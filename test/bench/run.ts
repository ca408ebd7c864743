// `npm run bench`: runs every test/bench/*.bench.ts in turn (or those named on the command line).
// Each exports `default async function (): Promise<void>` that prints its own figures and ratios.
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(here))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const bench = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<void> };
  await bench.default();
}
