// The district's summary tables (docs/district.md): per posyandu and month, the SKDN, prevalence counts,
// growth-mat colours and list sizes, computed by the gateway's own report functions (gateway/reports) from the
// posyandu's rows in PostgreSQL — no SQL twin of a report. The record workers mark what new messages touch
// (`district_dirty`); the summariser recomputes those posyandu, a few at a time, so the dashboard reads one
// small table however many measurements the district holds.

import { addMonths } from '../gateway/clock/calendar.ts';
import { localDate } from '../gateway/clock/clock.ts';
import {
  type ChildRow,
  childColumns,
  type MeasurementRow,
  measurementColumns,
} from '../gateway/model/records.ts';
import {
  computePrevalence,
  computeRecap,
  computeSkdn,
  defaultReportSettings,
  type ReportSettings,
} from '../gateway/reports/index.ts';
import type { RecapReport } from '../gateway/reports/recap.ts';
import type { SkdnReport } from '../gateway/reports/skdn.ts';
import type { ReportData } from '../gateway/reports/types.ts';
import type { Pg, PgSql } from '../gateway/store/postgres.ts';

/** Posyandu summarised per transaction: a crash loses at most this much work, never a change (it stays dirty). */
const posyanduPerChunk = 20;
/** Months recomputed at most, back from the newest touched (older history changes rarely and stays dirty-safe). */
const maxMonths = 36;

/**
 * The list sizes the district counts per posyandu and month. Home visit: children in S not weighed this month
 * (the kader visits those who did not come). Referral: 2T (weighed below the KBM two months running) or Merah on
 * the growth mat. DOMAIN.md, Reports; the settings' mat colours decide Merah.
 */
export function listSizes(skdn: SkdnReport, recap: RecapReport): { homeVisit: number; referral: number } {
  const merah = new Set(recap.monthly.filter((row) => row.colour === 'merah').map((row) => row.child.id));
  let homeVisit = 0;
  for (const row of skdn.rows) {
    if (!row.outcome) homeVisit++;
    if (row.twoT) merah.add(row.child.id);
  }
  return { homeVisit, referral: merah.size };
}

/** The report rows of the children registered at one posyandu, with all their measurements (any posyandu). */
export async function loadPosyanduData(
  sql: PgSql,
  villageId: string,
  posyanduId: string,
): Promise<ReportData> {
  const children = await sql.query<ChildRow>(
    `SELECT ${childColumns.join(', ')} FROM children WHERE village_id = $1 AND posyandu_id = $2`,
    [villageId, posyanduId],
  );
  // All rows as one JSON value, parsed once (as gateway/reports/load.ts reads SQLite).
  const [row] = await sql.query<{ rows: MeasurementRow[] | null }>(
    `SELECT json_agg(json_build_object(${measurementColumns.map((c) => `'${c}', m.${c}`).join(', ')})) AS rows
     FROM measurements m WHERE m.child_id = ANY ($1::text[])`,
    [children.map((c) => c.id)],
  );
  const measurements = row?.rows ?? [];
  // A child known only by its pseudonym has no birth date at the district; its age in days on any
  // measurement gives it exactly (age_days is counted from the birth date).
  const born = new Map<string, string>();
  for (const m of measurements) {
    if (born.has(m.child_id)) continue;
    born.set(
      m.child_id,
      new Date(Date.parse(`${m.measured_on}T00:00:00Z`) - m.age_days * 86_400_000).toISOString().slice(0, 10),
    );
  }
  return {
    children: children.map((c) => ({
      ...c,
      name: c.name ?? '',
      birth_date: c.birth_date ?? born.get(c.id) ?? '',
    })),
    measurements,
  };
}

/** The counts of a posyandu and month in `district_posyandu_month`, as the dashboard sums them. */
export const countColumns = [
  's',
  'k',
  'd',
  'n',
  't',
  'o',
  'b',
  'd_prime',
  'stunting_cases',
  'stunting_measured',
  'severe_stunting_cases',
  'severe_stunting_measured',
  'wasting_cases',
  'wasting_measured',
  'underweight_cases',
  'underweight_measured',
  'mat_hijau',
  'mat_kuning',
  'mat_merah',
  'mat_tidak_diukur',
  'home_visit',
  'referral',
] as const;
export type Counts = Record<(typeof countColumns)[number], number>;

const summaryColumns = ['month', 'village_id', 'posyandu_id', ...countColumns] as const;

