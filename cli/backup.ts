// `tikar backup`: a consistent copy of the live database, optionally encrypted; `--decrypt` restores one.
//   tikar backup [--db ./data/tikar.db] [--out FILE] [--encrypt]          passphrase from $TIKAR_BACKUP_PASSPHRASE
//   tikar backup --decrypt FILE --out restored.db                          or --passphrase-file FILE (0600)
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Command } from 'commander';

interface BackupCliOptions {
  db: string;
  out?: string;
  encrypt?: boolean;
  decrypt?: string;
  passphraseFile?: string;
}

export const passphraseEnvironment = 'TIKAR_BACKUP_PASSPHRASE';

async function readPassphrase(options: BackupCliOptions, env: NodeJS.ProcessEnv): Promise<string> {
  if (options.passphraseFile) {
    const { readPrivateFile } = await import('../gateway/security/private-files.ts');
    return (await readPrivateFile(options.passphraseFile, '--passphrase-file')).replace(/\r?\n$/, '');
  }
  const fromEnv = env[passphraseEnvironment];
  if (fromEnv) return fromEnv;
  throw new Error(`a passphrase is needed: set ${passphraseEnvironment} or use --passphrase-file`);
}

/** backups/tikar-20260314-0930.db next to the database, in local time (what the kader sees on the clock). */
function defaultOutPath(dbPath: string, encrypted: boolean, now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return join(dirname(dbPath), 'backups', `tikar-${stamp}.${encrypted ? 'tikar-backup' : 'db'}`);
}

export async function run(
  argv: string[],
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const program = new Command('tikar backup')
    .description(
      'Consistent online backup of the Tikar database (0600), optionally encrypted with a passphrase',
    )
    .option('--db <file>', 'database to back up', './data/tikar.db')
    .option('--out <file>', 'output file (never replaced; default: backups/ next to the database)')
    .option(
      '--encrypt',
      `encrypt (scrypt + AES-256-GCM) with the passphrase from $${passphraseEnvironment} or --passphrase-file`,
    )
    .option('--decrypt <file>', 'restore an encrypted backup to --out as a plain database')
    .option('--passphrase-file <file>', 'file holding the passphrase (must be 0600)')
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      writeOut: (text) => process.stdout.write(text),
    });
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    return (error as { exitCode?: number }).exitCode ?? 2;
  }
  const options = program.opts<BackupCliOptions>();
  try {
    // Loaded only to run: `tikar backup --help` does not load the store (sqlite3).
    const { backupDatabase, decryptBackup } = await import('../gateway/store/backup.ts');
    if (options.decrypt) {
      if (!options.out) throw new Error('--decrypt needs --out (where to write the restored database)');
      const passphrase = await readPassphrase(options, env);
      const restored = await decryptBackup({ inPath: options.decrypt, outPath: options.out, passphrase });
      print(`restored ${restored.outPath} (${restored.bytes} bytes, integrity ok)`);
      return 0;
    }
    const passphrase = options.encrypt ? await readPassphrase(options, env) : undefined;
    const outPath = options.out ?? defaultOutPath(options.db, Boolean(options.encrypt), new Date());
    await mkdir(dirname(outPath), { recursive: true, mode: 0o700 });
    const result = await backupDatabase({ dbPath: options.db, outPath, passphrase });
    print(`backup ${result.outPath} (${result.bytes} bytes${result.encrypted ? ', encrypted' : ''})`);
    return 0;
  } catch (error) {
    process.stderr.write(`tikar backup: ${(error as Error).message}\n`);
    return 1;
  }
}
