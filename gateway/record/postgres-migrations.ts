// The district record's schema in PostgreSQL: the same tables and columns as the village record's SQLite file
// (docs/architecture.md, Store), so the record service and the reports read the same rows from either. Numbered
// migrations run at start under an advisory lock (several workers start at once); `tikar_schema` records them.
// Never edit a released migration: add the next number.

import type { Pg } from '../store/postgres.ts';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

const isoDate = (column: string) => `${column} ~ '^[12][0-9]{3}-[01][0-9]-[0-3][0-9]$'`;

export const postgresMigrations: readonly PgMigration[] = [
  {
    version: 1,
    name: 'children, measurements, readings, record_messages',
    sql: `
CREATE TABLE children (
  id          text PRIMARY KEY,
  pseudo_id   text NOT NULL UNIQUE,
  name        text NULL CHECK (name IS NULL OR length(name) BETWEEN 1 AND 100),
  name_key    text NULL,
  sex         smallint NOT NULL CHECK (sex IN (1, 2)),
  birth_date  text NULL CHECK (birth_date IS NULL OR ${isoDate('birth_date')}),
  nik         text NULL CHECK (nik IS NULL OR nik ~ '^[0-9]{16}$'),
  mother_name text NULL CHECK (mother_name IS NULL OR length(mother_name) BETWEEN 1 AND 100),
  posyandu_id text NOT NULL,
  village_id  text NOT NULL,
  has_kia     smallint NOT NULL DEFAULT 0 CHECK (has_kia IN (0, 1)),
  created_at  text NOT NULL,
  updated_at  text NOT NULL
);
CREATE INDEX children_place ON children (village_id, posyandu_id);
CREATE INDEX children_register ON children (village_id, updated_at);
CREATE INDEX children_name_key ON children (name_key);

CREATE TABLE measurements (
  id             text PRIMARY KEY,
  child_id       text NOT NULL REFERENCES children (id),
  posyandu_id    text NOT NULL,
  village_id     text NOT NULL,
  measured_at    text NOT NULL,
  measured_on    text NOT NULL CHECK (${isoDate('measured_on')}),
  age_days       integer NOT NULL CHECK (age_days BETWEEN 0 AND 2556),
  position       text NOT NULL CHECK (position IN ('l', 'h')),
  lenhei_cm      double precision NULL CHECK (lenhei_cm IS NULL OR lenhei_cm BETWEEN 38 AND 150),
  clenhei_cm     double precision NULL CHECK (clenhei_cm IS NULL OR clenhei_cm BETWEEN 37 AND 151),
  weight_kg      double precision NULL CHECK (weight_kg IS NULL OR weight_kg BETWEEN 0.5 AND 80),
  headc_cm       double precision NULL CHECK (headc_cm IS NULL OR headc_cm BETWEEN 25 AND 60),
  oedema         smallint NOT NULL DEFAULT 0 CHECK (oedema IN (0, 1)),
  zlen double precision NULL, zwei double precision NULL, zwfl double precision NULL,
  zbmi double precision NULL, zhc double precision NULL,
  flen smallint NULL CHECK (flen IN (0, 1)), fwei smallint NULL CHECK (fwei IN (0, 1)),
  fwfl smallint NULL CHECK (fwfl IN (0, 1)), fbmi smallint NULL CHECK (fbmi IN (0, 1)),
  fhc  smallint NULL CHECK (fhc IN (0, 1)),
  status_tbu text NULL, status_bbu text NULL, status_bbtb text NULL, status_imtu text NULL,
  calibration_id text NULL,
  device_id      text NULL,
  supersedes_id  text NULL UNIQUE REFERENCES measurements (id),
  correction_reason text NULL,
  source         text NOT NULL CHECK (source IN ('mat', 'manual', 'record', 'import')),
  created_at     text NOT NULL,
  -- PAUD children of 60-84 months are scored by the WHO Reference 2007 (as SQLite's migration 7).
  reference      text NOT NULL DEFAULT 'who2006' CHECK (reference IN ('who2006', 'who2007')),
  CHECK (lenhei_cm IS NOT NULL OR weight_kg IS NOT NULL),
  CHECK ((supersedes_id IS NULL) = (correction_reason IS NULL)),
  CHECK (reference = 'who2007' OR age_days <= 1856)
);
CREATE INDEX measurements_child ON measurements (child_id, measured_at);
CREATE INDEX measurements_place_day ON measurements (village_id, posyandu_id, measured_on);

CREATE TABLE readings (
  id             text PRIMARY KEY,
  measurement_id text NOT NULL REFERENCES measurements (id),
  channel        text NOT NULL CHECK (channel IN ('length', 'weight')),
  ordinal        smallint NOT NULL CHECK (ordinal BETWEEN 1 AND 3),
  value_mm_or_g  double precision NOT NULL CHECK (value_mm_or_g > 0),
  raw_counts_json text NULL,
  locked_at      text NOT NULL,
  UNIQUE (measurement_id, channel, ordinal)
);

-- The dedupe table: a message id is stored once, whichever worker receives it first (insert-if-absent).
CREATE TABLE record_messages (
  id          text PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('measurement', 'child')),
  village_id  text NOT NULL,
  posyandu_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  backfilled  boolean NOT NULL
);
-- "Last message of each posyandu" is one backward index probe per posyandu.
CREATE INDEX record_messages_place_received ON record_messages (village_id, posyandu_id, received_at);
`,
  },
  {
    version: 2,
    name: 'district summaries: per posyandu and month, posyandu last heard, what changed',
    sql: `
-- Which posyandu-months new messages touched; the summariser (district/summary.ts) recomputes them from the
-- rows with the gateway's own report functions and deletes what it handled.
CREATE TABLE district_dirty (
  seq         bigserial PRIMARY KEY,
  village_id  text NOT NULL,
  posyandu_id text NOT NULL,
  month       text NOT NULL CHECK (month ~ '^[12][0-9]{3}-[01][0-9]$')
);
CREATE INDEX district_dirty_place ON district_dirty (village_id, posyandu_id);

CREATE TABLE district_posyandu (
  village_id      text NOT NULL,
  posyandu_id     text NOT NULL,
  last_message_at timestamptz NULL,
  -- The newest measurement day held: a posyandu that holds no session, or whose box is offline, stays behind.
  last_measured_on text NULL,
  children        integer NOT NULL DEFAULT 0,
  summarised_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (village_id, posyandu_id)
);

-- One row per posyandu and month: SKDN, prevalence counts (the dashboard adds Wilson intervals to sums),
-- growth-mat colours of the children 0-23 months, and the home-visit and referral list sizes.
CREATE TABLE district_posyandu_month (
  month        text NOT NULL,
  village_id   text NOT NULL,
  posyandu_id  text NOT NULL,
  s integer NOT NULL, k integer NOT NULL, d integer NOT NULL, n integer NOT NULL, t integer NOT NULL,
  o integer NOT NULL, b integer NOT NULL, d_prime integer NOT NULL,
  stunting_cases integer NOT NULL, stunting_measured integer NOT NULL,
  severe_stunting_cases integer NOT NULL, severe_stunting_measured integer NOT NULL,
  wasting_cases integer NOT NULL, wasting_measured integer NOT NULL,
  underweight_cases integer NOT NULL, underweight_measured integer NOT NULL,
  mat_hijau integer NOT NULL, mat_kuning integer NOT NULL, mat_merah integer NOT NULL,
  mat_tidak_diukur integer NOT NULL,
  home_visit integer NOT NULL, referral integer NOT NULL,
  PRIMARY KEY (month, village_id, posyandu_id)
);
`,
  },
];

/** Applies the migrations not yet applied; refuses a database from a newer program. Returns the version. */
export async function migratePostgres(pg: Pg): Promise<number> {
  const newest = postgresMigrations.at(-1)?.version ?? 0;
  return pg.transaction(async (tx) => {
    // One migrating worker at a time; the others wait here, then find nothing left to do.
    await tx.query('SELECT pg_advisory_xact_lock(7317001)');
    await tx.query(`CREATE TABLE IF NOT EXISTS tikar_schema (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const [row] = await tx.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM tikar_schema',
    );
    const current = row?.version ?? 0;
    if (current > newest) {
      throw new Error(
        `database ${pg.url} has schema version ${current}, newer than this program (${newest}): upgrade tikar`,
      );
    }
    for (const migration of postgresMigrations) {
      if (migration.version <= current) continue;
      await tx.query(migration.sql);
      await tx.query('INSERT INTO tikar_schema (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    return newest;
  });
}
