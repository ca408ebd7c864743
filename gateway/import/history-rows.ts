// The rows of a history file as children and their past visits, every problem named by line and column.
// Two layouts: Tikar's own (docs/import.md) and the e-PPGBM by-name export (columns seen in practice,
// DOMAIN.md; the official template was not found, so the mapping below is a documented guess).

import { parseDate } from '../clock/calendar.ts';
import type { Position, Sex } from '../growth/index.ts';
import type { CsvRecord } from './csv-text.ts';

export interface ImportProblem {
  line: number;
  column: string;
  message: string;
}

export interface ImportAddress {
  dusun: string | null;
  rt: string | null;
  rw: string | null;
  phone: string | null;
}

export interface ImportChild {
  ref: string;
  line: number;
  name: string;
  sex: Sex;
  birthDate: string;
  motherName: string;
  hasKia: boolean;
  nik: string | null;
  address: ImportAddress | null;
}

export interface ImportVisit {
  line: number;
  date: string;
  weightKg: number | null;
  lenheiCm: number | null;
  measure: Position | undefined;
  oedema: boolean;
  headcCm: number | null;
  vitaminA: boolean | null;
  asiEksklusif: boolean | null;
}

export interface ImportPlan {
  layout: 'tikar' | 'eppgbm';
  children: Map<string, { child: ImportChild; visits: ImportVisit[] }>;
  problems: ImportProblem[];
}

/** Canonical fields and the header each layout gives them. */
type Field =
  | 'child_ref'
  | 'name'
  | 'sex'
  | 'birth_date'
  | 'mother_name'
  | 'has_kia'
  | 'nik'
  | 'date'
  | 'weight_kg'
  | 'lenhei_cm'
  | 'measure'
  | 'oedema'
  | 'headc_cm'
  | 'vitamin_a'
  | 'asi_eksklusif'
  | 'dusun'
  | 'rt'
  | 'rw'
  | 'phone';

export const tikarRequired: readonly Field[] = [
  'child_ref',
  'name',
  'sex',
  'birth_date',
  'mother_name',
  'has_kia',
  'nik',
  'date',
  'weight_kg',
  'lenhei_cm',
  'measure',
];
const tikarOptional: readonly Field[] = [
  'oedema',
  'headc_cm',
  'vitamin_a',
  'asi_eksklusif',
  'dusun',
  'rt',
  'rw',
  'phone',
];

/** e-PPGBM by-name export headers (DOMAIN.md) for the fields it has; no child_ref: NIK or name + birth date. */
const eppgbmHeaders: Partial<Record<Field, string>> = {
  nik: 'NIK',
  name: 'Nama',
  sex: 'JK',
  birth_date: 'Tgl Lahir',
  mother_name: 'Nama Ortu',
  date: 'Tanggal Pengukuran',
  weight_kg: 'Berat',
  lenhei_cm: 'Tinggi',
  measure: 'Cara Ukur',
  rt: 'RT',
  rw: 'RW',
  has_kia: 'KIA',
};
const eppgbmRequired: readonly Field[] = ['name', 'sex', 'birth_date', 'date', 'weight_kg', 'lenhei_cm'];

type Columns = Map<Field, { index: number; header: string }>;

function columnsOf(header: readonly string[]): { layout: ImportPlan['layout']; columns: Columns } | string {
  const lower = header.map((h) => h.toLowerCase());
  const columns: Columns = new Map();
  if (lower.includes('child_ref')) {
    for (const field of [...tikarRequired, ...tikarOptional]) {
      const index = lower.indexOf(field);
      if (index >= 0) columns.set(field, { index, header: header[index] as string });
    }
    const missing = tikarRequired.filter((f) => !columns.has(f));
    if (missing.length > 0) return `the header lacks the column(s) ${missing.join(', ')}`;
    return { layout: 'tikar', columns };
  }
  for (const [field, name] of Object.entries(eppgbmHeaders) as [Field, string][]) {
    const index = lower.indexOf(name.toLowerCase());
    if (index >= 0) columns.set(field, { index, header: header[index] as string });
  }
  const missing = eppgbmRequired.filter((f) => !columns.has(f));
  if (missing.length === eppgbmRequired.length) {
    return `unknown layout: the header has neither child_ref (Tikar) nor the e-PPGBM columns (Nama, JK, Tgl Lahir, Tanggal Pengukuran, Berat, Tinggi)`;
  }
  if (missing.length > 0) {
    return `e-PPGBM layout: the header lacks ${missing.map((f) => eppgbmHeaders[f]).join(', ')}`;
  }
  return { layout: 'eppgbm', columns };
}

/** YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY (e-PPGBM exports use both), as YYYY-MM-DD; undefined if no real day. */
export function importDate(text: string): string | undefined {
  const dmy = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(text);
  const iso = dmy
    ? `${dmy[3]}-${(dmy[2] as string).padStart(2, '0')}-${(dmy[1] as string).padStart(2, '0')}`
    : text;
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) && parseDate(iso) ? iso : undefined;
}

/** A decimal number with '.' or ',' as the mark; undefined when it is not one. */
export function importNumber(text: string): number | undefined {
  if (!/^\d{1,4}([.,]\d{1,4})?$/.test(text)) return undefined;
  return Number(text.replace(',', '.'));
}

const yes = new Set(['y', 'ya', 'yes', '1', 'true']);
const no = new Set(['n', 't', 'tidak', 'no', '0', 'false']);

function yesNo(text: string): boolean | null | undefined {
  const value = text.toLowerCase();
  if (value === '') return null;
  if (yes.has(value)) return true;
  if (no.has(value)) return false;
  return undefined;
}

function sexOf(text: string): Sex | undefined {
  const value = text.toLowerCase();
  if (value === '1' || value === 'l' || value === 'm') return 1;
  if (value === '2' || value === 'p' || value === 'f') return 2;
  return undefined;
}

function measureOf(text: string): Position | null | undefined {
  const value = text.toLowerCase();
  if (value === '') return null;
  if (value === 'l' || value === 'terlentang' || value === 'pb') return 'l';
  if (value === 'h' || value === 'berdiri' || value === 'tb') return 'h';
  return undefined;
}

