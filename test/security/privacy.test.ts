import { chmod, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createVillageSecret,
  ensureVillageSecret,
  loadVillageSecret,
  parseSharingLevel,
  pseudonymousChildId,
  shareChild,
} from '../../gateway/security/privacy.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const child = {
  id: '01890a5d-ac96-774b-bcce-b302099a8057',
  pseudo_id: 'p-1',
  name: 'Siti Nurhaliza Putri',
  sex: 2 as const,
  birth_date: '2024-03-17',
  nik: '3201234503170001',
  mother_name: 'Dewi Lestari',
  posyandu_id: 'melati',
  village_id: 'sukamaju',
  has_kia: true,
};

describe('shareChild', () => {
  it('at pseudonymous keeps no name, mother name, birth date or NIK, and gives the birth month', () => {
    const shared = shareChild(child, 'pseudonymous');
    expect(shared).toEqual({
      id: child.id,
      pseudo_id: 'p-1',
      sex: 2,
      birth_month: '2024-03',
      posyandu_id: 'melati',
      village_id: 'sukamaju',
      has_kia: true,
    });
    expect(child.name).toBe('Siti Nurhaliza Putri'); // input untouched
  });

  it('shares more only when the village chooses to', () => {
    expect(shareChild(child, 'register')).toMatchObject({
      name: child.name,
      mother_name: 'Dewi Lestari',
      birth_date: '2024-03-17',
    });
    expect(shareChild(child, 'register')).not.toHaveProperty('nik');
    expect(shareChild(child, 'full')).toMatchObject({ nik: child.nik });
  });

  it('leaks no personal value at the pseudonymous level, whatever the child (property)', () => {
    const marker = fc.stringMatching(/^[A-Z][a-z]{5,12} [A-Z][a-z]{5,12}$/);
    const arb = fc.record({
      name: marker,
      mother_name: marker,
      nik: fc.stringMatching(/^\d{16}$/),
      birth_date: fc
        .date({ min: new Date('2019-01-01'), max: new Date('2026-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
    });
    fc.assert(
      fc.property(arb, (personal) => {
        const text = JSON.stringify(shareChild({ ...child, ...personal }, 'pseudonymous'));
        for (const value of Object.values(personal)) expect(text).not.toContain(value);
      }),
      { seed: 5, numRuns: 300 },
    );
  });

  it('parses the configured level, naming the choices on error', () => {
    expect(parseSharingLevel('register')).toEqual({ ok: true, value: 'register' });
    expect(parseSharingLevel('all')).toMatchObject({
      ok: false,
      error: expect.stringContaining('pseudonymous, register, full'),
    });
  });
});

describe('pseudonyms and the village secret', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    dir = await tmpDir('tikar-privacy-');
  });
  afterAll(() => dir.cleanup());

  it('are stable per secret, differ between villages, and reveal nothing of the id', async () => {
    const secretA = await createVillageSecret(join(dir.path, 'a.secret'));
    const secretB = await createVillageSecret(join(dir.path, 'b.secret'));
    const pseudo = pseudonymousChildId(child.id, secretA);
    expect(pseudo).toMatch(/^[0-9a-f]{32}$/);
    expect(pseudonymousChildId(child.id, secretA)).toBe(pseudo);
    expect(pseudonymousChildId(child.id, secretB)).not.toBe(pseudo);
    expect(pseudonymousChildId(`${child.id}x`, secretA)).not.toBe(pseudo);
    expect(pseudonymousChildId(child.id, await loadVillageSecret(join(dir.path, 'a.secret')))).toBe(pseudo);
    expect(() => pseudonymousChildId(child.id, Buffer.alloc(8))).toThrow(/at least 32 bytes/);
  });

  it('is created once on first start and read back afterwards', async () => {
    const path = join(dir.path, 'first-start.secret');
    const first = await ensureVillageSecret(path);
    expect(await ensureVillageSecret(path)).toEqual(first);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('is written 0600, never replaced, and refused when others can read it', async () => {
    const path = join(dir.path, 'c.secret');
    await createVillageSecret(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await expect(createVillageSecret(path)).rejects.toThrow(/EEXIST/);
    await chmod(path, 0o644);
    await expect(loadVillageSecret(path)).rejects.toThrow(/readable by others/);
    const short = join(dir.path, 'short.secret');
    await writeFile(short, 'abcd\n', { mode: 0o600 });
    await expect(loadVillageSecret(short)).rejects.toThrow(/hex digits/);
  });
});
