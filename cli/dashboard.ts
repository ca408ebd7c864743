// `tikar dashboard`: the district dashboard (district/dashboard/), read-only on the district record's PostgreSQL.

import { Command } from 'commander';
import { redactPgUrl } from '../gateway/store/postgres-url.ts';
import { integerIn, parseArgv } from './options.ts';
import { stopSignal } from './stop-signal.ts';

export async function run(argv: string[]): Promise<number> {
  const program = new Command('tikar dashboard')
    .description(
      'The district dashboard: SKDN, prevalence, growth-mat colours and lists per village and posyandu, who has ' +
        'not reported, 12-month trends, CSV. Read-only; log in with the password (TIKAR_DASHBOARD_PASSWORD, or ' +
        'the one printed at first start).',
    )
    .option('--store <url>', 'the district record, postgres://… (or $TIKAR_RECORD_STORE)')
    .option('--http <port>', 'HTTP port', integerIn('--http', 0, 65535), 8090)
    .option('--host <address>', 'listen address', '127.0.0.1')
    .option('--data <dir>', 'holds dashboard-password.json (0600)', './data/dashboard')
    .option('--secure-cookies', 'mark the session cookie Secure (behind a TLS proxy)');
  const exit = parseArgv(program, argv);
  if (exit !== undefined) return exit;
  const options = program.opts<{
    store?: string;
    http: number;
    host: string;
    data: string;
    secureCookies?: boolean;
  }>();
  const storeUrl = options.store ?? process.env.TIKAR_RECORD_STORE;
  if (storeUrl === undefined) {
    process.stderr.write('tikar dashboard: --store postgres://… (or TIKAR_RECORD_STORE) is required\n');
    return 2;
  }
  // Loaded only to run: `tikar dashboard --help` loads neither PostgreSQL nor the web server.
  const [{ openPasswordStore }, { startDashboard }, { openPostgres }] = await Promise.all([
    import('../district/dashboard/password.ts'),
    import('../district/dashboard/server.ts'),
    import('../gateway/store/postgres.ts'),
  ]);
  try {
    const passwords = await openPasswordStore(options.data, process.env.TIKAR_DASHBOARD_PASSWORD);
    const pg = await openPostgres(storeUrl, { max: 4, applicationName: 'tikar-dashboard', readOnly: true });
    const dashboard = await startDashboard({
      pg,
      passwords,
      host: options.host,
      port: options.http,
      secureCookies: options.secureCookies === true,
    }).catch(async (error: Error) => {
      await pg.close();
      throw error;
    });
    const stopped = stopSignal();
    if (passwords.generated) {
      process.stdout.write(
        `Tikar dashboard: password created (shown only now; write it down): ${passwords.generated}\n`,
      );
    }
    process.stdout.write(`Tikar dashboard: ${dashboard.url} (store ${redactPgUrl(storeUrl)})\n`);
    await stopped;
    await dashboard.stop();
    await pg.close();
    return 0;
  } catch (error) {
    process.stderr.write(`tikar dashboard: ${(error as Error).message}\n`);
    return 1;
  }
}
