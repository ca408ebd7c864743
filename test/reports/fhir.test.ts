import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFhirBundle, normalCdf } from '../../gateway/reports/fhir.ts';
import { fhirSchema, fhirValidator } from './fhir-schema.ts';
import { child, measurement } from './fixtures.ts';
import { randomReportData } from './naive.ts';

type Json = Record<string, unknown>;
type Entry = { fullUrl: string; resource: Json; request?: Json };

function data() {
  const children = [
    child({
      id: '0190a0c0-0000-7000-8000-000000000001',
      birth_date: '2025-06-10',
      nik: '3201234567890123',
      sex: 2,
    }),
    child({ id: '0190a0c0-0000-7000-8000-000000000002', birth_date: '2023-01-02' }),
  ];
  const [girl, boy] = children as [(typeof children)[0], (typeof children)[0]];
  const measurements = [
    measurement({
      child_id: girl.id,
      measured_on: '2026-11-09',
      position: 'l',
      lenhei_cm: 71.4,
      weight_kg: 8.15,
      headc_cm: 44.2,
      zlen: -2.314,
      flen: 0,
      zwei: -1.2,
      fwei: 0,
      zwfl: -0.1,
      fwfl: 0,
      zbmi: -0.2,
      fbmi: 0,
      zhc: 0.4,
      fhc: 0,
    }),
    measurement({
      child_id: boy.id,
      measured_on: '2026-11-09',
      position: 'h',
      lenhei_cm: 88.0,
      weight_kg: 11.9,
      zlen: -3.4,
      flen: 0,
    }),
    // A clock without an offset must not produce a FHIR dateTime without one.
    {
      ...measurement({ child_id: boy.id, measured_on: '2026-11-10', weight_kg: 12.0 }),
      measured_at: '2026-11-10T09:00:00',
    },
    measurement({ child_id: boy.id, measured_on: '2026-09-01', weight_kg: 11.0 }), // outside the range
  ];
  return { children, measurements };
}

const options = {
  posyanduId: 'pos-1',
  fromMonth: '2026-10',
  toMonth: '2026-11',
  now: new Date('2026-11-28T08:00:00Z'),
};

const resources = (bundle: Json): Json[] => (bundle.entry as Entry[]).map((e) => e.resource);
const codes = (r: Json): string[] =>
  ((r.code as { coding?: { code: string }[] } | undefined)?.coding ?? []).map((c) => c.code);

