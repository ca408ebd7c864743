// `tikar sasaran`: the month's target count of balita in a posyandu's area (S of the SKDN, docs/reports.md),
// set or cleared in a gateway's or village record's database, for a KPM who works from the record's file.
import { Command, InvalidArgumentError } from 'commander';
import { commandRunner, monthOption, topicIdOption } from './options.ts';

interface SasaranOptions {
  db: string;
  posyandu: string;
  month: string;
  balita?: number;
  clear?: boolean;
}

function countOption(text: string): number {
  const value = Number(text);
  if (!/^\d{1,6}$/.test(text) || value > 100000) {
    throw new InvalidArgumentError(`--balita must be a whole number 0–100000, got '${text}'`);
  }
  return value;
}

async function apply(options: SasaranOptions): Promise<number> {
  if ((options.balita === undefined) === (options.clear !== true)) {
    process.stderr.write('tikar sasaran: give either --balita N or --clear\n');
    return 2;
  }
  // Loaded only to run: `tikar sasaran --help` does not load the store.
  const { createDetailStore, openDb } = await import('../gateway/store/index.ts');
  const db = await openDb(options.db);
  try {
    const store = createDetailStore(db, options.posyandu);
    await store.setSasaran(options.month, options.balita ?? null);
    const now = await store.getSasaran(options.month);
    process.stderr.write(
      `tikar sasaran: ${options.posyandu} ${options.month}: ${now === null ? 'cleared (S = registered balita)' : `S = ${now} balita`}\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  const runner = commandRunner('tikar sasaran', () => false);
  const program = new Command('tikar sasaran')
    .description("Set or clear a month's sasaran (target count of balita in the area), S of the SKDN")
    .requiredOption('--db <file>', "the gateway's or village record's SQLite file")
    .requiredOption('--posyandu <id>', 'posyandu id', topicIdOption('--posyandu'))
    .requiredOption('--month <YYYY-MM>', 'the month', monthOption('--month'))
    .option('--balita <n>', 'the target count', countOption)
    .option('--clear', "remove the month's sasaran (S falls back to the registered count)")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .action(runner.action(apply));
  return runner.run(program, argv);
}
