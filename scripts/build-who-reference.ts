// Builds gateway/growth/who-2006/reference.generated.ts from the WHO Child Growth Standards (2006)
// expanded tables in ../shared/who (`*_z_exp.txt`), after checking every row against the tables of
// WHO's own R package (`anthro/*.txt`). Run with `npm run who:build`; a test rebuilds it and compares.
//
// Encoding: per table and sex, the rows' L, M and S are stored as integers (L and M times 10^4, S times
// 10^5, the precision WHO publishes) packed as little-endian Int32 triplets and base64-encoded. An
// integer divided by a power of ten is the correctly rounded double of that decimal, exactly what
// parsing the published text gives, so decoding loses nothing (the build checks this for every value).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sharedDir } from './shared-dir.ts';

export const REFERENCE_FORMAT_VERSION = 1;
export const L_SCALE = 1e4;
export const M_SCALE = 1e4;
export const S_SCALE = 1e5;

interface TableSpec {
  name: 'lhfa' | 'wfa' | 'bfa' | 'hcfa' | 'wfl' | 'wfh';
  keyHeader: 'Day' | 'Length' | 'Height';
  /** First key in key units (days, or tenths of a centimetre) and the expected row count. */
  firstKey: number;
  rows: number;
  anthroFile: string;
  /** The anthro table's key column is days or centimetres. */
  anthroKeyIsCm: boolean;
}

const TABLES: readonly TableSpec[] = [
  {
    name: 'lhfa',
    keyHeader: 'Day',
    firstKey: 0,
    rows: 1857,
    anthroFile: 'lenanthro.txt',
    anthroKeyIsCm: false,
  },
  {
    name: 'wfa',
    keyHeader: 'Day',
    firstKey: 0,
    rows: 1857,
    anthroFile: 'weianthro.txt',
    anthroKeyIsCm: false,
  },
  {
    name: 'bfa',
    keyHeader: 'Day',
    firstKey: 0,
    rows: 1857,
    anthroFile: 'bmianthro.txt',
    anthroKeyIsCm: false,
  },
  {
    name: 'hcfa',
    keyHeader: 'Day',
    firstKey: 0,
    rows: 1857,
    anthroFile: 'hcanthro.txt',
    anthroKeyIsCm: false,
  },
  {
    name: 'wfl',
    keyHeader: 'Length',
    firstKey: 450,
    rows: 651,
    anthroFile: 'wflanthro.txt',
    anthroKeyIsCm: true,
  },
  {
    name: 'wfh',
    keyHeader: 'Height',
    firstKey: 650,
    rows: 551,
    anthroFile: 'wfhanthro.txt',
    anthroKeyIsCm: true,
  },
];

const SEXES = [
  { code: 1, file: 'boys' },
  { code: 2, file: 'girls' },
] as const;

const EXPECTED_HEADER = [
  'L',
  'M',
  'S',
  'SD4neg',
  'SD3neg',
  'SD2neg',
  'SD1neg',
  'SD0',
  'SD1',
  'SD2',
  'SD3',
  'SD4',
];

export function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

/** Parses a published decimal with exactly `decimals` digits after the point into an integer. */
export function scaledInteger(text: string, decimals: number, where: string): number {
  const match = /^(-?)(\d+)\.(\d+)$/.exec(text);
  if (!match || match[3]?.length !== decimals)
    fail(where, `'${text}' is not a number with ${decimals} decimals`);
  const value = Number(`${match[1]}${match[2]}${match[3]}`);
  if (!Number.isSafeInteger(value) || Math.abs(value) >= 2 ** 31)
    fail(where, `'${text}' does not fit an Int32`);
  return value;
}

export function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.length > 0);
}

/** Reads one `*_z_exp.txt` file into Int32 triplets (L, M, S scaled), checking every row. */
function readExpandedTable(
  whoDir: string,
  spec: TableSpec,
  sexFile: string,
): { packed: Int32Array; sha256: string } {
  const fileName = `${spec.name}_${sexFile}_z_exp.txt`;
  const raw = readFileSync(join(whoDir, fileName));
  const rows = lines(raw.toString('ascii'));
  const header = rows[0]?.split('\t') ?? [];
  if (header[0] !== spec.keyHeader || header.slice(1).join('\t') !== EXPECTED_HEADER.join('\t')) {
    fail(fileName, `unexpected header '${rows[0]}'`);
  }
  if (rows.length - 1 !== spec.rows) fail(fileName, `${rows.length - 1} data rows, expected ${spec.rows}`);
  const packed = new Int32Array(spec.rows * 3);
  for (let row = 0; row < spec.rows; row++) {
    const where = `${fileName} line ${row + 2}`;
    const cells = rows[row + 1]?.split('\t') ?? [];
    if (cells.length !== 13) fail(where, `${cells.length} fields, expected 13`);
    const [keyText = '', lText = '', mText = '', sText = ''] = cells;
    const key = spec.keyHeader === 'Day' ? Number(keyText) : scaledInteger(keyText, 1, where);
    if (key !== spec.firstKey + row) fail(where, `key ${keyText} out of sequence`);
    const l = scaledInteger(lText, 4, where);
    const m = scaledInteger(mText, 4, where);
    const s = scaledInteger(sText, 5, where);
    // The decoded double must be exactly the double of the published text.
    if (l / L_SCALE !== Number(lText) || m / M_SCALE !== Number(mText) || s / S_SCALE !== Number(sText)) {
      fail(where, 'scaled integers do not decode to the published values');
    }
    if (l === 0) fail(where, 'L = 0 (the LMS formula would need the log form)');
    if ((spec.name === 'lhfa' || spec.name === 'hcfa') && l !== L_SCALE) {
      fail(where, 'L is not 1 (the core relies on L = 1 for length and head circumference)');
    }
    packed[row * 3] = l;
    packed[row * 3 + 1] = m;
    packed[row * 3 + 2] = s;
  }
  return { packed, sha256: createHash('sha256').update(raw).digest('hex') };
}

