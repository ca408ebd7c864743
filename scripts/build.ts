// `npm run build`: the only way the product runs. esbuild bundles the `tikar` command into dist/ (split at every
// dynamic import, so a subcommand loads only its own code, and `--help` loads almost none), the zscore CSV
// engine into one self-contained module for the main thread and its worker threads, and copies the screens
// beside them. npm packages stay external (node_modules), but for commander. Nothing is compiled while a
// user's command runs.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { ENGINE_BUNDLE_FILE, WORKER_BUNDLE_FILE } from '../gateway/growth/batch/engine-bundle.ts';

export const root = join(import.meta.dirname, '..');
const packageJson = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};

/** The entry of the `tikar` command: bin/tikar.mjs imports `<outdir>/tikar.mjs`. */
const cliEntryPoint = join(root, 'cli', 'tikar.ts');
/** The CSV engine, run by the main thread of `tikar zscore` and by its worker threads. */
const engineEntryPoint = join(root, 'gateway', 'growth', 'batch', 'zscore-csv.ts');
/** A zscore worker thread: takes batches and runs the engine bundle on them (imported beside it). */
const workerEntryPoint = join(root, 'gateway', 'growth', 'batch', 'zscore-worker.ts');
/** `npm run district:demo` runs dist/district-demo.mjs (with the test harness that starts its servers). */
const demoEntryPoint = join(root, 'scripts', 'district-demo.ts');

/**
 * `var NAME =` at the start of a line of esbuild's output becomes `const NAME =` where NAME is never
 * assigned again anywhere in the code. V8 folds a module's top-level `const` (the text tables, the WHO
 * tables) into compiled code but not a `var`, and esbuild writes every top-level `const` as `var` (its FAQ,
 * "top-level var"): measured, the engine runs about 20 % faster with const. Conservative: any
 * assignment-looking use of the name, even to a local of the same name, keeps `var`.
 */
export function keepTopLevelConst(code: string): string {
  return code.replace(/^var ([A-Za-z_$][\w$]*) =/gm, (declaration, name: string) => {
    const escaped = name.replace(/\$/g, '\\$');
    const assigned = new RegExp(
      `(?<![\\w$.])${escaped}\\s*(?:[-+*/%&|^]|\\*\\*|<<|>>>?|&&|\\|\\||\\?\\?)?=(?!=)|(?:\\+\\+|--)\\s*${escaped}(?![\\w$])|(?<![\\w$.])${escaped}\\s*(?:\\+\\+|--)`,
      'g',
    );
    const assignments = code.match(assigned)?.length ?? 0;
    // The declaration itself is one match.
    return assignments === 1 ? `const ${name} =` : declaration;
  });
}

/**
 * commander requires node:child_process at its top, for executable subcommands, which tikar has none of:
 * loading it (with net and dgram) was about 2 ms of every command that parses options. Its bundled copy gets
 * the module on first use instead.
 */
const lazyChildProcessForCommander: Plugin = {
  name: 'tikar-lazy-child-process',
  setup(plugin) {
    plugin.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'tikar-lazy' }
        : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'tikar-lazy' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

/**
 * Bundles the given entry points (each to `<outdir>/<name>.mjs`) with the production settings, and copies the
 * screens beside them (gateway/web/server.ts serves `public` beside its own module, district/dashboard/server.ts
 * `dashboard-public`; both are files in the same folder here).
 */
export async function bundleEntries(outdir: string, entryPoints: string[]): Promise<void> {
  await build({
    entryPoints,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    // npm packages stay in node_modules, except commander: every command parses its options with it at
    // start, and bundled it loads without Node resolving a package, scanning a CommonJS module for its
    // exports and reading its seven files one by one (about 10 ms of every command's start).
    external: Object.keys(packageJson.dependencies).filter((name) => name !== 'commander'),
    plugins: [lazyChildProcessForCommander],
    // A bundled CommonJS module's require() of a Node built-in (commander's node:child_process) needs a real one.
    banner: {
      js: "import { createRequire as __tikarRequire } from 'node:module';\nconst require = __tikarRequire(import.meta.url);",
    },
    target: 'node20',
    outdir,
    outExtension: { '.js': '.mjs' },
    entryNames: '[name]',
    logLevel: 'warning',
  });
  // Without the screens' contract.d.ts: types for `npm run typecheck`, nothing a browser loads.
  const assets = (path: string) => !path.endsWith('.d.ts');
  await cp(join(root, 'gateway', 'web', 'public'), join(outdir, 'public'), {
    recursive: true,
    filter: assets,
  });
  await cp(join(root, 'district', 'dashboard', 'dashboard-public'), join(outdir, 'dashboard-public'), {
    recursive: true,
    filter: assets,
  });
}

/**
 * The engine's tables stored beside its bundle (gateway/growth/prebuilt.ts): the sources are loaded here,
 * which computes every table once; their bytes go to `<outdir>/zscore-tables.bin`, their places into the
 * bundle's copy of prebuilt.ts.
 */
async function prebuiltTablesPlugin(outdir: string): Promise<Plugin> {
  await import('../gateway/growth/batch/zscore-csv.ts');
  const { PREBUILT_FILE, PREBUILT_MARKER, prebuiltTables } = await import('../gateway/growth/prebuilt.ts');
  const { bytes, line } = prebuiltTables();
  await writeFile(join(outdir, PREBUILT_FILE), bytes);
  return {
    name: 'tikar-prebuilt-tables',
    setup(plugin) {
      plugin.onLoad({ filter: /[\\/]gateway[\\/]growth[\\/]prebuilt\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes(PREBUILT_MARKER)) throw new Error(`${args.path}: no '${PREBUILT_MARKER}' line`);
        return { contents: source.replace(PREBUILT_MARKER, line), loader: 'ts' };
      });
    },
  };
}

async function bundleEngine(outdir: string): Promise<void> {
  const result = await build({
    entryPoints: [engineEntryPoint],
    plugins: [await prebuiltTablesPlugin(outdir)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error('esbuild produced no engine bundle');
  await writeFile(join(outdir, ENGINE_BUNDLE_FILE), keepTopLevelConst(text));
  // The worker module apart, so that the main thread's engine never loads worker_threads; it imports the
  // engine bundle instead of a copy (its calls into it are one per batch).
  await build({
    entryPoints: [workerEntryPoint],
    plugins: [
      {
        name: 'tikar-engine-beside',
        setup(plugin) {
          plugin.onResolve({ filter: /[\\/]zscore-csv\.ts$/ }, () => ({
            path: `./${ENGINE_BUNDLE_FILE}`,
            external: true,
          }));
        },
      },
    ],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: join(outdir, WORKER_BUNDLE_FILE),
    logLevel: 'warning',
  });
}

async function bundleDemo(outdir: string): Promise<void> {
  await build({
    entryPoints: [demoEntryPoint],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    outfile: join(outdir, 'district-demo.mjs'),
    logLevel: 'warning',
  });
}

/** Builds the whole product into `outdir` (default dist/), replacing what was there. */
export async function buildProduct(outdir = join(root, 'dist')): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  await Promise.all([bundleEntries(outdir, [cliEntryPoint]), bundleEngine(outdir), bundleDemo(outdir)]);
  await writeFile(join(outdir, 'BUILD'), `tikar ${packageJson.version} built ${new Date().toISOString()}\n`);
}

if (process.argv[1] === import.meta.filename) {
  const started = performance.now();
  await buildProduct(process.argv[2]);
  process.stderr.write(`tikar build: dist/ in ${Math.round(performance.now() - started)} ms\n`);
}
