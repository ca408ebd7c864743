// One owner of serial ports: the install holds a single serialport (the project's own, 13.x), so johnny-five's
// optional serialport 8 and its unbuilt native bindings cannot come back with a dependency update.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string }>;
};

describe('the install', () => {
  it('has exactly one serialport, the 13.x the mat program and the gateway open ports with', () => {
    const copies = Object.entries(lock.packages).filter(([path]) =>
      /(^|\/)node_modules\/serialport$/.test(path),
    );
    expect(copies.map(([path, entry]) => [path, entry.version?.split('.')[0]])).toEqual([
      ['node_modules/serialport', '13'],
    ]);
    const oldBindings = Object.keys(lock.packages).filter((path) =>
      path.endsWith('node_modules/@serialport/bindings'),
    );
    expect(oldBindings).toEqual([]);
    expect(lock.packages['node_modules/firmata-io']?.version).toMatch(/^2\./);
  });
});
