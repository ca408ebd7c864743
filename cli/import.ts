// `tikar import`: a posyandu's history (children and past weighings) from a CSV in Tikar's layout or an
// e-PPGBM by-name export, into the gateway's database (docs/import.md). Bad rows are reported by line and
// column and left out; an unreadable file writes nothing. Importing the same file twice adds nothing.
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { Db } from '../gateway/store/index.ts';
import { commandRunner, topicIdOption } from './options.ts';

interface ImportCliOptions {
  db: string;
  posyandu: string;
  village?: string;
  in: string;
  publish?: boolean;
  dryRun?: boolean;
}

/** The village of the posyandu's registered children, for --village left out. */
async function villageOf(db: Db, posyanduId: string): Promise<string | undefined> {
  const row = await db.get<{ village_id: string }>(
    'SELECT village_id FROM children WHERE posyandu_id = ? ORDER BY created_at LIMIT 1',
    [posyanduId],
  );
  return row?.village_id;
}

async function importFile(options: ImportCliOptions): Promise<number> {
  // Loaded only to run: `tikar import --help` loads neither the store nor the readers.
  const [{ applyImport }, { readCsvText }, { planImport }, { createProgress }, { openDb }] =
    await Promise.all([
      import('../gateway/import/apply-import.ts'),
      import('../gateway/import/csv-text.ts'),
      import('../gateway/import/history-rows.ts'),
      import('../gateway/reports/progress.ts'),
      import('../gateway/store/index.ts'),
    ]);
  let text: string;
  try {
    text = await readFile(options.in, 'utf8');
  } catch (error) {
    process.stderr.write(`tikar import: cannot read ${options.in}: ${(error as Error).message}\n`);
    return 2;
  }
  const csv = readCsvText(text);
  if (!csv.ok) {
    process.stderr.write(`tikar import: ${options.in}:${csv.line}: ${csv.message}; nothing written\n`);
    return 2;
  }
  const plan = planImport(csv.header, csv.records);
  if (typeof plan === 'string') {
    process.stderr.write(`tikar import: ${options.in}:1: ${plan}; nothing written\n`);
    return 2;
  }
  const visits = [...plan.children.values()].reduce((n, c) => n + c.visits.length, 0);
  const db = await openDb(options.db);
  try {
    const village = options.village ?? (await villageOf(db, options.posyandu));
    if (village === undefined) {
      process.stderr.write(
        'tikar import: --village is needed: the posyandu has no registered children yet\n',
      );
      return 2;
    }
    if (options.dryRun) {
      for (const p of plan.problems)
        process.stderr.write(`${options.in}:${p.line}: ${p.column}: ${p.message}\n`);
      process.stderr.write(
        `tikar import: dry run (${plan.layout} layout): ${plan.children.size} children, ${visits} visits readable, ${plan.problems.length} rows with problems; nothing written\n`,
      );
      return plan.problems.length > 0 ? 1 : 0;
    }
    const progress = createProgress('import', plan.children.size);
    const summary = await applyImport(db, plan, {
      posyanduId: options.posyandu,
      villageId: village,
      publish: options.publish === true,
      now: new Date(),
      tick: (done) => progress.tick(done),
    });
    progress.finish();
    for (const p of summary.problems)
      process.stderr.write(`${options.in}:${p.line}: ${p.column}: ${p.message}\n`);
    process.stderr.write(
      `tikar import: ${plan.layout} layout; children ${summary.childrenAdded} added, ${summary.childrenKnown} already known; ` +
        `visits ${summary.visitsAdded} added, ${summary.visitsKnown} already stored; ${summary.problems.length} rows left out` +
        `${options.publish ? '; queued for MQTT' : ''}\n`,
    );
    return summary.problems.length > 0 ? 1 : 0;
  } finally {
    await db.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  const runner = commandRunner('tikar import', () => false);
  const program = new Command('tikar import')
    .description(
      "Import a posyandu's history (children, past weighings) from CSV or an e-PPGBM export (docs/import.md)",
    )
    .requiredOption('--db <file>', "the gateway's SQLite file")
    .requiredOption('--posyandu <id>', 'posyandu id the children belong to', topicIdOption('--posyandu'))
    .option(
      '--village <id>',
      "village id (default: the posyandu's registered children's)",
      topicIdOption('--village'),
    )
    .requiredOption('--in <file>', 'CSV file: Tikar layout (child_ref,…) or e-PPGBM by-name export')
    .option('--publish', 'also send the imported children and measurements to the village record over MQTT')
    .option('--dry-run', 'check the file and report problems; write nothing')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .action(runner.action(importFile));
  return runner.run(program, argv);
}
