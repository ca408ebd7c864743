// Report settings whose defaults come from DOMAIN sources that were not confirmed from a primary source
// (docs/reports.md says which). Each is validated once, failing fast with the option's name.

/** KBM (kenaikan berat badan minimal): the least monthly gain counting as N, by completed age in months. */
export interface KbmRow {
  fromMonth: number; // inclusive
  toMonth: number; // inclusive
  minGainG: number;
}

/** Buku KIA 2023 row (verify the month boundaries with the district's edition). */
export const defaultKbmTable: readonly KbmRow[] = [
  { fromMonth: 0, toMonth: 1, minGainG: 800 }, // a child of 0 completed months uses the 1-month row
  { fromMonth: 2, toMonth: 2, minGainG: 900 },
  { fromMonth: 3, toMonth: 3, minGainG: 800 },
  { fromMonth: 4, toMonth: 4, minGainG: 600 },
  { fromMonth: 5, toMonth: 5, minGainG: 500 },
  { fromMonth: 6, toMonth: 7, minGainG: 400 },
  { fromMonth: 8, toMonth: 11, minGainG: 300 },
  { fromMonth: 12, toMonth: 60, minGainG: 200 },
];

/** Growth-mat colour from TB/U (PB/U) z: Hijau at or above `greenMinZ`, Kuning from `yellowMinZ`, else Merah. */
export interface MatColourMapping {
  greenMinZ: number;
  yellowMinZ: number;
}

export const defaultMatColourMapping: MatColourMapping = { greenMinZ: -2, yellowMinZ: -3 };

export interface ReportSettings {
  kbmTable: readonly KbmRow[];
  matColours: MatColourMapping;
}

export const defaultReportSettings: ReportSettings = {
  kbmTable: defaultKbmTable,
  matColours: defaultMatColourMapping,
};

/** Checks a settings object (e.g. read from a JSON file); throws naming the bad option. */
export function validateReportSettings(settings: ReportSettings): ReportSettings {
  // The object may come straight from a JSON file: check its shape before reading it.
  const untrusted = settings as unknown as { kbmTable: unknown; matColours: unknown };
  if (typeof untrusted.matColours !== 'object' || untrusted.matColours === null) {
    throw new RangeError('matColours must be an object with greenMinZ and yellowMinZ');
  }
  if (
    !Array.isArray(untrusted.kbmTable) ||
    !untrusted.kbmTable.every((row: unknown) => typeof row === 'object' && row !== null)
  ) {
    throw new RangeError('kbmTable must be a list of { fromMonth, toMonth, minGainG }');
  }
  const { greenMinZ, yellowMinZ } = settings.matColours;
  if (!Number.isFinite(greenMinZ) || !Number.isFinite(yellowMinZ) || yellowMinZ >= greenMinZ) {
    throw new RangeError('matColours: yellowMinZ must be a number below greenMinZ');
  }
  let expectedFrom = 0;
  settings.kbmTable.forEach((row, index) => {
    const where = `kbmTable[${index}]`;
    if (row.fromMonth !== expectedFrom) throw new RangeError(`${where}.fromMonth must be ${expectedFrom}`);
    if (!Number.isInteger(row.toMonth) || row.toMonth < row.fromMonth) {
      throw new RangeError(`${where}.toMonth must be a whole month not before fromMonth`);
    }
    if (!(row.minGainG > 0)) throw new RangeError(`${where}.minGainG must be above 0`);
    expectedFrom = row.toMonth + 1;
  });
  if (expectedFrom < 60) throw new RangeError('kbmTable must cover ages 0 to 59 months');
  return settings;
}

/** KBM in grams for a child of `ageMonths` completed months (ages past the table use its last row). */
export function kbmForAge(table: readonly KbmRow[], ageMonths: number): number {
  for (const row of table) if (ageMonths <= row.toMonth) return row.minGainG;
  return table[table.length - 1]?.minGainG ?? 0;
}

export type MatColour = 'hijau' | 'kuning' | 'merah' | 'tidak-diukur';

export function matColour(mapping: MatColourMapping, zlen: number | null): MatColour {
  if (zlen === null || !Number.isFinite(zlen)) return 'tidak-diukur';
  if (zlen >= mapping.greenMinZ) return 'hijau';
  if (zlen >= mapping.yellowMinZ) return 'kuning';
  return 'merah';
}
