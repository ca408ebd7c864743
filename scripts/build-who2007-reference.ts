// Builds gateway/growth/who-2007/reference.generated.ts from the WHO Reference 2007 (5-19 years) tables
// in ../shared/who2007 (`hfawho2007.txt`, `wfawho2007.txt`, `bfawho2007.txt`: L, M, S by sex and whole
// month, as WHO's R package anthroplus ships them), after checking every row. Run with
// `npm run who:build`; test/growth/reference-2007.test.ts rebuilds it and compares.
//
// The same encoding as the 2006 tables (scripts/build-who-reference.ts): per table and sex, L and M
// times 10^4 and S times 10^5 as little-endian Int32 triplets in base64, lossless.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  fail,
  L_SCALE,
  lines,
  M_SCALE,
  REFERENCE_FORMAT_VERSION,
  S_SCALE,
  scaledInteger,
  toBase64,
} from './build-who-reference.ts';
import { sharedDir } from './shared-dir.ts';

interface Table2007Spec {
  name: 'hfa' | 'wfa' | 'bfa';
  file: string;
  /** First and last whole month of the file (both sexes): one month past the last age scored. */
  firstMonth: number;
  lastMonth: number;
}

const TABLES_2007: readonly Table2007Spec[] = [
  { name: 'hfa', file: 'hfawho2007.txt', firstMonth: 60, lastMonth: 229 },
  // WHO publishes weight-for-age only to 10 years (scored to 120 months).
  { name: 'wfa', file: 'wfawho2007.txt', firstMonth: 60, lastMonth: 121 },
  { name: 'bfa', file: 'bfawho2007.txt', firstMonth: 60, lastMonth: 229 },
];

/** L of height-for-age is printed as the integer `1`; every other L has 4 decimals. */
function scaledL(text: string, where: string): number {
  return text === '1' ? L_SCALE : scaledInteger(text, 4, where);
}

/** Reads one table into Int32 triplets per sex (L, M, S scaled), checking every row. */
function readTable(dir: string, spec: Table2007Spec): { packed: [Int32Array, Int32Array]; sha256: string } {
  const raw = readFileSync(join(dir, spec.file));
  const rows = lines(raw.toString('ascii').replaceAll('\r', ''));
  if (rows[0] !== 'sex\tage\tl\tm\ts') fail(spec.file, `unexpected header '${rows[0]}'`);
  const months = spec.lastMonth - spec.firstMonth + 1;
  if (rows.length - 1 !== 2 * months) fail(spec.file, `${rows.length - 1} data rows, expected ${2 * months}`);
  const packed: [Int32Array, Int32Array] = [new Int32Array(months * 3), new Int32Array(months * 3)];
  for (let row = 0; row < 2 * months; row++) {
    const where = `${spec.file} line ${row + 2}`;
    const cells = rows[row + 1]?.split('\t') ?? [];
    if (cells.length !== 5) fail(where, `${cells.length} fields, expected 5`);
    const [sexText = '', ageText = '', lText = '', mText = '', sText = ''] = cells;
    const sex = row < months ? 1 : 2;
    const month = spec.firstMonth + (row % months);
    if (sexText !== String(sex) || ageText !== String(month)) {
      fail(where, `sex ${sexText} month ${ageText} out of sequence (expected ${sex} ${month})`);
    }
    const l = scaledL(lText, where);
    const m = scaledInteger(mText, 4, where);
    const s = scaledInteger(sText, 5, where);
    if (l / L_SCALE !== Number(lText) || m / M_SCALE !== Number(mText) || s / S_SCALE !== Number(sText)) {
      fail(where, 'scaled integers do not decode to the published values');
    }
    if (l === 0) fail(where, 'L = 0 (the LMS formula would need the log form)');
    if (spec.name === 'hfa' && l !== L_SCALE) fail(where, 'L is not 1 (the core relies on L = 1 for height)');
    if (!(m > 0 && s > 0)) fail(where, 'M and S must be positive');
    const at = (row % months) * 3;
    const target = packed[sex - 1] as Int32Array;
    target[at] = l;
    target[at + 1] = m;
    target[at + 2] = s;
  }
  return { packed, sha256: createHash('sha256').update(raw).digest('hex') };
}

/** Returns the text of the generated module; pure apart from reading `dir`. */
export function buildReference2007Module(dir: string): string {
  const sources: string[] = [];
  const entries: string[] = [];
  for (const spec of TABLES_2007) {
    const { packed, sha256 } = readTable(dir, spec);
    sources.push(`//   ${spec.file}  sha256 ${sha256}`);
    entries.push(
      [
        `  ${spec.name}: {`,
        `    firstMonth: ${spec.firstMonth},`,
        `    rows: ${spec.lastMonth - spec.firstMonth + 1},`,
        `    boys: '${toBase64(packed[0])}',`,
        `    girls: '${toBase64(packed[1])}',`,
        '  },',
      ].join('\n'),
    );
  }
  return [
    '// GENERATED FILE - do not edit. Rebuild with `npm run who:build` (scripts/build-who2007-reference.ts).',
    '//',
    '// WHO Reference 2007 for children and adolescents 5-19 years: L, M and S by sex and whole month of age',
    '// (height-for-age and BMI-for-age 60-229 months, weight-for-age 60-121 months; scored to 228 and 120).',
    '// (c) World Health Organization, https://www.who.int/tools/growth-reference-data-for-5to19-years.',
    '// Cite: de Onis M et al. (2007), Development of a WHO growth reference for school-aged children and',
    "// adolescents, Bull World Health Organ 85:660-7. The values are WHO's, unchanged, as WHO's R package",
    '// anthroplus ships them.',
    '//',
    `// Format version ${REFERENCE_FORMAT_VERSION}: per table and sex, base64 of little-endian Int32 triplets`,
    `// (L * ${L_SCALE}, M * ${M_SCALE}, S * ${S_SCALE}) for consecutive whole months from firstMonth.`,
    '// Built from (../shared/who2007):',
    ...sources,
    '',
    `export const WHO_2007_FORMAT_VERSION = ${REFERENCE_FORMAT_VERSION};`,
    '',
    `export const WHO_2007_SCALE = { l: ${L_SCALE}, m: ${M_SCALE}, s: ${S_SCALE} } as const;`,
    '',
    'export const WHO_2007_TABLES = {',
    ...entries,
    '} as const;',
    '',
  ].join('\n');
}

export const GENERATED_2007_MODULE_PATH = 'gateway/growth/who-2007/reference.generated.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = join(sharedDir(repoRoot), 'who2007');
  const text = buildReference2007Module(dir);
  writeFileSync(join(repoRoot, GENERATED_2007_MODULE_PATH), text);
  process.stdout.write(`wrote ${GENERATED_2007_MODULE_PATH} (${text.length} bytes) from ${dir}\n`);
}
