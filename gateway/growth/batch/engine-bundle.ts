// The CSV engine as one ES module, built by `npm run build` (scripts/build.ts) into dist/, for the worker
// threads and for the main thread. One module is faster than the engine's modules one by one: V8 folds a
// module's own top-level `const` (the text tables, the WHO tables, the byte codes) into compiled code, but
// not a binding imported from another module (about 15 % of the engine's time). The `tikar zscore` command
// loads only this bundle, never the engine's sources too (their tables would be decoded twice).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { processBatch, ZscoreCsvTransformer, zscoreCsv } from './zscore-csv.ts';
import { CsvFatalError } from './zscore-summary.ts';

/** The engine bundle's file inside dist/. */
export const ENGINE_BUNDLE_FILE = 'zscore-engine.mjs';
/** The worker threads' module inside dist/ (it imports the engine bundle). */
export const WORKER_BUNDLE_FILE = 'zscore-worker.mjs';

/** The engine's scanner: where a header or the last complete row of a chunk ends. */
export type RowScanner = Pick<ZscoreCsvTransformer, 'headerEnd' | 'lastRowEnd'>;

export interface EngineBundle {
  processBatch: typeof processBatch;
  zscoreCsv: typeof zscoreCsv;
  scanner(): RowScanner;
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

const urls = new Map<string, URL>();

/** URL of a built file of dist/; a missing one is an error: `npm run build` writes it. */
function builtFileUrl(file: string): URL {
  let url = urls.get(file);
  if (url === undefined) {
    const path = join(distFolder(), file);
    if (!existsSync(path))
      throw new CsvFatalError(`the zscore engine bundle ${path} is missing: run \`npm run build\``);
    url = pathToFileURL(path);
    urls.set(file, url);
  }
  return url;
}

/** The engine bundle's file URL. */
export function engineBundleUrl(): URL {
  return builtFileUrl(ENGINE_BUNDLE_FILE);
}

/**
 * The worker module's file URL, for `new Worker(url)`, without loading anything (worker threads start on it
 * while the main thread loads the engine). It needs the engine bundle beside it.
 */
export function workerBundleUrl(): URL {
  engineBundleUrl();
  return builtFileUrl(WORKER_BUNDLE_FILE);
}

/** `call`, with the bundle's own copy of CsvFatalError turned into this module's (callers test for it). */
function ourErrors<A extends unknown[], R>(call: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return call(...args);
    } catch (error) {
      if (error instanceof Error && error.name === 'CsvFatalError') throw new CsvFatalError(error.message);
      throw error;
    }
  };
}

let bundle: Promise<EngineBundle> | undefined;

/** The engine bundle, loaded once per process. */
export function engineBundle(): Promise<EngineBundle> {
  bundle ??= (async () => {
    const bundleUrl = engineBundleUrl();
    const module = (await import(bundleUrl.href)) as {
      processBatch: typeof processBatch;
      zscoreCsv: typeof zscoreCsv;
      ZscoreCsvTransformer: typeof ZscoreCsvTransformer;
    };
    return {
      processBatch: ourErrors(module.processBatch),
      zscoreCsv: ourErrors(module.zscoreCsv),
      scanner: () => new module.ZscoreCsvTransformer(),
    };
  })();
  return bundle;
}
