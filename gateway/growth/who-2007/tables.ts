// Decodes the generated WHO Reference 2007 data into typed arrays once, at module load.
// Layout as for the 2006 tables: one Float64Array per table of L, M, S triplets, boys' rows first;
// row of (sex, whole month) = (sex - 1) * rows + (month - firstMonth).
import { prebuilt } from '../prebuilt.ts';
import { decodeInto, type LmsTable } from '../who-2006/tables.ts';
import { WHO_2007_SCALE, WHO_2007_TABLES } from './reference.generated.ts';

export type Table2007Name = keyof typeof WHO_2007_TABLES;

export interface LmsTable2007 extends Omit<LmsTable, 'name'> {
  readonly name: Table2007Name;
}

function loadTable(name: Table2007Name): LmsTable2007 {
  const source = WHO_2007_TABLES[name];
  const lms = prebuilt(`who2007.${name}`, () => {
    const decoded = new Float64Array(source.rows * 3 * 2);
    decodeInto(source.boys, decoded, 0, WHO_2007_SCALE);
    decodeInto(source.girls, decoded, source.rows * 3, WHO_2007_SCALE);
    return decoded;
  });
  return { name, firstKey: source.firstMonth, rows: source.rows, lms };
}

export const HFA_2007 = loadTable('hfa');
export const WFA_2007 = loadTable('wfa');
export const BFA_2007 = loadTable('bfa');

export const TABLES_2007: Readonly<Record<Table2007Name, LmsTable2007>> = {
  hfa: HFA_2007,
  wfa: WFA_2007,
  bfa: BFA_2007,
};