/** Reads the records into children and visits; a bad row is a problem and is left out, the rest go on. */
export function planImport(header: readonly string[], records: readonly CsvRecord[]): ImportPlan | string {
  const found = columnsOf(header);
  if (typeof found === 'string') return found;
  const { layout, columns } = found;
  const plan: ImportPlan = { layout, children: new Map(), problems: [] };
  for (const record of records) {
    const problems: ImportProblem[] = [];
    const cell = (field: Field): string => {
      const column = columns.get(field);
      return column ? (record.cells[column.index] ?? '').trim() : '';
    };
    const problem = (field: Field, message: string) =>
      problems.push({ line: record.line, column: columns.get(field)?.header ?? field, message });
    const text = (field: Field, max: number, required: boolean): string | null => {
      const value = cell(field);
      if (value === '') {
        if (required) problem(field, 'is empty');
        return null;
      }
      if (value.length > max) problem(field, `is longer than ${max} characters`);
      return value;
    };
    const number = (field: Field, min: number, max: number, unit: string): number | null => {
      const value = cell(field);
      if (value === '') return null;
      const parsed = importNumber(value);
      if (parsed === undefined) problem(field, `'${value}' is not a number`);
      else if (parsed < min || parsed > max)
        problem(field, `${parsed} ${unit} is outside ${min}–${max} ${unit}`);
      else return parsed;
      return null;
    };
    const flag = (field: Field): boolean | null => {
      const value = yesNo(cell(field));
      if (value === undefined) problem(field, `'${cell(field)}' is not y or n`);
      return value ?? null;
    };

    const name = text('name', 100, true);
    const sex = sexOf(cell('sex'));
    if (sex === undefined) problem('sex', `'${cell('sex')}' is not L/P (1/2)`);
    const birthDate = importDate(cell('birth_date'));
    if (birthDate === undefined)
      problem('birth_date', `'${cell('birth_date')}' is not a date (YYYY-MM-DD or DD/MM/YYYY)`);
    const nik = cell('nik') === '' ? null : cell('nik');
    if (nik !== null && !/^\d{16}$/.test(nik)) problem('nik', 'must be 16 digits');
    const motherName = text('mother_name', 100, layout === 'tikar') ?? '-';
    const hasKia = flag('has_kia') ?? false;
    const ref =
      layout === 'tikar' ? (text('child_ref', 64, true) ?? '') : (nik ?? `${name ?? ''}|${birthDate ?? ''}`);
    const rt = text('rt', 3, false);
    const rw = text('rw', 3, false);
    for (const [field, value] of [
      ['rt', rt],
      ['rw', rw],
    ] as const) {
      if (value !== null && !/^\d{1,3}$/.test(value)) problem(field, 'must be 1–3 digits');
    }
    const phone = text('phone', 16, false);
    if (phone !== null && !/^\+?\d{8,15}$/.test(phone))
      problem('phone', 'must be 8–15 digits, + allowed first');
    const dusun = text('dusun', 60, false);
    const address = (dusun ?? rt ?? rw ?? phone) ? { dusun, rt, rw, phone } : null;

    const dateText = cell('date');
    const date = dateText === '' ? null : importDate(dateText);
    if (date === undefined) problem('date', `'${dateText}' is not a date (YYYY-MM-DD or DD/MM/YYYY)`);
    else if (date !== null && birthDate !== undefined && date < birthDate)
      problem('date', 'is before the birth date');
    const weightKg = number('weight_kg', 0.5, 40, 'kg');
    const lenheiCm = number('lenhei_cm', 38, 150, 'cm');
    const headcCm = number('headc_cm', 25, 60, 'cm');
    const measure = measureOf(cell('measure'));
    if (measure === undefined) problem('measure', `'${cell('measure')}' is not l/h (terlentang/berdiri)`);
    const oedema = flag('oedema') ?? false;
    const vitaminA = flag('vitamin_a');
    const asiEksklusif = flag('asi_eksklusif');
    if (date && weightKg === null && lenheiCm === null && !problems.some((p) => p.column !== 'date')) {
      problem('weight_kg', 'a row with a date needs a weight or a length');
    }

    if (problems.length > 0 || name === null || sex === undefined || birthDate === undefined) {
      plan.problems.push(...problems);
      continue;
    }
    const child: ImportChild = {
      ref,
      line: record.line,
      name,
      sex,
      birthDate,
      motherName,
      hasKia,
      nik,
      address,
    };
    const known = plan.children.get(ref);
    if (known) {
      const differs = (['name', 'sex', 'birthDate'] as const).find((k) => known.child[k] !== child[k]);
      if (differs) {
        plan.problems.push({
          line: record.line,
          column: columns.get(layout === 'tikar' ? 'child_ref' : 'nik')?.header ?? 'child_ref',
          message: `the same child as line ${known.child.line} but with another ${differs}`,
        });
        continue;
      }
    }
    const entry = known ?? { child, visits: [] };
    plan.children.set(ref, entry);
    if (!date) continue; // a row without a date only registers the child
    const duplicate = entry.visits.find((v) => v.date === date);
    if (duplicate) {
      plan.problems.push({
        line: record.line,
        column: columns.get('date')?.header ?? 'date',
        message: `a second visit of this child on ${date} (line ${duplicate.line})`,
      });
      continue;
    }
    entry.visits.push({
      line: record.line,
      date,
      weightKg,
      lenheiCm,
      measure: measure ?? undefined,
      oedema,
      headcCm,
      vitaminA,
      asiEksklusif,
    });
  }
  return plan;
}
