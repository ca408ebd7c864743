// A measurement from its parts: child + position + calibrated values + the trusted clock + the growth core
// → the stored row (z-scores, Permenkes statuses, implausible flags), and the views the screens show.

import { ageInKmsMonths } from '../clock/calendar.ts';
import { localDate, localIso } from '../clock/clock.ts';
import {
  ageInDays,
  classifyGrowth,
  computeGrowthForAge,
  GrowthInputError,
  HEIGHT_FROM_DAY,
  roundZ,
  stuntingFlag,
} from '../growth/index.ts';
import { defaultKbmTable, kbmForAge } from '../growth/kbm.ts';
import type {
  Child,
  Comparison,
  Measurement,
  Position,
  ReadingView,
  Result,
  SavedMeasurement,
} from '../model/index.ts';
import type { MeasurementRow, ReadingRow, StoredMeasurement } from '../store/measurements.ts';

/**
 * Oldest child measured: 84 months (day 2556), for PAUD children measured with the posyandu's. Under 60
 * months the WHO 2006 standards apply, from 60 months the WHO Reference 2007 (computeGrowthForAge).
 */
export const MAX_AGE_DAYS = 2556;
/** What the screens and the API say when a child is older than MAX_AGE_DAYS. */
export const TOO_OLD_MESSAGE = 'child is older than 84 months (PAUD children are measured to 7 years)';

export interface MeasurementParts {
  id: string;
  child: Child;
  position: Position | undefined;
  lenheiCm: number | null;
  weightKg: number | null;
  oedema: boolean;
  /** Head circumference (cm), when measured (imported histories may have it). */
  headcCm?: number | null;
  measuredAt: Date;
  posyanduId: string;
  villageId: string;
  source: 'mat' | 'manual' | 'import';
  deviceId: string | null;
  calibrationId: string | null;
  supersedes: { id: string; reason: string } | null;
  createdAt: string;
}

/** Position by age when not given: lying under 24 months (731 days), standing from then on. */
export function defaultPosition(ageDays: number): Position {
  return ageDays < HEIGHT_FROM_DAY ? 'l' : 'h';
}

