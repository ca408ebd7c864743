// Builders for report rows: a child or measurement with sensible defaults, overridden per test, so each
// fixture shows only what matters to the hand-worked numbers.
import type { ChildAddressRow, MeasurementRow, VisitNoteRow } from '../../gateway/model/records.ts';
import type { ReportChild } from '../../gateway/reports/types.ts';

let serial = 0;

export function child(over: Partial<ReportChild> & { id: string; birth_date: string }): ReportChild {
  const name = over.name ?? `Anak ${over.id}`;
  return {
    pseudo_id: `P-${over.id}`,
    name,
    name_key: name.toLowerCase(),
    sex: 1,
    nik: null,
    mother_name: `Ibu ${over.id}`,
    posyandu_id: 'pos-1',
    village_id: 'desa-1',
    has_kia: 1,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

/** A measurement on `measured_on` at 09:00 WITA (+08:00); only the given values are set. */
export function measurement(
  over: Partial<MeasurementRow> & { child_id: string; measured_on: string },
): MeasurementRow {
  serial++;
  return {
    id: over.id ?? `m-${String(serial).padStart(6, '0')}`,
    posyandu_id: 'pos-1',
    village_id: 'desa-1',
    measured_at: `${over.measured_on}T09:00:00+08:00`,
    age_days: 0,
    position: 'l',
    lenhei_cm: null,
    clenhei_cm: null,
    weight_kg: null,
    headc_cm: null,
    oedema: 0,
    zlen: null,
    zwei: null,
    zwfl: null,
    zbmi: null,
    zhc: null,
    flen: null,
    fwei: null,
    fwfl: null,
    fbmi: null,
    fhc: null,
    status_tbu: null,
    status_bbu: null,
    status_bbtb: null,
    status_imtu: null,
    calibration_id: null,
    device_id: null,
    supersedes_id: null,
    correction_reason: null,
    source: 'mat',
    created_at: `${over.measured_on}T01:00:00.000Z`,
    reference: 'who2006',
    ...over,
  };
}

/** A child's address for home visits; only the given parts are set. */
export function address(childId: string, over: Partial<ChildAddressRow>): ChildAddressRow {
  return {
    child_id: childId,
    dusun: null,
    rt: null,
    rw: null,
    phone: null,
    updated_at: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

/** What was given at a visit; only the given parts are recorded. */
export function visitNote(childId: string, visitOn: string, over: Partial<VisitNoteRow>): VisitNoteRow {
  return {
    child_id: childId,
    visit_on: visitOn,
    vitamin_a: null,
    asi_eksklusif: null,
    updated_at: `${visitOn}T01:00:00.000Z`,
    ...over,
  };
}

/** A weighing (kg) on a date. */
export const weighing = (
  childId: string,
  measuredOn: string,
  weightKg: number,
  id?: string,
): MeasurementRow =>
  measurement({ child_id: childId, measured_on: measuredOn, weight_kg: weightKg, ...(id ? { id } : {}) });

/**
 * The SKDN fixture for posyandu pos-1, November 2026 (worked in skdn.test.ts):
 * S = 9, K = 7, D = 6, N = 2, T = 2, O = 1, B = 1, D' = 4; F is 2T.
 */
export function skdnFixture(): { children: ReportChild[]; measurements: MeasurementRow[] } {
  const children = [
    child({ id: 'A', birth_date: '2026-03-10' }),
    child({ id: 'B', birth_date: '2025-11-20' }),
    child({ id: 'C', birth_date: '2024-05-01', has_kia: 0 }),
    child({ id: 'D', birth_date: '2026-10-20' }),
    child({ id: 'E', birth_date: '2023-01-15' }),
    child({ id: 'F', birth_date: '2021-11-15' }),
    child({ id: 'G', birth_date: '2021-10-31' }),
    child({ id: 'I', birth_date: '2026-11-25', has_kia: 0 }),
    child({ id: 'J', birth_date: '2025-02-02', posyandu_id: 'pos-2' }),
    child({ id: 'K', birth_date: '2025-05-01' }),
    child({ id: 'L', birth_date: '2025-01-10' }),
  ];
  const measurements = [
    weighing('A', '2026-10-12', 7.5),
    weighing('A', '2026-11-09', 7.8),
    weighing('B', '2026-10-10', 9.0),
    weighing('B', '2026-11-09', 9.3),
    weighing('C', '2026-09-05', 10.0),
    weighing('C', '2026-11-09', 10.4),
    weighing('D', '2026-11-09', 3.9),
    weighing('E', '2026-10-06', 14.0),
    weighing('F', '2026-09-05', 12.0),
    weighing('F', '2026-10-05', 12.0),
    weighing('F', '2026-11-09', 12.1),
    weighing('G', '2026-10-09', 15.0),
    weighing('G', '2026-11-09', 15.5),
    weighing('J', '2026-10-09', 10.0),
    weighing('J', '2026-11-09', 10.5),
    weighing('K', '2026-10-08', 10.0),
    weighing('K', '2026-11-09', 10.05, 'k-wrong'),
    { ...weighing('K', '2026-11-09', 10.4, 'k-fixed'), supersedes_id: 'k-wrong' },
    weighing('L', '2026-10-08', 11.0),
    measurement({ child_id: 'L', measured_on: '2026-11-09', lenhei_cm: 80.1, position: 'h' }),
  ];
  return { children, measurements };
}
