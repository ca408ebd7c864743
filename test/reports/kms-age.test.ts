// The KMS counts age in calendar-month columns (month of weighing − month of birth), not completed months
// (Buku KIA 2023 KMS page; Kemenkes KMS leaflet: born February, "4 bulan" at the June weighing). Worked month:
// posyandu pos-1, November 2026, four children weighed in October and November (month-fixtures.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  ageInCompletedMonths,
  ageInKmsMonths,
  firstDayOf,
  lastDayOf,
} from '../../gateway/clock/calendar.ts';
import { underFiveBetween } from '../../gateway/reports/cohort.ts';
import { computeRecap } from '../../gateway/reports/recap.ts';
import { defaultReportSettings } from '../../gateway/reports/settings.ts';
import { computeSkdn } from '../../gateway/reports/skdn.ts';
import { kmsAgeFixture } from './month-fixtures.ts';

describe('age in KMS month columns', () => {
  it('counts calendar months from the birth month', () => {
    expect(ageInKmsMonths('2026-07-20', '2026-11-10')).toBe(4); // the example: column 4
    expect(ageInKmsMonths('2026-02-28', '2026-06-01')).toBe(4); // the leaflet: born February, 4 bulan in June
    expect(ageInKmsMonths('2026-11-30', '2026-11-30')).toBe(0);
    expect(ageInKmsMonths('2026-11-30', '2026-11-29')).toBe(-1);
    expect(ageInKmsMonths('2025-12-31', '2026-01-01')).toBe(1);
  });
});

describe('SKDN on KMS ages, worked by hand (pos-1, 2026-11)', () => {
  const month = '2026-11';
  const kms = computeSkdn(kmsAgeFixture(), { posyanduId: 'pos-1', month, settings: defaultReportSettings });
  const completed = computeSkdn(kmsAgeFixture(), {
    posyanduId: 'pos-1',
    month,
    settings: { ...defaultReportSettings, ageRule: 'completed' },
  });

  it('reads the KBM in the KMS column by default', () => {
    const status = Object.fromEntries(kms.rows.map((r) => [r.child.id, r.outcome?.status]));
    expect(status).toEqual({ P: 'T', S2: 'T', Q: 'N', U: 'N' });
    expect([kms.d, kms.n, kms.t, kms.ratios.nOverD]).toEqual([4, 2, 2, 50]);
    const p = kms.rows.find((r) => r.child.id === 'P');
    expect(p?.outcome).toMatchObject({ gainG: 850, kbmG: 900, ageMonths: 2 });
  });

  it('gives the old answer with ageRule completed', () => {
    const status = Object.fromEntries(completed.rows.map((r) => [r.child.id, r.outcome?.status]));
    expect(status).toEqual({ P: 'N', S2: 'N', Q: 'T', U: 'N' });
    expect([completed.n, completed.t, completed.ratios.nOverD]).toEqual([3, 1, 75]);
  });

  it('shows the same age for a child in SKDN and in the KPM recap', () => {
    const recap = computeRecap(kmsAgeFixture(), {
      posyanduId: 'pos-1',
      month,
      settings: defaultReportSettings,
    });
    const q = recap.monthly.find((r) => r.child.id === 'Q');
    expect(q?.ageMonths).toBe(4);
    expect(kms.rows.find((r) => r.child.id === 'Q')?.ageMonths).toBe(4);
  });
});

describe('under five in a month, compared as text', () => {
  it('agrees with completed months (born by the last day, under 60 months on the first), 29 February included', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2019-01-01T00:00:00Z'),
          max: new Date('2027-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 95 }),
        (born, back) => {
          const birth = born.toISOString().slice(0, 10);
          const month = addMonths('2027-12', -back);
          const expected =
            ageInCompletedMonths(birth, lastDayOf(month)) >= 0 &&
            ageInCompletedMonths(birth, firstDayOf(month)) < 60;
          expect(underFiveBetween(birth, firstDayOf(month), lastDayOf(month))).toBe(expected);
        },
      ),
      { seed: 14, numRuns: 3000 },
    );
    expect(underFiveBetween('2020-02-29', '2025-02-01', '2025-02-28')).toBe(true);
    expect(underFiveBetween('2020-02-29', '2025-03-01', '2025-03-31')).toBe(false);
    expect(underFiveBetween('2025-02-30', '2025-03-01', '2025-03-31')).toBe(false);
  });
});
