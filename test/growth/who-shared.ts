// Access to ../shared/who for the tests that check the committed data against WHO's own files. ../shared
// sits beside the repository (in CI too); without it those tests fail, saying where they looked.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDir } from '../../scripts/shared-dir.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WHO_DIR = join(sharedDir(REPO_ROOT), 'who');
export const HAS_WHO_DIR = existsSync(join(WHO_DIR, 'METHOD.md'));
export const WHO_MISSING = `../shared/who (WHO's tables) at ${WHO_DIR}`;
export const WHO_2007_DIR = join(sharedDir(REPO_ROOT), 'who2007');
export const HAS_WHO_2007_DIR = existsSync(join(WHO_2007_DIR, 'SOURCES.md'));
export const WHO_2007_MISSING = `../shared/who2007 (WHO's 2007 tables) at ${WHO_2007_DIR}`;

export interface ExpandedRow {
  key: number;
  l: number;
  m: number;
  s: number;
  /** SD4neg ... SD4, as printed (3 decimals). */
  sd: number[];
}

/** Rows of one `*_z_exp.txt` file. */
export function readExpanded(name: string, sex: 'boys' | 'girls'): ExpandedRow[] {
  const text = readFileSync(join(WHO_DIR, `${name}_${sex}_z_exp.txt`), 'ascii');
  return text
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.length > 0)
    .map((line) => {
      const cells = line.split('\t').map(Number);
      return {
        key: cells[0] as number,
        l: cells[1] as number,
        m: cells[2] as number,
        s: cells[3] as number,
        sd: cells.slice(4),
      };
    });
}
