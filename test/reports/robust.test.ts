// Rows from a village record or an old database may hold odd values the schema's CHECKs let through
// (a date shaped right but impossible, a time without offset, a negative weight). No report may throw.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MeasurementRow } from '../../gateway/model/records.ts';
import { eppgbmCsv, eppgbmRows } from '../../gateway/reports/eppgbm.ts';
import { buildFhirBundle } from '../../gateway/reports/fhir.ts';
import { computePrevalence } from '../../gateway/reports/prevalence.ts';
import { renderPrevalenceHtml } from '../../gateway/reports/prevalence-output.ts';
import { computeRecap } from '../../gateway/reports/recap.ts';
import { renderRecapHtml } from '../../gateway/reports/recap-output.ts';
import { defaultReportSettings } from '../../gateway/reports/settings.ts';
import { computeSkdn } from '../../gateway/reports/skdn.ts';
import { renderSkdnHtml } from '../../gateway/reports/skdn-output.ts';
import type { ReportChild } from '../../gateway/reports/types.ts';
import { child, measurement } from './fixtures.ts';

const shapedDate = fc
  .tuple(
    fc.integer({ min: 1990, max: 2999 }),
    fc.integer({ min: 0, max: 19 }),
    fc.integer({ min: 0, max: 39 }),
  )
  .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const plausibleDate = fc
  .tuple(
    fc.integer({ min: 2021, max: 2026 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
  )
  .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const date = fc.oneof(plausibleDate, plausibleDate, shapedDate);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const number = fc.double({ min: -50, max: 200, noNaN: false });
const flag = fc.constantFrom<0 | 1 | null>(0, 1, null);

const childArb = fc
  .record({ id: fc.constantFrom('a', 'b', 'c'), birth_date: date, name: fc.string() })
  .map((c): ReportChild => child(c));
const measurementArb = fc
  .record({
    child_id: fc.constantFrom('a', 'b', 'c', 'ghost'),
    measured_on: date,
    offset: fc.constantFrom('+08:00', 'Z', '', 'garbage'),
    weight_kg: maybe(number),
    lenhei_cm: maybe(number),
    zlen: maybe(number),
    zwei: maybe(number),
    zwfl: maybe(number),
    flen: flag,
    position: fc.constantFrom<'l' | 'h'>('l', 'h'),
    supersedes: fc.option(fc.constantFrom('m-x', 'm-y'), { nil: null }),
  })
  .map(({ offset, supersedes, ...m }): MeasurementRow => {
    const base = measurement(m);
    return { ...base, measured_at: `${m.measured_on}T09:00:00${offset}`, supersedes_id: supersedes };
  });

describe('reports on odd rows', () => {
  it('never throw, whatever the rows hold', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(childArb, { selector: (c) => c.id, maxLength: 3 }),
        fc.array(measurementArb, { maxLength: 25 }),
        (children, measurements) => {
          const data = { children, measurements };
          const options = { posyanduId: 'pos-1', month: '2026-11', settings: defaultReportSettings };
          const place = { posyanduId: 'pos-1' };
          renderSkdnHtml(computeSkdn(data, options), place);
          renderRecapHtml(computeRecap(data, options), place, defaultReportSettings);
          renderPrevalenceHtml(computePrevalence(data, options), place);
          const range = { posyanduId: 'pos-1', fromMonth: '1990-01', toMonth: '2999-12' };
          eppgbmCsv(eppgbmRows(data, { ...range, settings: defaultReportSettings }), {});
          const fhir = buildFhirBundle(data, range);
          expect(fhir.resourceCount).toBeGreaterThanOrEqual(0);
        },
      ),
      { seed: 424242, numRuns: 300 },
    );
  });
});
