// Issue 11 item 13 (parts): names without control characters or lone surrogates, report settings of the wrong
// shape refused with a sentence, live streams capped per login and in all.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run as reportRun } from '../../../cli/report.ts';
import { run as zscoreRun } from '../../../cli/zscore.ts';
import { registerChildInput } from '../../../gateway/model/index.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';
import { writeFixtureDb } from '../../reports/db-fixture.ts';
import { skdnFixture } from '../../reports/fixtures.ts';
import { startHarness } from '../../web/harness.ts';

const child = (name: string) => ({ name, sex: 1, birth_date: '2025-01-01', mother_name: 'Ibu Sari' });

describe('input hygiene', () => {
  it('refuses names with NUL, escape codes, CR/LF or lone surrogates; keeps real names', () => {
    for (const name of [
      'Budi\u0000',
      'Budi\u001b[31m',
      'Budi\r\nX',
      'Budi\ud800',
      '\udc00Budi',
      'Bu\u0007di',
    ]) {
      expect(registerChildInput.safeParse(child(name)).success, JSON.stringify(name)).toBe(false);
      expect(registerChildInput.safeParse({ ...child('Budi'), mother_name: name }).success).toBe(false);
    }
    for (const name of ["Siti Nur'aini", 'Ñoño', 'Ayu 😀', 'I Gusti Ngurah Rai']) {
      expect(registerChildInput.safeParse(child(name)).success, name).toBe(true);
    }
  });

  it('refuses --settings of the wrong shape with a sentence, not a TypeError', async () => {
    const dir = await tmpDir();
    try {
      const db = join(dir.path, 'g.db');
      await (await writeFixtureDb(db, skdnFixture())).close();
      for (const settings of ['{"kbmTable":"x"}', '{"kbmTable":[1,2]}', '{"matColours":null}']) {
        const file = join(dir.path, 'settings.json');
        await writeFile(file, settings);
        let stderr = '';
        const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
          stderr += chunk.toString();
          return true;
        });
        let code: number;
        try {
          code = await reportRun(['recap', '--db', db, '--month', '2026-11', '--settings', file]);
        } finally {
          spy.mockRestore();
        }
        expect(code, settings).toBe(2);
        expect(stderr).toMatch(/--settings .*(kbmTable|matColours) must be/);
        expect(stderr).not.toMatch(/TypeError|is not a function/);
      }
    } finally {
      await dir.cleanup();
    }
  });

  it('quotes untrusted CSV text in error messages escaped and cut short', async () => {
    const dir = await tmpDir();
    try {
      const cases = [
        Buffer.concat([Buffer.from([0, 1, 0x1b, 0xff, 0xfe]), Buffer.from('[2J\n1,2\n')]),
        Buffer.from(`${'x'.repeat(1_000_000)}\n1\n`),
        Buffer.from('sex,age_days,weight_kg\n1,100,\u001b[31mX\u0000\n'),
      ];
      for (const [index, bytes] of cases.entries()) {
        const input = join(dir.path, `in-${index}.csv`);
        await writeFile(input, bytes);
        let stderr = '';
        const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
          stderr += chunk.toString();
          return true;
        });
        try {
          await zscoreRun(['--in', input, '--out', join(dir.path, `out-${index}.csv`)]);
        } finally {
          spy.mockRestore();
        }
        expect(stderr.length, `case ${index}`).toBeLessThan(1000);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
        expect(stderr.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f]/);
      }
    } finally {
      await dir.cleanup();
    }
  });

  it('caps live streams per login and in all', async () => {
    const harness = await startHarness({ sse: { maxPerSession: 2, maxTotal: 3 } });
    const open: ReadableStreamDefaultReader<Uint8Array>[] = [];
    try {
      const kader = await harness.login('kader');
      const stream = async (cookie: string) => {
        const response = await fetch(`${harness.server.url}/api/events`, { headers: { cookie } });
        if (response.status === 200) {
          const reader = (response.body as ReadableStream<Uint8Array>).getReader();
          await reader.read();
          open.push(reader);
          return { status: 200, reader };
        }
        return { status: response.status, reader: undefined };
      };
      const first = await stream(kader);
      await stream(kader);
      await stream(kader); // the third of one login closes its first
      let ended = false;
      while (!ended) ended = (await first.reader?.read())?.done ?? true;
      const bidan = await harness.login('bidan');
      expect((await stream(bidan)).status).toBe(200); // 3 in all now
      expect((await stream(await harness.login('admin'))).status).toBe(503);
    } finally {
      for (const reader of open) await reader.cancel().catch(() => undefined);
      await harness.close();
    }
  });
});
