// Read-only questions to a village record database (`tikar record query ...`).

import type { Db, Row } from '../store/db.ts';

export type RecordQuery =
  | { kind: 'counts' }
  | { kind: 'children'; posyanduId?: string }
  | { kind: 'measurements'; childId?: string; posyanduId?: string; since?: string };

export async function runRecordQuery(db: Db, query: RecordQuery): Promise<Row[]> {
  switch (query.kind) {
    case 'counts':
      return db.all(
        `SELECT posyandu_id,
           (SELECT count(*) FROM children c WHERE c.posyandu_id = p.posyandu_id) AS children,
           (SELECT count(*) FROM measurements m WHERE m.posyandu_id = p.posyandu_id) AS measurements,
           (SELECT count(*) FROM record_messages r WHERE r.posyandu_id = p.posyandu_id AND r.backfilled = 1)
             AS backfilled_messages
         FROM (SELECT posyandu_id FROM children UNION SELECT posyandu_id FROM measurements) p
         ORDER BY posyandu_id`,
      );
    case 'children':
      return db.all(
        `SELECT id, pseudo_id, name, sex, birth_date, nik, mother_name, posyandu_id, village_id, has_kia,
                created_at, updated_at FROM children WHERE (? IS NULL OR posyandu_id = ?) ORDER BY name`,
        [query.posyanduId ?? null, query.posyanduId ?? null],
      );
    case 'measurements':
      return db.all(
        `SELECT m.id, m.child_id, m.posyandu_id, m.measured_at, m.age_days, m.position, m.lenhei_cm, m.weight_kg,
                m.zlen, m.zwei, m.zwfl, m.zbmi, m.status_tbu, m.status_bbu, m.status_bbtb, m.supersedes_id,
                m.source
         FROM measurements m
         WHERE (? IS NULL OR m.child_id = ?) AND (? IS NULL OR m.posyandu_id = ?) AND m.measured_at >= ?
         ORDER BY m.measured_at, m.id`,
        [
          query.childId ?? null,
          query.childId ?? null,
          query.posyanduId ?? null,
          query.posyanduId ?? null,
          query.since ?? '',
        ],
      );
  }
}