describe('FHIR R4 bundle', () => {
  const fixed = data();
  const exported = buildFhirBundle(fixed, options);
  const all = resources(exported.bundle);

  it('uses the official R4 schema artefact', () => {
    expect(fhirSchema().id).toBe('http://hl7.org/fhir/json-schema/4.0');
    expect(fhirSchema().definitions).toHaveProperty('Observation');
  });

  it('validates the bundle and every resource against the official FHIR R4 JSON schema', () => {
    const validate = fhirValidator();
    expect(validate(exported.bundle), JSON.stringify(validate.errors)).toBe(true);
    for (const resource of all) expect(validate(resource), JSON.stringify(validate.errors)).toBe(true);
    const transaction = buildFhirBundle(data(), { ...options, bundleType: 'transaction', withNik: true });
    expect(validate(transaction.bundle), JSON.stringify(validate.errors)).toBe(true);
    for (const resource of resources(transaction.bundle)) expect(validate(resource)).toBe(true);
  });

  it('the validator rejects a broken Observation (so the test above can fail)', () => {
    const validate = fhirValidator();
    const observation = all.find((r) => r.resourceType === 'Observation') as Json;
    expect(validate({ ...observation, status: 'done' })).toBe(false);
    expect(validate({ ...observation, effectiveDateTime: '9 Nov 2026' })).toBe(false);
    expect(validate({ ...observation, valueQuantity: { value: '71.4' } })).toBe(false);
  });

  it('keeps Patient pseudonymous unless NIK is wanted and present', () => {
    const patients = all.filter((r) => r.resourceType === 'Patient');
    expect(patients).toHaveLength(2);
    for (const patient of patients) {
      expect(patient).not.toHaveProperty('name');
      expect(JSON.stringify(patient)).not.toContain('3201234567890123');
    }
    const named = resources(buildFhirBundle(data(), { ...options, withNik: true }).bundle).filter(
      (r) => r.resourceType === 'Patient',
    );
    const withNik = named.find((p) => JSON.stringify(p).includes('3201234567890123')) as Json;
    expect(withNik.identifier).toContainEqual({
      use: 'official',
      system: 'https://fhir.kemkes.go.id/id/nik',
      value: '3201234567890123',
    });
    expect(withNik.gender).toBe('female');
    // The boy has no NIK: still pseudonymous even when NIK is wanted.
    expect(named.filter((p) => p.name !== undefined)).toHaveLength(1);
  });

  it('codes lying length 8306-3, standing height 8302-2 (+8308-9), weight, head circumference in UCUM', () => {
    const observations = all.filter((r) => r.resourceType === 'Observation');
    const lying = observations.find((o) => codes(o)[0] === '8306-3') as Json;
    expect(codes(lying)).toEqual(['8306-3', '8302-2']);
    expect(lying.valueQuantity).toEqual({
      value: 71.4,
      unit: 'cm',
      system: 'http://unitsofmeasure.org',
      code: 'cm',
    });
    expect(lying.effectiveDateTime).toBe('2026-11-09T09:00:00+08:00');
    const standing = observations.find((o) => codes(o)[0] === '8302-2') as Json;
    expect(codes(standing)).toEqual(['8302-2', '8308-9']);
    expect(observations.filter((o) => codes(o)[0] === '29463-7')).toHaveLength(2);
    const headc = observations.find((o) => codes(o)[0] === '9843-4') as Json;
    expect((headc.valueQuantity as Json).code).toBe('cm');
  });

  it('adds z-score Observations with their own codes, WHO 2006 named, Permenkes label, derivedFrom', () => {
    const z = all.filter((r) => String(JSON.stringify(r.code)).includes('urn:tikar:who-2006-zscore'));
    expect(z.map((o) => codes(o)[0]).sort()).toEqual(['bfa', 'hcfa', 'lhfa', 'lhfa', 'wfa', 'wflh']);
    const lhfa = z.find((o) => codes(o)[0] === 'lhfa' && (o.valueQuantity as Json).value === -2.31) as Json;
    expect(lhfa.valueQuantity).toMatchObject({
      unit: 'SD',
      system: 'http://unitsofmeasure.org',
      code: '{SD}',
    });
    expect(JSON.stringify(lhfa.method)).toContain('WHO Child Growth Standards 2006');
    expect(JSON.stringify(lhfa.interpretation)).toContain('Pendek');
    expect((lhfa.derivedFrom as unknown[]).length).toBe(3);
    const percentile = all.find((r) => codes(r)[0] === '77606-2') as Json;
    expect(percentile.valueQuantity).toMatchObject({ value: 46, code: '%' }); // 100·Φ(−0.1) = 46.0
  });

  it('skips a measurement whose time has no UTC offset, saying why, and leaves months outside the range', () => {
    expect(exported.skipped).toHaveLength(1);
    expect(exported.skipped[0]?.reason).toMatch(/lacks seconds or a UTC offset/);
    expect(all.some((r) => r.effectiveDateTime === '2026-09-01T09:00:00+08:00')).toBe(false);
  });

  it('gives stable ids: the same measurement exports to the same resource ids', () => {
    const again = buildFhirBundle(fixed, { ...options, now: new Date('2026-12-01T00:00:00Z') });
    const ids = (b: Json) => (b.entry as Entry[]).map((e) => e.fullUrl);
    expect(ids(again.bundle)).toEqual(ids(exported.bundle));
    expect(new Set(ids(exported.bundle)).size).toBe(ids(exported.bundle).length);
  });

  it('computes the normal CDF to better than 1e-6', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(-1.959964)).toBeCloseTo(0.025, 6);
    expect(normalCdf(1)).toBeCloseTo(0.841345, 6);
  });
});

