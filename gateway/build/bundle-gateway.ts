// The production build of `tikar gateway`: one esbuild bundle run by plain node (no tsx loader, ~35 MB of RSS
// less), split at every dynamic import so that what a configuration does not use (the built-in broker, the
// serial port, the screens, the XLSX export) is never loaded. npm packages stay external (node_modules).
// Run: `npx tsx gateway/build/bundle-gateway.ts [outdir]` (default dist/gateway); deploy/README.md.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');

/** What `deploy/systemd/tikar-gateway.service` runs: `node <flags> <outdir>/gateway.mjs gateway …`. */
export const gatewayEntryPoint = join(root, 'gateway', 'cli', 'gateway-entry.ts');

/**
 * Bundles `entryPoint` (the gateway's own, or a benchmark's stand-in for it) into `outdir` with the settings
 * of the production build, and copies the screens beside it. Returns the path of the entry's bundle.
 */
export async function bundleGateway(outdir: string, entryPoint = gatewayEntryPoint): Promise<string> {
  await build({
    entryPoints: [entryPoint],
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    outdir,
    outExtension: { '.js': '.mjs' },
    entryNames: '[name]',
    logLevel: 'warning',
  });
  // gateway/web/server.ts serves the screens from `public` beside its own module.
  await cp(join(root, 'gateway', 'web', 'public'), join(outdir, 'public'), { recursive: true });
  return join(outdir, `${entryPoint.replace(/^.*[/\\]/, '').replace(/\.ts$/, '')}.mjs`);
}

if (process.argv[1] === import.meta.filename) {
  const outdir = process.argv[2] ?? join(root, 'dist', 'gateway');
  process.stdout.write(`${await bundleGateway(outdir)}\n`);
}