/** The summary rows of one posyandu for `months` (consecutive, oldest first). */
export function summariseMonths(
  data: ReportData,
  villageId: string,
  posyanduId: string,
  months: readonly string[],
  settings: ReportSettings = defaultReportSettings,
): (string | number)[][] {
  const last = months.at(-1) as string;
  const prevalence = computePrevalence(data, { month: last, trendMonths: months.length });
  return months.map((month, index) => {
    const skdn = computeSkdn(data, { posyanduId: undefined, month, settings });
    const recap = computeRecap(data, { month, settings });
    const cells = (prevalence.trend[index] ?? prevalence.current).cells;
    const colours = { hijau: 0, kuning: 0, merah: 0, 'tidak-diukur': 0 };
    for (const row of recap.monthly) colours[row.colour]++;
    const lists = listSizes(skdn, recap);
    return [
      month,
      villageId,
      posyanduId,
      skdn.s,
      skdn.k,
      skdn.d,
      skdn.n,
      skdn.t,
      skdn.o,
      skdn.b,
      skdn.dPrime,
      cells.stunting.cases,
      cells.stunting.measured,
      cells.severeStunting.cases,
      cells.severeStunting.measured,
      cells.wasting.cases,
      cells.wasting.measured,
      cells.underweight.cases,
      cells.underweight.measured,
      colours.hijau,
      colours.kuning,
      colours.merah,
      colours['tidak-diukur'],
      lists.homeVisit,
      lists.referral,
    ];
  });
}

const upsertSql = `INSERT INTO district_posyandu_month (${summaryColumns.join(', ')})
  SELECT * FROM unnest(${summaryColumns.map((_, i) => `$${i + 1}::${i < 3 ? 'text' : 'integer'}[]`).join(', ')})
  ON CONFLICT (month, village_id, posyandu_id) DO UPDATE SET
  ${summaryColumns
    .slice(3)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

export interface SummariseResult {
  posyandu: number;
  rows: number;
}

/**
 * Recomputes every posyandu with pending changes, `posyanduPerChunk` per transaction, until none is left.
 * Safe to run in several processes: a chunk is taken under an advisory lock, and a change committed while a
 * chunk is computed stays in `district_dirty` for the next round.
 */
export async function summarisePending(
  pg: Pg,
  options: { settings?: ReportSettings; today?: string } = {},
): Promise<SummariseResult> {
  const thisMonth = (options.today ?? localDate(new Date())).slice(0, 7);
  const total: SummariseResult = { posyandu: 0, rows: 0 };
  for (;;) {
    const done = await pg.transaction(
      async (tx) => {
        const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(7317002) AS ok');
        if (!lock?.ok) return undefined;
        const touched = await tx.query<{
          village_id: string;
          posyandu_id: string;
          first: string;
          last: string;
        }>(
          `WITH chunk AS (SELECT DISTINCT village_id, posyandu_id FROM district_dirty LIMIT ${posyanduPerChunk}),
           taken AS (DELETE FROM district_dirty d USING chunk c
             WHERE d.village_id = c.village_id AND d.posyandu_id = c.posyandu_id RETURNING d.*)
           SELECT village_id, posyandu_id, min(month) AS first, max(month) AS last FROM taken GROUP BY 1, 2`,
        );
        let rows = 0;
        for (const place of touched) {
          // Months as 'YYYY-MM' sort as text: the later of two is the second after sorting.
          const last = [place.last, thisMonth].sort()[1] as string;
          const first = [place.first, addMonths(last, 1 - maxMonths)].sort()[1] as string;
          const months: string[] = [];
          for (let m = first; m <= last; m = addMonths(m, 1)) months.push(m);
          const data = await loadPosyanduData(tx, place.village_id, place.posyandu_id);
          const summary = summariseMonths(
            data,
            place.village_id,
            place.posyandu_id,
            months,
            options.settings,
          );
          await tx.query(
            upsertSql,
            summaryColumns.map((_, i) => summary.map((row) => row[i] as string | number)),
          );
          await tx.query(
            `INSERT INTO district_posyandu (village_id, posyandu_id, last_message_at, last_measured_on, children, summarised_at)
             VALUES ($1, $2,
               (SELECT max(received_at) FROM record_messages WHERE village_id = $1 AND posyandu_id = $2),
               (SELECT max(measured_on) FROM measurements WHERE village_id = $1 AND posyandu_id = $2), $3, now())
             ON CONFLICT (village_id, posyandu_id) DO UPDATE SET last_message_at = excluded.last_message_at,
               last_measured_on = excluded.last_measured_on, children = excluded.children,
               summarised_at = excluded.summarised_at`,
            [place.village_id, place.posyandu_id, data.children.length],
          );
          rows += summary.length;
        }
        return { posyandu: touched.length, rows };
      },
      { isolation: 'repeatable read' },
    );
    if (!done || done.posyandu === 0) return total;
    total.posyandu += done.posyandu;
    total.rows += done.rows;
  }
}
