// `tikar pki`: the certificate authority and accounts for MQTT over TLS.
//   tikar pki init     --dir ./pki [--host posyandu.local --host 192.168.1.10]   CA + broker certificate
//   tikar pki issue    --dir ./pki --name gw-melati [--broker --host …]          one more certificate
//   tikar pki accounts --dir ./pki --roster roster.json --url mqtts://…:8883     password_file, acl_file, device bundles
//   tikar pki check    --dir ./pki [--name gw-melati]                            signed by our CA? days left?
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import {
  caPaths,
  checkCertificate,
  createCa,
  defaultCaDays,
  defaultLeafDays,
  issueCertificate,
  leafPaths,
} from '../gateway/security/pki.ts';

function days(option: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 36_500) {
      throw new InvalidArgumentError(`${option} must be a whole number of days from 1 to 36500`);
    }
    return parsed;
  };
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function defaultBrokerHosts(): string[] {
  return [...new Set(['localhost', '127.0.0.1', hostname(), `${hostname()}.local`])];
}

type Print = (line: string) => void;

/** A certificate with fewer days left than this is flagged by `tikar pki check`. */
const renewWithinDays = 60;

function program(print: Print): Command {
  const root = new Command('tikar pki')
    .description('Certificates and accounts for MQTT over TLS (keys are written 0600)')
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      writeOut: (text) => process.stdout.write(text),
    });

  root
    .command('init')
    .description('create the CA and the broker certificate')
    .requiredOption('--dir <path>', 'PKI directory (created 0700)')
    .option('--host <name>', 'broker DNS name or IP clients use (repeatable)', collect, [])
    .option('--ca-days <n>', 'CA lifetime in days', days('--ca-days'), defaultCaDays)
    .option('--days <n>', 'broker certificate lifetime in days', days('--days'), defaultLeafDays)
    .action(async (options: { dir: string; host: string[]; caDays: number; days: number }) => {
      const ca = await createCa({ dir: options.dir, days: options.caDays });
      const hosts = options.host.length > 0 ? options.host : defaultBrokerHosts();
      const broker = await issueCertificate({
        dir: options.dir,
        name: 'broker',
        role: 'broker',
        hosts,
        days: options.days,
      });
      print(`CA: ${ca.certFile} (key ${ca.keyFile}, keep it offline)`);
      print(`broker: ${broker.certFile} for ${hosts.join(', ')}`);
    });

  root
    .command('issue')
    .description('issue one more certificate signed by the CA')
    .requiredOption('--dir <path>', 'PKI directory')
    .requiredOption('--name <name>', 'certificate name (for clients: the MQTT username)')
    .option('--broker', 'a broker (server) certificate instead of a client one')
    .option('--host <name>', 'broker DNS name or IP (repeatable)', collect, [])
    .option('--days <n>', 'lifetime in days', days('--days'), defaultLeafDays)
    .action(
      async (options: { dir: string; name: string; broker?: boolean; host: string[]; days: number }) => {
        const role = options.broker ? 'broker' : 'client';
        const hosts = options.host.length > 0 ? options.host : defaultBrokerHosts();
        const issued = await issueCertificate({
          dir: options.dir,
          name: options.name,
          role,
          hosts,
          days: options.days,
        });
        print(`${role}: ${issued.certFile} (key ${issued.keyFile})`);
      },
    );

  root
    .command('accounts')
    .description('write mosquitto password_file + acl_file and one bundle per device from a roster')
    .requiredOption('--dir <path>', 'PKI directory (from tikar pki init)')
    .requiredOption(
      '--roster <file>',
      'roster JSON: {"accounts":[{"role":"gateway","username":…,"village":…,"posyandu":…}]}',
    )
    .requiredOption('--url <url>', 'broker URL the devices use, e.g. mqtts://posyandu.local:8883')
    .action(async (options: { dir: string; roster: string; url: string }) => {
      // Loaded only here: the roster's schema (zod) is no part of any other subcommand or of `--help`.
      const [{ writeAccountBundles }, { parseRoster }] = await Promise.all([
        import('../gateway/security/accounts.ts'),
        import('../gateway/security/acl.ts'),
      ]);
      let json: unknown;
      try {
        json = JSON.parse(await readFile(options.roster, 'utf8'));
      } catch (error) {
        throw new Error(`--roster ${options.roster}: ${(error as Error).message}`);
      }
      const roster = parseRoster(json);
      if (!roster.ok) throw new Error(`--roster ${options.roster}: ${roster.error}`);
      const written = await writeAccountBundles({
        dir: options.dir,
        roster: roster.value,
        brokerUrl: options.url,
      });
      print(`broker: ${written.passwordFile}, ${written.aclFile}`);
      for (const [user, dir] of written.bundles)
        print(`${user}: copy ${dir}/ to the device (MQTT config: ${dir}/mqtt.json)`);
    });

  root
    .command('check')
    .description('check certificates against the CA and print their days left (all when no --name)')
    .requiredOption('--dir <path>', 'PKI directory')
    .option('--name <name>', 'one certificate name')
    .action(async (options: { dir: string; name?: string }) => {
      const caFile = caPaths(options.dir).certFile;
      const names =
        options.name !== undefined
          ? [options.name]
          : (await readdir(options.dir))
              .filter((file) => file.endsWith('.crt'))
              .map((file) => file.slice(0, -'.crt'.length));
      for (const name of names) {
        const certFile = name === 'ca' ? caFile : leafPaths(options.dir, name).certFile;
        const summary = await checkCertificate(caFile, certFile);
        const renew = summary.daysLeft < renewWithinDays ? ' — RENEW SOON' : '';
        print(
          `${name}: ${summary.subject.replace(/\n/g, ', ')}, valid until ${summary.validTo.toISOString().slice(0, 10)} (${summary.daysLeft} days left)${renew}`,
        );
      }
    });
  return root;
}

export async function run(
  argv: string[],
  print: Print = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  try {
    await program(print).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    const exitCode = (error as { exitCode?: number }).exitCode;
    if (exitCode !== undefined) return exitCode; // commander already printed usage or the option error
    process.stderr.write(`tikar pki: ${(error as Error).message}\n`);
    return 1;
  }
}
