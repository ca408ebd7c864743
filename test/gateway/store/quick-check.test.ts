// Issue 11 item 10: a database with a damaged page is refused at start (PRAGMA quick_check), with a sentence
// naming the backup command, instead of failing at the kader's save.
import { chmod, mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGateway } from '../../../gateway/app/start-gateway.ts';
import { newId } from '../../../gateway/log/ids.ts';
import { insertChild } from '../../../gateway/store/children.ts';
import { DatabaseDamagedError, openDb } from '../../../gateway/store/db.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';

describe('quick_check at start', () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let path: string;
  beforeEach(async () => {
    dir = await tmpDir('tikar-quick-check-');
    path = join(dir.path, 'tikar.db');
    const db = await openDb(path);
    await db.transaction(async (tx) => {
      for (let i = 0; i < 400; i++) {
        await insertChild(tx, {
          id: newId(),
          pseudo_id: newId(),
          name: `Anak nomor ${i} dengan nama panjang`,
          sex: 1,
          birth_date: '2025-01-01',
          nik: null,
          mother_name: `Ibu ${i}`,
          posyandu_id: 'melati',
          village_id: 'sukamaju',
          has_kia: false,
          created_at: '2026-01-01T00:00:00.000Z',
          updated_at: '2026-01-01T00:00:00.000Z',
        });
      }
    });
    await db.close(); // checkpoints the WAL into the file
  });
  afterEach(async () => dir.cleanup());

  it('opens a sound file', async () => {
    const db = await openDb(path, { quickCheckMs: 10_000 });
    await db.close();
  });

  it('refuses a file with a damaged page, naming tikar backup; so does the gateway', async () => {
    const pageBytes = 4096;
    expect((await stat(path)).size).toBeGreaterThan(8 * pageBytes);
    const file = await open(path, 'r+');
    // The b-tree header of a page in the middle of the children table.
    await file.write(Buffer.alloc(64, 0xa5), 0, 64, 5 * pageBytes);
    await file.close();
    await expect(openDb(path, { quickCheckMs: 10_000 })).rejects.toThrow(DatabaseDamagedError);
    await expect(openDb(path, { quickCheckMs: 10_000 })).rejects.toThrow(/tikar backup/);
    await expect(
      startGateway({
        dbPath: path,
        posyanduId: 'melati',
        villageId: 'sukamaju',
        record: { enabled: false },
        mqtt: { url: 'mqtt://127.0.0.1:1' },
      }),
    ).rejects.toThrow(/damaged.*tikar backup/s);
  });
});

describe('the database directory', () => {
  it('is narrowed to 0700 when it already exists with wider rights', async () => {
    const dir = await tmpDir('tikar-db-dir-');
    try {
      const dataDir = join(dir.path, 'data');
      await mkdir(dataDir, { mode: 0o755 });
      await chmod(dataDir, 0o755);
      const db = await openDb(join(dataDir, 'tikar.db'));
      await db.close();
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    } finally {
      await dir.cleanup();
    }
  });
});