function nullable(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

function flag(value: number): 0 | 1 | null {
  return Number.isNaN(value) ? null : value === 1 ? 1 : 0;
}

// KMK 51/2022: boards read to 0.1 cm, scales to 10 g; the z-scores are computed from the stored values.
// The one rounding of what is saved (the measuring screen shows the result through these too).
export const storedLengthCm = (cm: number): number => Math.round(cm * 10) / 10;
export const storedWeightKg = (kg: number): number => Math.round(kg * 100) / 100;

/** Builds the row to store. Errors (age out of range, impossible values) are typed, never thrown. */
export function assembleMeasurement(parts: MeasurementParts): Result<MeasurementRow> {
  const { child } = parts;
  const measuredOn = localDate(parts.measuredAt);
  if (child.birth_date > measuredOn) {
    return {
      ok: false,
      error: { code: 'invalid_input', field: 'birth_date', message: 'birth date is after today' },
    };
  }
  const ageDays = ageInDays(child.birth_date, measuredOn);
  if (ageDays > MAX_AGE_DAYS) {
    return {
      ok: false,
      error: { code: 'invalid_input', field: 'birth_date', message: TOO_OLD_MESSAGE },
    };
  }
  if (parts.lenheiCm === null && parts.weightKg === null) {
    return {
      ok: false,
      error: { code: 'invalid_input', field: 'lenhei_cm', message: 'no length and no weight' },
    };
  }
  const position = parts.position ?? defaultPosition(ageDays);
  // KMK 51/2022: boards read to 0.1 cm, scales to 10 g; the z-scores are computed from the stored values.
  const lenheiCm = parts.lenheiCm === null ? null : storedLengthCm(parts.lenheiCm);
  const weightKg = parts.weightKg === null ? null : storedWeightKg(parts.weightKg);
  const headcCm = parts.headcCm == null ? null : storedLengthCm(parts.headcCm);
  let growth: ReturnType<typeof computeGrowthForAge>;
  try {
    growth = computeGrowthForAge({
      sex: child.sex,
      ageDays,
      ...(lenheiCm === null ? {} : { lenheiCm, measure: position }),
      ...(weightKg === null ? {} : { weightKg }),
      ...(headcCm === null ? {} : { headcCm }),
      oedema: parts.oedema,
    });
  } catch (error) {
    if (error instanceof GrowthInputError) {
      const field =
        error.field === 'lenheiCm' ? 'lenhei_cm' : error.field === 'weightKg' ? 'weight_kg' : error.field;
      return { ok: false, error: { code: 'invalid_input', field, message: error.message } };
    }
    throw error;
  }
  const status = classifyGrowth(growth);
  const z = (value: number) => nullable(Number.isNaN(value) ? value : roundZ(value));
  return {
    ok: true,
    value: {
      id: parts.id,
      child_id: child.id,
      posyandu_id: parts.posyanduId,
      village_id: parts.villageId,
      measured_at: localIso(parts.measuredAt),
      measured_on: measuredOn,
      age_days: ageDays,
      position,
      lenhei_cm: lenheiCm,
      clenhei_cm: nullable(growth.clenheiCm),
      weight_kg: weightKg,
      headc_cm: headcCm,
      oedema: parts.oedema ? 1 : 0,
      zlen: z(growth.zlen),
      zwei: z(growth.zwei),
      zwfl: z(growth.zwfl),
      zbmi: z(growth.zbmi),
      zhc: headcCm === null ? null : z(growth.zhc),
      flen: flag(growth.flen),
      fwei: flag(growth.fwei),
      fwfl: flag(growth.fwfl),
      fbmi: flag(growth.fbmi),
      fhc: headcCm === null ? null : flag(growth.fhc),
      status_tbu: status.tbu?.code ?? null,
      status_bbu: status.bbu?.code ?? null,
      status_bbtb: status.bbtb?.code ?? null,
      status_imtu: status.imtu?.code ?? null,
      calibration_id: parts.calibrationId,
      device_id: parts.deviceId,
      supersedes_id: parts.supersedes?.id ?? null,
      correction_reason: parts.supersedes?.reason ?? null,
      source: parts.source,
      created_at: parts.createdAt,
      reference: growth.reference,
    },
  };
}

export function readingView(reading: ReadingRow): ReadingView {
  return {
    channel: reading.channel,
    ordinal: reading.ordinal,
    value: reading.value_mm_or_g,
    locked_at: reading.locked_at,
  };
}

/** The screen's view of a stored measurement. */
export function measurementView(stored: StoredMeasurement): Measurement {
  const { row } = stored;
  // Decided again from the stored z and flags (not the stored codes), so rows saved before flagged values
  // lost their labels show none either; a child of 5 years or more gets the Permenkes 5-18 bands.
  const status: Measurement['status'] = classifyGrowth({
    zlen: row.zlen ?? Number.NaN,
    zwei: row.zwei ?? Number.NaN,
    zwfl: row.zwfl ?? Number.NaN,
    zbmi: row.zbmi ?? Number.NaN,
    flen: row.flen,
    fwei: row.fwei,
    fwfl: row.fwfl,
    fbmi: row.fbmi,
    reference: row.reference,
  });
  const flags = { flen: row.flen === 1, fwei: row.fwei === 1, fwfl: row.fwfl === 1, fbmi: row.fbmi === 1 };
  return {
    id: row.id,
    child_id: row.child_id,
    posyandu_id: row.posyandu_id,
    measured_at: row.measured_at,
    measured_on: row.measured_on,
    age_days: row.age_days,
    position: row.position,
    lenhei_cm: row.lenhei_cm,
    clenhei_cm: row.clenhei_cm,
    weight_kg: row.weight_kg,
    oedema: row.oedema === 1,
    z: { zlen: row.zlen, zwei: row.zwei, zwfl: row.zwfl, zbmi: row.zbmi },
    flags,
    status,
    stunting: row.zlen === null || row.flen === 1 ? null : (stuntingFlag(row.zlen) ?? null),
    implausible: Object.values(flags).some(Boolean),
    readings: stored.readings.map(readingView),
    source: row.source,
    calibration_id: row.calibration_id,
    device_id: row.device_id,
    supersedes_id: row.supersedes_id,
    superseded_by: stored.supersededBy,
    correction_reason: row.correction_reason,
    delivery: stored.delivery,
    created_at: row.created_at,
    reference: row.reference,
  };
}

/**
 * The KBM (Buku KIA minimum monthly gain, grams) the SKDN reads for a weighing: the row at the KMS month
 * column (month of weighing minus month of birth), as the reports do (docs/reports.md, Ages).
 */
export function kbmAtWeighing(measuredOn: string, ageDays: number): number {
  const birthMs = Date.parse(`${measuredOn}T00:00:00Z`) - ageDays * 86_400_000;
  const birthDate = new Date(birthMs).toISOString().slice(0, 10);
  return kbmForAge(defaultKbmTable, Math.max(0, ageInKmsMonths(birthDate, measuredOn)));
}

function monthIndex(isoDate: string): number {
  return Number(isoDate.slice(0, 4)) * 12 + Number(isoDate.slice(5, 7));
}

/** Growth since the previous measurement, and the N/T/O/B weight trend of the KMS. */
export function compare(current: MeasurementRow, previous: MeasurementRow | undefined): Comparison | null {
  if (!previous) return null;
  const daysSince = ageInDays(previous.measured_on, current.measured_on);
  const lengthGain =
    current.lenhei_cm !== null && previous.lenhei_cm !== null
      ? Math.round((current.lenhei_cm - previous.lenhei_cm) * 10) / 10
      : null;
  const weightGainG =
    current.weight_kg !== null && previous.weight_kg !== null
      ? Math.round((current.weight_kg - previous.weight_kg) * 1000)
      : null;
  const kbm = kbmAtWeighing(current.measured_on, current.age_days);
  const lastMonth = monthIndex(current.measured_on) - monthIndex(previous.measured_on) <= 1;
  let trend: Comparison['weight_trend'];
  if (weightGainG === null || !lastMonth) trend = 'O';
  else trend = weightGainG >= kbm ? 'N' : 'T';
  return {
    previous_id: previous.id,
    previous_measured_on: previous.measured_on,
    days_since: daysSince,
    length_gain_cm: lengthGain,
    weight_gain_g: weightGainG,
    kbm_g: kbm,
    weight_trend: trend,
  };
}

/** The whole answer to "save": the view, the comparison and the warnings to show. */
export function savedView(
  stored: StoredMeasurement,
  previous: MeasurementRow | undefined,
  disagree: boolean,
) {
  const measurement = measurementView(stored);
  const comparison = compare(stored.row, previous);
  const warnings: SavedMeasurement['warnings'] = [];
  if (measurement.implausible) {
    warnings.push({
      code: 'implausible',
      id: 'Hasil tidak masuk akal untuk umur ini: ukur ulang.',
      en: 'Implausible value for this age: measure again.',
    });
  }
  if (disagree) {
    warnings.push({
      code: 'readings_disagree',
      id: 'Tiga pengukuran berbeda jauh: periksa posisi anak dan ukur ulang.',
      en: 'The three readings disagree: check the position and measure again.',
    });
  }
  // N/T is the KMS's rule for balita: not said of a PAUD child (WHO 2007 reference).
  if (comparison?.weight_trend === 'T' && stored.row.reference === 'who2006') {
    warnings.push({
      code: 'tidak_naik',
      id: 'Berat badan tidak naik (T).',
      en: 'Weight did not go up enough (T).',
    });
  }
  if (comparison?.length_gain_cm !== null && comparison !== null && (comparison.length_gain_cm ?? 0) < -1) {
    warnings.push({
      code: 'length_decreased',
      id: 'Panjang/tinggi berkurang dari pengukuran sebelumnya: ukur ulang.',
      en: 'Length is less than last time: measure again.',
    });
  }
  const result: SavedMeasurement = { measurement, comparison, warnings };
  return result;
}
