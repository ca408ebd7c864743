// The only pg import: the district's PostgreSQL (docs/district.md). A pool of connections; queries with
// $1… parameters; transactions retried when PostgreSQL aborts one to break a deadlock or a serialization
// conflict between workers (both are safe to run again: nothing of an aborted transaction remains).

import pg from 'pg';
import { redactPgUrl } from './postgres-url.ts';

export type PgValue = string | number | boolean | null | readonly (string | number | boolean | null)[];
export type PgRow = Record<string, unknown>;

/**
 * A statement each connection parses and plans once, then runs by name: for the statements run per batch, whose
 * planning cost PostgreSQL more than their rows (measured: half of its CPU per stored measurement).
 */
export interface PgStatement {
  readonly text: string;
  readonly name: string;
}

let statementsNamed = 0;

/** A prepared statement for `text` (made once, at module load: each name stands for one text for good). */
export function pgStatement(text: string): PgStatement {
  statementsNamed++;
  return { text, name: `tikar_${statementsNamed}` };
}

export interface PgSql {
  query<T extends object = PgRow>(sql: string | PgStatement, params?: readonly PgValue[]): Promise<T[]>;
}

export interface Pg extends PgSql {
  /** postgres://… without the password, for logs. */
  readonly url: string;
  transaction<T>(
    body: (tx: PgSql) => Promise<T>,
    options?: { isolation?: 'read committed' | 'repeatable read'; readOnly?: boolean },
  ): Promise<T>;
  close(): Promise<void>;
}

export interface PgOptions {
  /** Connections in the pool. Default 4. */
  max?: number;
  applicationName?: string;
  /** Every session read-only (the dashboard): PostgreSQL itself refuses any write. */
  readOnly?: boolean;
}

// count(*) and sums come back as int8, which pg gives as strings; our counts fit a double exactly.
const int8 = 20;
const numeric = 1700;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8 || oid === numeric
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

const retryable = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/** Opens a pool and checks that the server answers (a clear error naming the URL if not). */
export async function openPostgres(url: string, options: PgOptions = {}): Promise<Pg> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    types,
    application_name: options.applicationName ?? 'tikar',
    connectionTimeoutMillis: 10_000,
    ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle connection the server drops (restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const redacted = redactPgUrl(url);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot reach PostgreSQL at ${redacted}: ${(error as Error).message}`);
  }
  const queryOn =
    (client: pg.Pool | pg.PoolClient) =>
    async <T extends object = PgRow>(
      sql: string | PgStatement,
      params: readonly PgValue[] = [],
    ): Promise<T[]> =>
      (
        await client.query<T>(
          typeof sql === 'string' ? sql : { text: sql.text, name: sql.name, values: params as unknown[] },
          typeof sql === 'string' ? (params as unknown[]) : undefined,
        )
      ).rows;
  return {
    url: redacted,
    query: queryOn(pool),
    async transaction(body, txOptions = {}) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          const mode = `ISOLATION LEVEL ${(txOptions.isolation ?? 'read committed').toUpperCase()}`;
          await client.query(`BEGIN ${mode}${txOptions.readOnly ? ' READ ONLY' : ''}`);
          const result = await body({ query: queryOn(client) });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          const code = (error as { code?: string }).code;
          if (code === undefined || !retryable.has(code) || attempt >= 5) throw error;
          await new Promise((resolve) => setTimeout(resolve, 5 * attempt * Math.random()));
        } finally {
          client.release();
        }
      }
    },
    close: () => pool.end(),
  };
}
