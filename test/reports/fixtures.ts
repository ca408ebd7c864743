// Builders for report rows: a child or measurement with sensible defaults, overridden per test, so each
// fixture shows only what matters to the hand-worked numbers.
import type { ReportChild, ReportMeasurement } from '../../gateway/reports/types.ts';

let serial = 0;

export function child(over: Partial<ReportChild> & { id: string; birthDate: string }): ReportChild {
  return {
    pseudoId: `P-${over.id}`,
    name: `Anak ${over.id}`,
    sex: 1,
    nik: null,
    motherName: `Ibu ${over.id}`,
    posyanduId: 'pos-1',
    villageId: 'desa-1',
    hasKia: true,
    ...over,
  };
}

/** A measurement on `measuredOn` at 09:00 WITA (+08:00); only the given values are set. */
export function measurement(
  over: Partial<ReportMeasurement> & { childId: string; measuredOn: string },
): ReportMeasurement {
  serial++;
  return {
    id: over.id ?? `m-${String(serial).padStart(6, '0')}`,
    posyanduId: 'pos-1',
    villageId: 'desa-1',
    measuredAt: `${over.measuredOn}T09:00:00+08:00`,
    ageDays: 0,
    position: 'l',
    lenheiCm: null,
    clenheiCm: null,
    weightKg: null,
    headcCm: null,
    oedema: false,
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
    supersedesId: null,
    source: 'mat',
    ...over,
  };
}

/** A weighing (kg) on a date. */
export const weighing = (
  childId: string,
  measuredOn: string,
  weightKg: number,
  id?: string,
): ReportMeasurement => measurement({ childId, measuredOn, weightKg, ...(id ? { id } : {}) });

/**
 * The SKDN fixture for posyandu pos-1, November 2026 (worked in skdn.test.ts):
 * S = 9, K = 7, D = 6, N = 2, T = 2, O = 1, B = 1, D' = 4; F is 2T.
 */
export function skdnFixture(): { children: ReportChild[]; measurements: ReportMeasurement[] } {
  const children = [
    child({ id: 'A', birthDate: '2026-03-10' }),
    child({ id: 'B', birthDate: '2025-11-20' }),
    child({ id: 'C', birthDate: '2024-05-01', hasKia: false }),
    child({ id: 'D', birthDate: '2026-10-20' }),
    child({ id: 'E', birthDate: '2023-01-15' }),
    child({ id: 'F', birthDate: '2021-11-15' }),
    child({ id: 'G', birthDate: '2021-10-31' }),
    child({ id: 'I', birthDate: '2026-11-25', hasKia: false }),
    child({ id: 'J', birthDate: '2025-02-02', posyanduId: 'pos-2' }),
    child({ id: 'K', birthDate: '2025-05-01' }),
    child({ id: 'L', birthDate: '2025-01-10' }),
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
    { ...weighing('K', '2026-11-09', 10.4, 'k-fixed'), supersedesId: 'k-wrong' },
    weighing('L', '2026-10-08', 11.0),
    measurement({ childId: 'L', measuredOn: '2026-11-09', lenheiCm: 80.1, position: 'h' }),
  ];
  return { children, measurements };
}
