// What the bidan must see at a glance for a child measured today: the Permenkes labels that are not normal,
// "ukur ulang" for implausible values, weight not gaining (T) and two T in a row (2T, refer), and the
// growth-mat colour the KPM records. N/T comes from the reports' own SKDN rule (KBM by age).
import { addMonths } from '../../clock/calendar.ts';
import type { Child, Measurement, StatusLabel } from '../../model/index.ts';
import type { MeasurementRow } from '../../model/records.ts';
import { defaultReportSettings, type MatColour, matColour } from '../../reports/settings.ts';
import { weighOutcome } from '../../reports/skdn.ts';
import type { ReportChild } from '../../reports/types.ts';

export type FlagSeverity = 'severe' | 'moderate' | 'risk';

export interface Flag {
  code: string;
  id: string;
  en: string;
  severity: FlagSeverity;
}

export interface TodayView {
  child: Child;
  measurement: Measurement;
  flags: Flag[];
  weight_trend: 'N' | 'T' | 'O' | 'B' | null;
  mat_colour: MatColour;
  /** A severe flag, T or 2T, or an implausible value: the bidan should look now. */
  refer: boolean;
}

function toReportChild(child: Child): ReportChild {
  return {
    id: child.id,
    pseudo_id: child.pseudo_id,
    name: child.name,
    sex: child.sex,
    birth_date: child.birth_date,
    nik: child.nik,
    mother_name: child.mother_name,
    posyandu_id: child.posyandu_id,
    village_id: child.village_id,
    name_key: null,
    has_kia: child.has_kia ? 1 : 0,
    created_at: child.created_at,
    updated_at: child.updated_at,
  };
}

const flagOf = (b: boolean): 0 | 1 => (b ? 1 : 0);

function toReportMeasurement(m: Measurement): MeasurementRow {
  return {
    id: m.id,
    child_id: m.child_id,
    posyandu_id: m.posyandu_id,
    village_id: '',
    measured_at: m.measured_at,
    measured_on: m.measured_on,
    age_days: m.age_days,
    position: m.position,
    lenhei_cm: m.lenhei_cm,
    clenhei_cm: m.clenhei_cm,
    weight_kg: m.weight_kg,
    headc_cm: null,
    oedema: m.oedema ? 1 : 0,
    zlen: m.z.zlen,
    zwei: m.z.zwei,
    zwfl: m.z.zwfl,
    zbmi: m.z.zbmi,
    zhc: null,
    flen: m.z.zlen === null ? null : flagOf(m.flags.flen),
    fwei: m.z.zwei === null ? null : flagOf(m.flags.fwei),
    fwfl: m.z.zwfl === null ? null : flagOf(m.flags.fwfl),
    fbmi: m.z.zbmi === null ? null : flagOf(m.flags.fbmi),
    fhc: null,
    status_tbu: m.status.tbu?.code ?? null,
    status_bbu: m.status.bbu?.code ?? null,
    status_bbtb: m.status.bbtb?.code ?? null,
    status_imtu: m.status.imtu?.code ?? null,
    calibration_id: m.calibration_id,
    device_id: m.device_id,
    supersedes_id: m.supersedes_id,
    correction_reason: m.correction_reason,
    source: m.source,
    created_at: m.created_at,
    reference: m.reference,
  };
}

function labelFlag(label: StatusLabel | undefined): Flag | undefined {
  if (!label || label.severity === 'normal') return undefined;
  return { code: `${label.index}_${label.code}`, id: label.id, en: label.en, severity: label.severity };
}

/**
 * Flags for `measurement` given the child's whole history (any order, corrections included: superseded rows
 * are dropped here).
 */
export function todayView(
  child: Child,
  measurement: Measurement,
  history: readonly Measurement[],
): TodayView {
  const flags: Flag[] = [];
  if (measurement.implausible) {
    flags.push({ code: 'ukur_ulang', id: 'Ukur ulang', en: 'Measure again', severity: 'severe' });
  }
  // A PAUD child (WHO Reference 2007, 60–84 months): TB/U and IMT/U 5–18 are her indices; the KMS weight
  // trend (N/T) and the growth mat are for balita.
  const paud = measurement.reference === 'who2007';
  const labels = paud
    ? [measurement.status.tbu, measurement.status.imtu]
    : [measurement.status.tbu, measurement.status.bbtb, measurement.status.bbu];
  for (const label of labels) {
    const flag = labelFlag(label);
    if (flag) flags.push(flag);
  }

  const superseded = new Set(history.map((m) => m.supersedes_id).filter((id): id is string => id !== null));
  const effective = history
    .filter((m) => !superseded.has(m.id) && m.superseded_by === null)
    .map(toReportMeasurement)
    .sort((a, b) => Date.parse(a.measured_at) - Date.parse(b.measured_at) || (a.id < b.id ? -1 : 1));
  const reportChild = toReportChild(child);
  const month = measurement.measured_on.slice(0, 7);
  const kbm = defaultReportSettings;
  const now = weighOutcome(reportChild, effective, month, kbm);
  const before = weighOutcome(reportChild, effective, addMonths(month, -1), kbm);
  const weightTrend = paud ? null : (now?.status ?? null);
  if (weightTrend === 'T') {
    const twoT = before?.status === 'T';
    flags.push(
      twoT
        ? {
            code: '2t',
            id: '2T: dua bulan BB tidak naik (rujuk)',
            en: '2T: no weight gain two months (refer)',
            severity: 'severe',
          }
        : { code: 't', id: 'BB tidak naik (T)', en: 'Weight not gaining (T)', severity: 'moderate' },
    );
  }
  const zlen = measurement.flags.flen ? null : measurement.z.zlen;
  return {
    child,
    measurement,
    flags,
    weight_trend: weightTrend,
    mat_colour: matColour(defaultReportSettings.matColours, paud ? null : zlen),
    // Buku KIA: refer on T, 2T, below the red line (BB/U < −3) or any other severe sign.
    refer: flags.some((f) => f.severity === 'severe' || f.code === 't'),
  };
}
