// The store: one SQLite file per gateway (and one per village record).

export * from './child-details.ts';
export * from './children.ts';
export {
  type Db,
  isConstraintError,
  type OpenOptions,
  openDb,
  type Row,
  type Sql,
  type SqlValue,
} from './db.ts';
export * from './measurements.ts';
export { migrate, migrations } from './migrations.ts';
export { nameKey, nameSimilarity } from './name-match.ts';
export * from './outbox.ts';
