// The one-way flow of docs/architecture.md, checked on every import of the product's sources: which folder may
// import which, which stage may import which, and which single file owns each outside library. There is no
// list of tolerated violations: a new one fails the run.
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const productFolders = ['protocol', 'calibration', 'device', 'gateway', 'district', 'cli'];

interface Import {
  from: string;
  /** A repository-relative path for our own modules, the package name for outside ones. */
  to: string;
  external: boolean;
}

function sources(folder: string): string[] {
  const dir = join(root, folder);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Every static, dynamic and re-export import of a file. Type-only imports load nothing at run time: they
 * count between our own modules (they couple them all the same) but not for an outside library's owner.
 */
function importsOf(file: string, text: string): Import[] {
  const found: Import[] = [];
  const pattern =
    /\b(?:(import|export)\s+(type\s+)?[^;]*?from\s*|import\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[3] as string;
    if (specifier.startsWith('.')) {
      found.push({ from: file, to: normalize(join(dirname(file), specifier)), external: false });
    } else if (!specifier.startsWith('node:') && match[2] === undefined) {
      const name = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : specifier.split('/')[0];
      found.push({ from: file, to: name as string, external: true });
    }
  }
  return found;
}

const allImports: Import[] = productFolders.flatMap((folder) =>
  sources(folder).flatMap((file) => importsOf(file, readFileSync(join(root, file), 'utf8'))),
);

/** The area of a path: a top-level folder, or `gateway/<stage>`. */
function area(path: string): string {
  const [top, stage] = path.split('/');
  return top === 'gateway' ? `gateway/${stage}` : (top as string);
}

/** Files that wire the parts together and may import any of them (cli/, the `tikar` command, is all roots). */
const compositionRoots = [/^gateway\/app\/(start-gateway|board-mat)\.ts$/, /^cli\//];

/**
 * The gateway's stages from the bottom floor up: a file may import its own stage, a lower one, and the
 * shared folders (protocol, calibration); never a higher stage. The composition roots sit above them all.
 */
const stageRank: Record<string, number> = {
  'gateway/log': 0,
  'gateway/model': 0,
  'gateway/growth': 1,
  'gateway/clock': 2,
  'gateway/ingest': 2,
  'gateway/stabilise': 2,
  'gateway/security': 2,
  'gateway/measure': 3,
  'gateway/store': 3,
  'gateway/publish': 4,
  'gateway/record': 5,
  'gateway/reports': 5,
  'gateway/app': 6,
  'gateway/import': 6,
  'gateway/web': 7,
};

/** Which top-level folders each may import (besides itself). */
const allowedFolders: Record<string, string[]> = {
  protocol: [],
  calibration: ['protocol'],
  device: ['protocol', 'calibration'],
  gateway: ['protocol', 'calibration'],
  // The district's simulated gateways draw from the simulated mat's seeded randomness.
  district: ['protocol', 'gateway', 'device'],
  // The `tikar` command wires every part; nothing imports it.
  cli: ['protocol', 'calibration', 'device', 'gateway', 'district'],
};

/** The one file (or folder) that may import each outside library with I/O or weight. */
const libraryOwners: Record<string, RegExp> = {
  // One per side of the wire: device/ (the mat's program) and gateway/ never import each other.
  serialport: /^(gateway\/ingest\/serial-link|device\/serial-port)\.ts$/,
  sqlite3: /^gateway\/store\/db\.ts$/,
  mqtt: /^gateway\/publish\/mqtt-link\.ts$/,
  aedes: /^gateway\/publish\/builtin-broker\.ts$/,
  'johnny-five': /^device\/firmware\//,
  exceljs: /^gateway\/reports\/eppgbm-xlsx\.ts$/,
  'playwright-core': /^gateway\/reports\/pdf\.ts$/,
  pg: /^gateway\/store\/postgres\.ts$/,
};

/** Node built-ins that do I/O: protocol/ and calibration/ compute only. */
const ioModules = /^node:(fs|fs\/promises|net|child_process|dgram|http|https|worker_threads)$/;

function violations(imports: Import[] = allImports): string[] {
  const found = new Set<string>();
  for (const edge of imports) {
    const pair = `${edge.from} -> ${edge.to}`;
    if (edge.external) {
      const owner = libraryOwners[edge.to];
      if (owner && !owner.test(edge.from)) found.add(pair);
      continue;
    }
    const fromTop = edge.from.split('/')[0] as string;
    const toTop = edge.to.split('/')[0] as string;
    if (fromTop !== toTop && !(allowedFolders[fromTop] ?? []).includes(toTop)) {
      const rootMayImport = fromTop === 'gateway' && toTop === 'device';
      if (!(rootMayImport && compositionRoots.some((pattern) => pattern.test(edge.from)))) found.add(pair);
    }
    if (fromTop === 'gateway' && toTop === 'gateway' && !compositionRoots.some((p) => p.test(edge.from))) {
      const fromRank = stageRank[area(edge.from)];
      const toRank = stageRank[area(edge.to)];
      if (fromRank === undefined || toRank === undefined || toRank > fromRank) found.add(pair);
    }
  }
  for (const folder of ['protocol', 'calibration']) {
    for (const file of sources(folder)) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(/from\s*['"](node:[^'"]+)['"]/g))
        if (ioModules.test(match[1] as string)) found.add(`${file} -> ${match[1]}`);
    }
  }
  return [...found].sort();
}

describe('the boundaries of docs/architecture.md', () => {
  const now = violations();

  it('finds the imports of every product file', () => {
    expect(allImports.length).toBeGreaterThan(300);
    const text =
      "import { y } from '../y/b.ts';\nimport type { Z } from 'mqtt';\nconst m = await import('sqlite3');";
    expect(importsOf('gateway/x/a.ts', text)).toEqual([
      { from: 'gateway/x/a.ts', to: 'gateway/y/b.ts', external: false },
      { from: 'gateway/x/a.ts', to: 'sqlite3', external: true },
    ]);
  });

  it('has no violation', () => {
    expect(now).toEqual([]);
  });

  it('flags an upward stage, a foreign library owner and an import of cli/', () => {
    const edge = (from: string, to: string, external = false): Import => ({ from, to, external });
    expect(
      violations([
        edge('gateway/store/children.ts', 'gateway/web/server.ts'),
        edge('gateway/reports/skdn.ts', 'sqlite3', true),
        edge('device/sim/index.ts', 'cli/sim.ts'),
        edge('gateway/measure/assemble.ts', 'gateway/growth/index.ts'),
      ]).filter((pair) => !pair.includes('node:')),
    ).toEqual([
      'device/sim/index.ts -> cli/sim.ts',
      'gateway/reports/skdn.ts -> sqlite3',
      'gateway/store/children.ts -> gateway/web/server.ts',
    ]);
  });

  it('knows every stage of the gateway', () => {
    const stages = new Set(sources('gateway').map(area));
    expect([...stages].filter((stage) => stageRank[stage] === undefined)).toEqual([]);
  });
});
