// Report settings whose defaults come from DOMAIN sources that were not confirmed from a primary source
// (docs/reports.md says which). Each is validated once, failing fast with the option's name.

import { ageInCompletedMonths, ageInKmsMonths } from '../clock/calendar.ts';
import type { KbmRow } from '../growth/kbm.ts';
import { defaultKbmTable } from '../growth/kbm.ts';

/** Growth-mat colour from TB/U (PB/U) z: Hijau at or above `greenMinZ`, Kuning from `yellowMinZ`, else Merah. */
export interface MatColourMapping {
  greenMinZ: number;
  yellowMinZ: number;
}

/**
 * The KPM scorecard heads its table "Hijau (Normal) / Kuning (Resiko Stunting) / Merah (Terindikasi
 * Stunting)": Merah is the stunted child (TB/U < −2 SD, Permenkes 2/2020), Kuning the band just above
 * (−2 ≤ z < −1, verify with the district's mat edition: the paper mat's own marks decide).
 */
export const defaultMatColourMapping: MatColourMapping = { greenMinZ: -1, yellowMinZ: -2 };

/**
 * How a report counts a child's age in months: 'kms' = the KMS's calendar-month columns (month of the
 * weighing minus month of birth), as the Buku KIA reads the KBM; 'completed' = completed months.
 */
export type AgeRule = 'kms' | 'completed';
export const ageRules: readonly AgeRule[] = ['kms', 'completed'];

export interface ReportSettings {
  kbmTable: readonly KbmRow[];
  matColours: MatColourMapping;
  ageRule: AgeRule;
  /**
   * KPM scorecard "ditimbang rutin": weighed in each of this many months up to the report month (months
   * before the birth excepted). The scorecard gives no rule: unverified, default 3.
   */
  kpmRoutineMonths: number;
}

export const defaultReportSettings: ReportSettings = {
  kbmTable: defaultKbmTable,
  matColours: defaultMatColourMapping,
  ageRule: 'kms',
  kpmRoutineMonths: 3,
};

/** The age in months a report shows and reads the KBM at; -1 when `on` is before the birth. */
export function reportAgeMonths(rule: AgeRule, birthDate: string, on: string): number {
  return rule === 'kms' ? ageInKmsMonths(birthDate, on) : ageInCompletedMonths(birthDate, on);
}

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
  if (!ageRules.includes(settings.ageRule)) {
    throw new RangeError(`ageRule must be one of ${ageRules.join(', ')}`);
  }
  if (
    !Number.isInteger(settings.kpmRoutineMonths) ||
    settings.kpmRoutineMonths < 1 ||
    settings.kpmRoutineMonths > 12
  ) {
    throw new RangeError('kpmRoutineMonths must be a whole number of months from 1 to 12');
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

export type MatColour = 'hijau' | 'kuning' | 'merah' | 'tidak-diukur';

export function matColour(mapping: MatColourMapping, zlen: number | null): MatColour {
  if (zlen === null || !Number.isFinite(zlen)) return 'tidak-diukur';
  if (zlen >= mapping.greenMinZ) return 'hijau';
  if (zlen >= mapping.yellowMinZ) return 'kuning';
  return 'merah';
}
