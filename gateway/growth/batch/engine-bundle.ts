// The CSV engine as one ES module, built by `npm run build` (scripts/build.ts) into dist/, for the worker
// threads and for the main thread of a large run. One module is faster than the engine's modules one by one:
// V8 folds a module's own top-level `const` (the text tables, the WHO tables, the byte codes) into compiled
// code, but not a binding imported from another module (about 15 % of the engine's time).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CsvFatalError, type processBatch } from './zscore-csv.ts';

/** The engine bundle's file inside dist/. */
export const ENGINE_BUNDLE_FILE = 'zscore-engine.mjs';

export interface EngineBundle {
  /** The module's file URL, for `new Worker(url)`. */
  url: URL;
  processBatch: typeof processBatch;
}

/**
 * dist/ of the installation this module belongs to: the folder of the built command when running from it,
 * or the repository's dist/ when the sources run under a test runner.
 */
function distFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'tikar.mjs')) && existsSync(join(dir, ENGINE_BUNDLE_FILE))) return dir;
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist');
    const parent = dirname(dir);
    if (parent === dir) throw new Error('tikar: cannot find the installation folder (no package.json above)');
    dir = parent;
  }
}

let bundle: Promise<EngineBundle> | undefined;

/** The engine bundle, loaded once per process. A missing bundle is an error: `npm run build` writes it. */
export function engineBundle(): Promise<EngineBundle> {
  bundle ??= (async () => {
    const path = join(distFolder(), ENGINE_BUNDLE_FILE);
    if (!existsSync(path))
      throw new CsvFatalError(`the zscore engine bundle ${path} is missing: run \`npm run build\``);
    const url = pathToFileURL(path);
    const module = (await import(url.href)) as { processBatch: typeof processBatch };
    const batchOfBundle: typeof processBatch = (header, batch, precision) => {
      try {
        return module.processBatch(header, batch, precision);
      } catch (error) {
        // The bundle has its own copy of the class: callers test for this module's.
        if (error instanceof Error && error.name === 'CsvFatalError') throw new CsvFatalError(error.message);
        throw error;
      }
    };
    return { url, processBatch: batchOfBundle };
  })();
  return bundle;
}
