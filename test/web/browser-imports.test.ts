// The browser modules (the screens and the district dashboard), served as they are with no build step: each
// import names a file that exists, relative (a browser resolves no package name), no view reaches back into
// the shell app.js (shared state lives in state.js), the modules form no import cycle, each is type-checked
// (`// @ts-check`, tsconfig.web.json) and none leans on a Node global that a browser does not have.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const browserFolders = ['gateway/web/public/js', 'district/dashboard/dashboard-public/js'];
const shell = 'gateway/web/public/js/app.js';

function browserFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return browserFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

/** The specifiers a module loads at run time: static, re-export and dynamic imports; JSDoc `@import` is types only. */
function runtimeImports(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '');
  const pattern =
    /(?:^\s*(?:import|export)\s[^;]*?\bfrom\s*|^\s*import\s*|\bimport\s*\(\s*)['"]([^'"]+)['"]/gm;
  return [...code.matchAll(pattern)].map((match) => match[1] as string);
}

/** The first import cycle found, as the list of modules around it, or undefined. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

const files = browserFolders.flatMap(browserFiles);
const sources = new Map(files.map((file) => [file, readFileSync(join(root, file), 'utf8')]));
const graph = new Map(
  files.map((file) => [
    file,
    runtimeImports(sources.get(file) as string).map((specifier) =>
      specifier.startsWith('.') ? relative(root, normalize(join(root, dirname(file), specifier))) : specifier,
    ),
  ]),
);

describe('the browser modules', () => {
  it('finds every module and its imports', () => {
    expect(files).toContain(shell);
    expect(files).toContain('gateway/web/public/js/state.js');
    expect(files).toContain('district/dashboard/dashboard-public/js/dashboard.js');
    expect(graph.get(shell)).toContain('gateway/web/public/js/views/measure.js');
    const text = [
      "import { a } from './a.js';",
      "export { b } from '../b.js';",
      "import './c.js';",
      "/** @import { T } from './contract' */",
      "const d = await import('./d.js');",
    ].join('\n');
    expect(runtimeImports(text)).toEqual(['./a.js', '../b.js', './c.js', './d.js']);
  });

  it('import only files that exist, by a relative path', () => {
    const bad = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => !sources.has(target)).map((target) => `${file} -> ${target}`),
    );
    expect(bad).toEqual([]);
  });

  it('never import the shell app.js (shared state is in state.js)', () => {
    const importers = [...graph].filter(([, targets]) => targets.includes(shell)).map(([file]) => file);
    expect(importers).toEqual([]);
  });

  it('form no import cycle', () => {
    expect(findCycle(graph)).toBeUndefined();
    const looped = new Map([
      ['app.js', ['views/a.js']],
      ['views/a.js', ['views/b.js']],
      ['views/b.js', ['app.js']],
    ]);
    expect(findCycle(looped)).toEqual(['app.js', 'views/a.js', 'views/b.js', 'app.js']);
    expect(
      findCycle(
        new Map([
          ['a.js', ['b.js']],
          ['b.js', []],
        ]),
      ),
    ).toBeUndefined();
  });

  it('are each type-checked and use no Node global', () => {
    const unchecked = files.filter((file) => !(sources.get(file) as string).startsWith('// @ts-check\n'));
    expect(unchecked).toEqual([]);
    const nodeOnly = /\b(?:process\.|Buffer\b|require\(|__dirname|global\.)|['"]node:/;
    expect(files.filter((file) => nodeOnly.test(sources.get(file) as string))).toEqual([]);
    const config = readFileSync(join(root, 'tsconfig.web.json'), 'utf8');
    for (const folder of browserFolders) expect(config).toContain(`"${folder}"`);
  });
});
