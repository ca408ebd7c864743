// Numbered migrations, applied in order at start, each in its own transaction; PRAGMA user_version
// records the last one applied. Never edit a migration once released: add the next number.

import type { Db } from './db.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const isoDateCheck = (column: string) => `${column} GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'`;

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'children, measurements, readings, outbox',
    sql: `
CREATE TABLE children (
  id          TEXT PRIMARY KEY,
  pseudo_id   TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  name_key    TEXT NOT NULL,
  sex         INTEGER NOT NULL CHECK (sex IN (1, 2)),
  birth_date  TEXT NOT NULL CHECK (${isoDateCheck('birth_date')}),
  nik         TEXT NULL CHECK (nik IS NULL OR (length(nik) = 16 AND nik NOT GLOB '*[^0-9]*')),
  mother_name TEXT NOT NULL CHECK (length(mother_name) BETWEEN 1 AND 100),
  posyandu_id TEXT NOT NULL,
  village_id  TEXT NOT NULL,
  has_kia     INTEGER NOT NULL DEFAULT 0 CHECK (has_kia IN (0, 1)),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX children_name_key ON children(name_key);
CREATE INDEX children_posyandu ON children(posyandu_id);

CREATE TABLE measurements (
  id             TEXT PRIMARY KEY,
  child_id       TEXT NOT NULL REFERENCES children(id),
  posyandu_id    TEXT NOT NULL,
  village_id     TEXT NOT NULL,
  measured_at    TEXT NOT NULL,
  measured_on    TEXT NOT NULL CHECK (${isoDateCheck('measured_on')}),
  age_days       INTEGER NOT NULL CHECK (age_days BETWEEN 0 AND 1856),
  position       TEXT NOT NULL CHECK (position IN ('l', 'h')),
  lenhei_cm      REAL NULL CHECK (lenhei_cm IS NULL OR lenhei_cm BETWEEN 38 AND 150),
  clenhei_cm     REAL NULL CHECK (clenhei_cm IS NULL OR clenhei_cm BETWEEN 37 AND 151),
  weight_kg      REAL NULL CHECK (weight_kg IS NULL OR weight_kg BETWEEN 0.5 AND 40),
  headc_cm       REAL NULL CHECK (headc_cm IS NULL OR headc_cm BETWEEN 25 AND 60),
  oedema         INTEGER NOT NULL DEFAULT 0 CHECK (oedema IN (0, 1)),
  zlen REAL NULL, zwei REAL NULL, zwfl REAL NULL, zbmi REAL NULL, zhc REAL NULL,
  flen INTEGER NULL CHECK (flen IN (0, 1)), fwei INTEGER NULL CHECK (fwei IN (0, 1)),
  fwfl INTEGER NULL CHECK (fwfl IN (0, 1)), fbmi INTEGER NULL CHECK (fbmi IN (0, 1)),
  fhc  INTEGER NULL CHECK (fhc IN (0, 1)),
  status_tbu TEXT NULL, status_bbu TEXT NULL, status_bbtb TEXT NULL, status_imtu TEXT NULL,
  calibration_id TEXT NULL,
  device_id      TEXT NULL,
  supersedes_id  TEXT NULL UNIQUE REFERENCES measurements(id),
  correction_reason TEXT NULL,
  source         TEXT NOT NULL CHECK (source IN ('mat', 'manual', 'record')),
  created_at     TEXT NOT NULL,
  CHECK (lenhei_cm IS NOT NULL OR weight_kg IS NOT NULL),
  CHECK ((supersedes_id IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX measurements_child ON measurements(child_id, measured_at);
CREATE INDEX measurements_day ON measurements(posyandu_id, measured_on);

CREATE TABLE readings (
  id             TEXT PRIMARY KEY,
  measurement_id TEXT NOT NULL REFERENCES measurements(id),
  channel        TEXT NOT NULL CHECK (channel IN ('length', 'weight')),
  ordinal        INTEGER NOT NULL CHECK (ordinal BETWEEN 1 AND 3),
  value_mm_or_g  REAL NOT NULL CHECK (value_mm_or_g > 0),
  raw_counts_json TEXT NULL,
  locked_at      TEXT NOT NULL,
  UNIQUE (measurement_id, channel, ordinal)
) STRICT;

CREATE TABLE outbox (
  id              TEXT PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('measurement', 'child')),
  subject_id      TEXT NOT NULL,
  topic           TEXT NOT NULL,
  payload         TEXT NOT NULL,
  child_id        TEXT NULL,
  created_at      TEXT NOT NULL,
  sent_at         TEXT NULL,
  delivered_at    TEXT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_due ON outbox(delivered_at, next_attempt_at, id);
CREATE INDEX outbox_subject ON outbox(subject_id);
CREATE INDEX outbox_child ON outbox(child_id, id) WHERE delivered_at IS NULL;
`,
  },
  {
    version: 2,
    name: 'village record: messages received (dedupe by message id)',
    sql: `
CREATE TABLE record_messages (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('measurement', 'child')),
  posyandu_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  backfilled  INTEGER NOT NULL CHECK (backfilled IN (0, 1))
) STRICT;
`,
  },
  {
    // A village record may know a child only by its pseudonym (the gateway's sharing level withholds name,
    // mother's name and birth date): those columns become nullable. Rebuilt in place with the foreign keys
    // deferred; re-inserting every row under the same name satisfies the measurements' references again.
    version: 3,
    name: 'children: personal fields nullable (village record at reduced sharing levels)',
    sql: `
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE children_v2 AS SELECT * FROM children;
DROP TABLE children;
CREATE TABLE children (
  id          TEXT PRIMARY KEY,
  pseudo_id   TEXT NOT NULL UNIQUE,
  name        TEXT NULL CHECK (name IS NULL OR length(name) BETWEEN 1 AND 100),
  name_key    TEXT NULL,
  sex         INTEGER NOT NULL CHECK (sex IN (1, 2)),
  birth_date  TEXT NULL CHECK (birth_date IS NULL OR ${isoDateCheck('birth_date')}),
  nik         TEXT NULL CHECK (nik IS NULL OR (length(nik) = 16 AND nik NOT GLOB '*[^0-9]*')),
  mother_name TEXT NULL CHECK (mother_name IS NULL OR length(mother_name) BETWEEN 1 AND 100),
  posyandu_id TEXT NOT NULL,
  village_id  TEXT NOT NULL,
  has_kia     INTEGER NOT NULL DEFAULT 0 CHECK (has_kia IN (0, 1)),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;
INSERT INTO children SELECT * FROM children_v2;
DROP TABLE children_v2;
CREATE INDEX children_name_key ON children(name_key);
CREATE INDEX children_posyandu ON children(posyandu_id)
`,
  },
  {
    // Issue 14. Measurements may come from `tikar import` (source 'import'): the CHECK is widened by rebuilding
    // the table as migration 3 rebuilt children (foreign keys deferred, every row re-inserted under its id).
    // Personal and visit details that never travel over MQTT live in their own tables: the child's address
    // (dusun, RT/RW, phone), a visit's vitamin A and ASI eksklusif, and the month's sasaran per posyandu.
    version: 5,
    name: "measurements.source 'import'; child addresses, visit notes (vitamin A, ASI), sasaran",
    sql: `
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE measurements_v1 AS SELECT * FROM measurements;
DROP TABLE measurements;
CREATE TABLE measurements (
  id             TEXT PRIMARY KEY,
  child_id       TEXT NOT NULL REFERENCES children(id),
  posyandu_id    TEXT NOT NULL,
  village_id     TEXT NOT NULL,
  measured_at    TEXT NOT NULL,
  measured_on    TEXT NOT NULL CHECK (${isoDateCheck('measured_on')}),
  age_days       INTEGER NOT NULL CHECK (age_days BETWEEN 0 AND 1856),
  position       TEXT NOT NULL CHECK (position IN ('l', 'h')),
  lenhei_cm      REAL NULL CHECK (lenhei_cm IS NULL OR lenhei_cm BETWEEN 38 AND 150),
  clenhei_cm     REAL NULL CHECK (clenhei_cm IS NULL OR clenhei_cm BETWEEN 37 AND 151),
  weight_kg      REAL NULL CHECK (weight_kg IS NULL OR weight_kg BETWEEN 0.5 AND 40),
  headc_cm       REAL NULL CHECK (headc_cm IS NULL OR headc_cm BETWEEN 25 AND 60),
  oedema         INTEGER NOT NULL DEFAULT 0 CHECK (oedema IN (0, 1)),
  zlen REAL NULL, zwei REAL NULL, zwfl REAL NULL, zbmi REAL NULL, zhc REAL NULL,
  flen INTEGER NULL CHECK (flen IN (0, 1)), fwei INTEGER NULL CHECK (fwei IN (0, 1)),
  fwfl INTEGER NULL CHECK (fwfl IN (0, 1)), fbmi INTEGER NULL CHECK (fbmi IN (0, 1)),
  fhc  INTEGER NULL CHECK (fhc IN (0, 1)),
  status_tbu TEXT NULL, status_bbu TEXT NULL, status_bbtb TEXT NULL, status_imtu TEXT NULL,
  calibration_id TEXT NULL,
  device_id      TEXT NULL,
  supersedes_id  TEXT NULL UNIQUE REFERENCES measurements(id),
  correction_reason TEXT NULL,
  source         TEXT NOT NULL CHECK (source IN ('mat', 'manual', 'record', 'import')),
  created_at     TEXT NOT NULL,
  CHECK (lenhei_cm IS NOT NULL OR weight_kg IS NOT NULL),
  CHECK ((supersedes_id IS NULL) = (correction_reason IS NULL))
) STRICT;
INSERT INTO measurements SELECT * FROM measurements_v1;
DROP TABLE measurements_v1;
CREATE INDEX measurements_child ON measurements(child_id, measured_at);
CREATE INDEX measurements_day ON measurements(posyandu_id, measured_on);

CREATE TABLE child_addresses (
  child_id   TEXT PRIMARY KEY REFERENCES children(id),
  dusun      TEXT NULL CHECK (dusun IS NULL OR length(dusun) BETWEEN 1 AND 60),
  rt         TEXT NULL CHECK (rt IS NULL OR (length(rt) BETWEEN 1 AND 3 AND rt NOT GLOB '*[^0-9]*')),
  rw         TEXT NULL CHECK (rw IS NULL OR (length(rw) BETWEEN 1 AND 3 AND rw NOT GLOB '*[^0-9]*')),
  phone      TEXT NULL CHECK (phone IS NULL OR (length(phone) BETWEEN 8 AND 16 AND phone NOT GLOB '*[^0-9+]*')),
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE visit_notes (
  child_id      TEXT NOT NULL REFERENCES children(id),
  visit_on      TEXT NOT NULL CHECK (${isoDateCheck('visit_on')}),
  vitamin_a     INTEGER NULL CHECK (vitamin_a IN (0, 1)),
  asi_eksklusif INTEGER NULL CHECK (asi_eksklusif IN (0, 1)),
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (child_id, visit_on)
) STRICT;

CREATE TABLE sasaran (
  posyandu_id TEXT NOT NULL,
  month       TEXT NOT NULL CHECK (month GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
  balita      INTEGER NOT NULL CHECK (balita BETWEEN 0 AND 100000),
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (posyandu_id, month)
) STRICT
`,
  },
  {
    // PAUD children (issue 16) are measured up to 84 months with the WHO Reference 2007: ages to day 2556
    // (84 months), weights of school-age children, and the reference each row was scored by. The CHECKs
    // of a STRICT table cannot be altered, so the table is rebuilt as in migration 3; every earlier row
    // was scored by the WHO 2006 standards.
    version: 7,
    name: 'measurements: PAUD children to 84 months, the reference of each row (who2006 / who2007)',
    sql: `
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE measurements_v1 AS SELECT * FROM measurements;
DROP TABLE measurements;
CREATE TABLE measurements (
  id             TEXT PRIMARY KEY,
  child_id       TEXT NOT NULL REFERENCES children(id),
  posyandu_id    TEXT NOT NULL,
  village_id     TEXT NOT NULL,
  measured_at    TEXT NOT NULL,
  measured_on    TEXT NOT NULL CHECK (${isoDateCheck('measured_on')}),
  age_days       INTEGER NOT NULL CHECK (age_days BETWEEN 0 AND 2556),
  position       TEXT NOT NULL CHECK (position IN ('l', 'h')),
  lenhei_cm      REAL NULL CHECK (lenhei_cm IS NULL OR lenhei_cm BETWEEN 38 AND 150),
  clenhei_cm     REAL NULL CHECK (clenhei_cm IS NULL OR clenhei_cm BETWEEN 37 AND 151),
  weight_kg      REAL NULL CHECK (weight_kg IS NULL OR weight_kg BETWEEN 0.5 AND 80),
  headc_cm       REAL NULL CHECK (headc_cm IS NULL OR headc_cm BETWEEN 25 AND 60),
  oedema         INTEGER NOT NULL DEFAULT 0 CHECK (oedema IN (0, 1)),
  zlen REAL NULL, zwei REAL NULL, zwfl REAL NULL, zbmi REAL NULL, zhc REAL NULL,
  flen INTEGER NULL CHECK (flen IN (0, 1)), fwei INTEGER NULL CHECK (fwei IN (0, 1)),
  fwfl INTEGER NULL CHECK (fwfl IN (0, 1)), fbmi INTEGER NULL CHECK (fbmi IN (0, 1)),
  fhc  INTEGER NULL CHECK (fhc IN (0, 1)),
  status_tbu TEXT NULL, status_bbu TEXT NULL, status_bbtb TEXT NULL, status_imtu TEXT NULL,
  calibration_id TEXT NULL,
  device_id      TEXT NULL,
  supersedes_id  TEXT NULL UNIQUE REFERENCES measurements(id),
  correction_reason TEXT NULL,
  source         TEXT NOT NULL CHECK (source IN ('mat', 'manual', 'record', 'import')),
  created_at     TEXT NOT NULL,
  reference      TEXT NOT NULL DEFAULT 'who2006' CHECK (reference IN ('who2006', 'who2007')),
  CHECK (lenhei_cm IS NOT NULL OR weight_kg IS NOT NULL),
  CHECK ((supersedes_id IS NULL) = (correction_reason IS NULL)),
  CHECK (reference = 'who2007' OR age_days <= 1856)
) STRICT;
INSERT INTO measurements SELECT *, 'who2006' FROM measurements_v1;
DROP TABLE measurements_v1;
CREATE INDEX measurements_child ON measurements(child_id, measured_at);
CREATE INDEX measurements_day ON measurements(posyandu_id, measured_on)
`,
  },
  {
    // Issue 11: a local child's identity changes only through a bidan's correction, kept with its reason and
    // the values before and after (JSON objects of the changed fields: personal data, in this 0600 file).
    version: 8,
    name: 'child_corrections: history of identity corrections',
    sql: `
CREATE TABLE child_corrections (
  id           TEXT PRIMARY KEY,
  child_id     TEXT NOT NULL REFERENCES children(id),
  corrected_at TEXT NOT NULL,
  corrected_by TEXT NOT NULL CHECK (corrected_by IN ('bidan', 'admin')),
  reason       TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
  before_json  TEXT NOT NULL CHECK (json_valid(before_json)),
  after_json   TEXT NOT NULL CHECK (json_valid(after_json)),
  rescored     INTEGER NOT NULL DEFAULT 0 CHECK (rescored >= 0)
) STRICT;
CREATE INDEX child_corrections_child ON child_corrections(child_id, corrected_at)
`,
  },
];

export async function migrate(db: Db): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  const current = row?.user_version ?? 0;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `database ${db.path} has schema version ${current}, newer than this program (${newest}): upgrade tikar`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    await db.transaction(async (tx) => {
      for (const statement of splitStatements(migration.sql)) await tx.run(statement);
      await tx.run(`PRAGMA user_version = ${migration.version}`);
    });
  }
  return newest;
}

// sqlite3's run() executes one statement; our migrations contain no semicolons inside literals.
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
