// `tikar backup` on a real SQLite file in WAL mode, taken while another connection keeps committing.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../cli/backup.ts';
import { backupDatabase, decryptBackup, type KdfParams } from '../../../gateway/store/backup.ts';
import { checkIntegrity } from '../../../gateway/store/db.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';

const fastKdf: KdfParams = { log2N: 10, r: 8, p: 1 }; // tests only: the product default costs 64 MiB

function open(path: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(path, (error) => (error ? reject(error) : resolve(db)));
  });
}
const exec = (db: sqlite3.Database, sql: string) =>
  new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
const all = <T>(db: sqlite3.Database, sql: string) =>
  new Promise<T[]>((resolve, reject) =>
    db.all<T>(sql, (error, rows) => (error ? reject(error) : resolve(rows))),
  );
const close = (db: sqlite3.Database) => new Promise<void>((resolve) => db.close(() => resolve()));

async function batchesIn(path: string): Promise<Array<{ batch: number; items: number }>> {
  const db = await open(path);
  try {
    return await all(db, 'SELECT batch, COUNT(*) AS items FROM entries GROUP BY batch ORDER BY batch');
  } finally {
    await close(db);
  }
}

let dir: { path: string; cleanup: () => Promise<void> };
let dbPath: string;

beforeAll(async () => {
  dir = await tmpDir('tikar-backup-');
  dbPath = join(dir.path, 'tikar.db');
  const db = await open(dbPath);
  await exec(db, 'PRAGMA journal_mode = WAL; CREATE TABLE entries (batch INTEGER, item INTEGER, note TEXT);');
  await exec(
    db,
    `BEGIN; ${Array.from({ length: 500 }, (_, i) => `INSERT INTO entries VALUES (0, ${i}, '${'x'.repeat(200)}');`).join(' ')} COMMIT;`,
  );
  await close(db);
});
afterAll(() => dir?.cleanup());