describe('FHIR bundles from seeded random data', () => {
  it('always pass the official R4 schema, even with non-finite values in the rows', () => {
    const validate = fhirValidator();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), (seed, transaction) => {
        const data = randomReportData(seed, 6, 6);
        const spoiled = data.measurements.map((m, i) =>
          i % 7 === 3 ? { ...m, weight_kg: Number.NaN, zwei: Number.POSITIVE_INFINITY, headc_cm: 45.5 } : m,
        );
        const { bundle } = buildFhirBundle(
          { ...data, measurements: spoiled },
          {
            posyanduId: undefined,
            fromMonth: '2026-01',
            toMonth: '2026-12',
            withNik: true,
            bundleType: transaction ? 'transaction' : 'collection',
            now: new Date('2026-12-31T00:00:00Z'),
          },
        );
        expect(JSON.stringify(bundle)).not.toContain('null');
        expect(validate(bundle), JSON.stringify(validate.errors)).toBe(true);
      }),
      { seed: 31, numRuns: 25 },
    );
  });
});

describe('FHIR: a correction re-exported', () => {
  // The girl's 2026-11-09 visit was exported with weight 9.15 kg (the kader read the wrong line) and a head
  // circumference that belonged to another child. The bidan corrected it on 2026-11-12: weight 8.15 kg, no
  // head circumference. Re-exporting must update the same Observations (status corrected), retract the
  // head circumference and its z-score (entered-in-error), and add no new ids: a receiver holds one weight.
  const girl = child({ id: '0190a0c0-0000-7000-8000-000000000001', birth_date: '2025-06-10', sex: 2 });
  const original = measurement({
    id: 'orig',
    child_id: girl.id,
    measured_on: '2026-11-09',
    lenhei_cm: 71.4,
    weight_kg: 9.15,
    headc_cm: 44.2,
    zlen: -2.31,
    flen: 0,
    zwei: -0.4,
    fwei: 0,
    zwfl: 0.9,
    fwfl: 0,
    zhc: 0.4,
    fhc: 0,
  });
  const correction = {
    ...original,
    id: 'fix',
    measured_at: '2026-11-12T10:00:00+08:00',
    measured_on: '2026-11-12',
    weight_kg: 8.15,
    headc_cm: null,
    zwei: -1.2,
    zwfl: -0.1,
    zhc: null,
    fhc: null,
    supersedes_id: 'orig',
  };
  const range = { posyanduId: 'pos-1', fromMonth: '2026-11', toMonth: '2026-11', now: options.now };
  const before = resources(buildFhirBundle({ children: [girl], measurements: [original] }, range).bundle);
  const after = resources(
    buildFhirBundle({ children: [girl], measurements: [original, correction] }, range).bundle,
  );
  const observations = (list: Json[]) => list.filter((r) => r.resourceType === 'Observation');
  const byCode = (list: Json[], code: string) =>
    observations(list).filter((r) => codes(r).includes(code) && r.status !== 'entered-in-error');

  it('keeps the Observation ids of the corrected measurement', () => {
    const ids = (list: Json[]) =>
      observations(list)
        .map((r) => r.id as string)
        .sort();
    expect(ids(after)).toEqual(ids(before));
    expect(new Set(ids(after)).size).toBe(ids(after).length);
  });

  it('sends the new values as corrected, one weight only', () => {
    const weights = byCode(after, '29463-7');
    expect(weights).toHaveLength(1);
    expect(weights[0]).toMatchObject({ status: 'corrected', valueQuantity: { value: 8.15 } });
    expect(weights[0]?.id).toBe(byCode(before, '29463-7')[0]?.id);
    expect(observations(before).every((r) => r.status === 'final')).toBe(true);
  });

  it('retracts what the correction removed (head circumference and its z) as entered-in-error', () => {
    const retracted = observations(after).filter((r) => r.status === 'entered-in-error');
    expect(retracted.flatMap(codes).sort()).toEqual(['9843-4', 'hcfa']);
    const validate = fhirValidator();
    for (const resource of after) expect(validate(resource), JSON.stringify(validate.errors)).toBe(true);
  });
});