/** Checks the packed rows against WHO anthro's own table (anthro 1.1.0 stops at day 1826). */
function checkAgainstAnthro(whoDir: string, spec: TableSpec, sex: number, packed: Int32Array): number {
  const rows = lines(readFileSync(join(whoDir, 'anthro', spec.anthroFile), 'ascii'));
  let compared = 0;
  for (const line of rows.slice(1)) {
    const cells = line.split('\t');
    if (Number(cells[0]) !== sex) continue;
    const where = `anthro/${spec.anthroFile} sex ${sex} key ${cells[1]}`;
    const key = spec.anthroKeyIsCm ? Math.round(Number(cells[1]) * 10) : Number(cells[1]);
    const row = key - spec.firstKey;
    if (!(row >= 0 && row < spec.rows)) fail(where, 'key outside the WHO expanded table');
    const l = (packed[row * 3] ?? Number.NaN) / L_SCALE;
    const m = (packed[row * 3 + 1] ?? Number.NaN) / M_SCALE;
    const s = (packed[row * 3 + 2] ?? Number.NaN) / S_SCALE;
    if (l !== Number(cells[2]) || m !== Number(cells[3]) || s !== Number(cells[4])) {
      fail(where, `L/M/S ${cells.slice(2, 5).join(' ')} differ from the expanded table (${l} ${m} ${s})`);
    }
    compared++;
  }
  const expected = spec.anthroKeyIsCm ? spec.rows : 1827;
  if (compared !== expected)
    fail(`anthro/${spec.anthroFile}`, `sex ${sex}: ${compared} rows, expected ${expected}`);
  return compared;
}

export function toBase64(packed: Int32Array): string {
  const bytes = Buffer.alloc(packed.length * 4);
  for (let i = 0; i < packed.length; i++) bytes.writeInt32LE(packed[i] ?? 0, i * 4);
  return bytes.toString('base64');
}

/** Returns the text of the generated module; pure apart from reading `whoDir`. */
export function buildReferenceModule(whoDir: string): string {
  const sources: string[] = [];
  const entries: string[] = [];
  let anthroRows = 0;
  for (const spec of TABLES) {
    const bySex: string[] = [];
    for (const sex of SEXES) {
      const { packed, sha256 } = readExpandedTable(whoDir, spec, sex.file);
      anthroRows += checkAgainstAnthro(whoDir, spec, sex.code, packed);
      sources.push(`//   ${spec.name}_${sex.file}_z_exp.txt  sha256 ${sha256}`);
      bySex.push(`    ${sex.file}: '${toBase64(packed)}',`);
    }
    entries.push(
      [
        `  ${spec.name}: {`,
        `    firstKey: ${spec.firstKey},`,
        `    rows: ${spec.rows},`,
        ...bySex,
        '  },',
      ].join('\n'),
    );
  }
  return [
    '// GENERATED FILE - do not edit. Rebuild with `npm run who:build` (scripts/build-who-reference.ts).',
    '//',
    '// WHO Child Growth Standards (2006), expanded tables: L, M and S by sex and by day of age (0-1856) or',
    '// by 0.1 cm of length (45.0-110.0) / height (65.0-120.0). (c) World Health Organization,',
    '// https://www.who.int/tools/child-growth-standards. Cite: WHO Multicentre Growth Reference Study Group',
    "// (2006), WHO Child Growth Standards, Geneva: WHO. The values are WHO's, unchanged.",
    '//',
    `// Format version ${REFERENCE_FORMAT_VERSION}: per table and sex, base64 of little-endian Int32 triplets`,
    `// (L * ${L_SCALE}, M * ${M_SCALE}, S * ${S_SCALE}) for consecutive keys from firstKey (days, or tenths of a cm).`,
    '// Built from (../shared/who):',
    ...sources,
    `// and checked value for value against WHO anthro 1.1.0's tables (anthro/*.txt, ${anthroRows} rows).`,
    '',
    `export const WHO_REFERENCE_FORMAT_VERSION = ${REFERENCE_FORMAT_VERSION};`,
    '',
    `export const WHO_REFERENCE_SCALE = { l: ${L_SCALE}, m: ${M_SCALE}, s: ${S_SCALE} } as const;`,
    '',
    'export const WHO_REFERENCE_TABLES = {',
    ...entries,
    '} as const;',
    '',
  ].join('\n');
}

export const GENERATED_MODULE_PATH = 'gateway/growth/who-2006/reference.generated.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const whoDir = join(sharedDir(repoRoot), 'who');
  const text = buildReferenceModule(whoDir);
  writeFileSync(join(repoRoot, GENERATED_MODULE_PATH), text);
  process.stdout.write(`wrote ${GENERATED_MODULE_PATH} (${text.length} bytes) from ${whoDir}\n`);
}