describe('tikar backup', () => {
  it('takes a consistent snapshot while another connection keeps committing', async () => {
    const writer = await open(dbPath);
    let stop = false;
    let committed = 0;
    // Each transaction writes a batch of 3 rows; a torn copy would show a batch with fewer.
    const writing = (async () => {
      for (let batch = 1; !stop; batch++) {
        await exec(
          writer,
          `BEGIN; INSERT INTO entries VALUES (${batch}, 1, 'a'); INSERT INTO entries VALUES (${batch}, 2, 'b'); INSERT INTO entries VALUES (${batch}, 3, 'c'); COMMIT;`,
        );
        committed = batch;
      }
    })();
    while (committed < 5) await new Promise((r) => setImmediate(r));
    const outPath = join(dir.path, 'snapshot.db');
    const result = await backupDatabase({ dbPath, outPath });
    stop = true;
    await writing;
    await close(writer);

    expect(result.encrypted).toBe(false);
    expect((await stat(outPath)).mode & 0o777).toBe(0o600);
    expect(await checkIntegrity(outPath)).toBe('ok');
    const batches = await batchesIn(outPath);
    expect(batches[0]).toEqual({ batch: 0, items: 500 });
    expect(batches.length).toBeGreaterThan(5);
    for (const { batch, items } of batches.slice(1)) expect(items, `batch ${batch}`).toBe(3);
    // Contiguous: every batch up to the newest in the copy, none missing.
    expect(batches.map((b) => b.batch)).toEqual(batches.map((_, i) => i));
  });

  it('encrypts with a passphrase and restores the same data', async () => {
    const encPath = join(dir.path, 'enc.tikar-backup');
    const result = await backupDatabase({
      dbPath,
      outPath: encPath,
      passphrase: 'kader melati 2026',
      kdf: fastKdf,
    });
    expect(result.encrypted).toBe(true);
    expect((await stat(encPath)).mode & 0o777).toBe(0o600);
    const bytes = await readFile(encPath);
    expect(bytes.subarray(0, 8).toString()).toBe('TIKARBK1');
    expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
    expect(bytes.includes(Buffer.from('x'.repeat(50)))).toBe(false);
    // No plain copy left behind next to it.
    expect((await readdir(dir.path)).filter((name) => name.startsWith('.tikar-backup-'))).toEqual([]);

    const restored = join(dir.path, 'restored.db');
    await decryptBackup({ inPath: encPath, outPath: restored, passphrase: 'kader melati 2026' });
    expect((await stat(restored)).mode & 0o777).toBe(0o600);
    expect(await batchesIn(restored)).toEqual(await batchesIn(dbPath));
  });

  it('refuses a wrong passphrase, a tampered file and a tampered header, leaving nothing behind', async () => {
    const encPath = join(dir.path, 'enc2.tikar-backup');
    await backupDatabase({ dbPath, outPath: encPath, passphrase: 'kader melati 2026', kdf: fastKdf });
    const restored = join(dir.path, 'bad.db');
    await expect(
      decryptBackup({ inPath: encPath, outPath: restored, passphrase: 'kader mawar 2026' }),
    ).rejects.toThrow(/wrong passphrase, or the file is damaged/);
    await expect(stat(restored)).rejects.toThrow();

    const original = await readFile(encPath);
    const body = Buffer.from(original);
    body[original.length - 100] = (body[original.length - 100] ?? 0) ^ 1;
    await writeFile(join(dir.path, 'body.tikar-backup'), body);
    await expect(
      decryptBackup({
        inPath: join(dir.path, 'body.tikar-backup'),
        outPath: restored,
        passphrase: 'kader melati 2026',
      }),
    ).rejects.toThrow(/damaged/);

    const header = Buffer.from(original);
    header[20] = (header[20] ?? 0) ^ 1; // a salt byte: authenticated as additional data
    await writeFile(join(dir.path, 'header.tikar-backup'), header);
    await expect(
      decryptBackup({
        inPath: join(dir.path, 'header.tikar-backup'),
        outPath: restored,
        passphrase: 'kader melati 2026',
      }),
    ).rejects.toThrow(/damaged/);
    await expect(stat(restored)).rejects.toThrow();
  });

  it('never replaces an existing file, and says what is wrong with its input', async () => {
    const outPath = join(dir.path, 'exists.db');
    await writeFile(outPath, 'keep me');
    await expect(backupDatabase({ dbPath, outPath })).rejects.toThrow(/exists: refusing to replace it/);
    expect(await readFile(outPath, 'utf8')).toBe('keep me');
    await expect(
      backupDatabase({ dbPath: join(dir.path, 'none.db'), outPath: join(dir.path, 'n.db') }),
    ).rejects.toThrow(/not found/);
    await expect(
      backupDatabase({ dbPath, outPath: join(dir.path, 's.db'), passphrase: 'short' }),
    ).rejects.toThrow(/at least 8/);
    await expect(
      decryptBackup({ inPath: dbPath, outPath: join(dir.path, 'p.db'), passphrase: 'whatever1' }),
    ).rejects.toThrow(/not an encrypted Tikar backup/);
  });
});

describe('tikar backup (command line)', () => {
  it('backs up encrypted with the product key cost and restores with --decrypt', async () => {
    const printed: string[] = [];
    const env = { TIKAR_BACKUP_PASSPHRASE: 'posyandu melati, bulan ini' };
    expect(await run(['--db', dbPath, '--encrypt'], (line) => printed.push(line), env)).toBe(0);
    const written = /^backup (\S+) \(\d+ bytes, encrypted\)$/.exec(printed[0] ?? '')?.[1];
    expect(written).toMatch(/backups\/tikar-\d{8}-\d{6}\.tikar-backup$/);
    const restored = join(dir.path, 'cli-restored.db');
    expect(
      await run(['--decrypt', written ?? '', '--out', restored], (line) => printed.push(line), env),
    ).toBe(0);
    expect(await batchesIn(restored)).toEqual(await batchesIn(dbPath));
  });

  it('fails clearly without a passphrase or with a readable passphrase file', async () => {
    expect(
      await run(['--db', dbPath, '--encrypt', '--out', join(dir.path, 'x.enc')], () => undefined, {}),
    ).toBe(1);
    const loose = join(dir.path, 'pass.txt');
    await writeFile(loose, 'a passphrase\n', { mode: 0o644 });
    const code = await run(
      ['--db', dbPath, '--encrypt', '--passphrase-file', loose, '--out', join(dir.path, 'y.enc')],
      () => undefined,
      {},
    );
    expect(code).toBe(1);
    await expect(stat(join(dir.path, 'y.enc'))).rejects.toThrow();
  });
});
