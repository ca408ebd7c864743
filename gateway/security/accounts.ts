// `tikar pki accounts`: from a roster (who is who), everything a broker and each device need.
//   <dir>/mosquitto/password_file, <dir>/mosquitto/acl_file      → the broker (or the built-in broker)
//   <dir>/accounts/<username>/                                 → copied to that device as a whole:
//       mqtt.json (url, username, password, TLS file names; 0600), ca.crt, client.crt, client.key (0600),
//       village.secret (0600; the pseudonym key, the same for every device of a village)
// Re-running keeps existing passwords, certificates and secrets, so adding a posyandu changes nobody else.

import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Account, aclTableFromRoster, type Roster, renderAclFile } from './acl.ts';
import { defaultPasswordIterations, hashPassword, renderPasswordFile } from './passwords.ts';
import { caPaths, issueCertificate, leafPaths } from './pki.ts';
import { createVillageSecret } from './privacy.ts';
import { pathExists, writePrivateFile } from './private-files.ts';

export interface AccountBundleOptions {
  /** The PKI directory (holds the CA from `tikar pki init`). */
  dir: string;
  roster: Roster;
  /** What devices connect to, e.g. mqtts://posyandu.local:8883. */
  brokerUrl: string;
  passwordIterations?: number;
}

export interface AccountBundles {
  passwordFile: string;
  aclFile: string;
  /** username → bundle directory */
  bundles: Map<string, string>;
}

async function existingPassword(configPath: string): Promise<string | undefined> {
  if (!(await pathExists(configPath))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (error) {
    throw new Error(`${configPath}: cannot read the existing account (${(error as Error).message})`);
  }
  const password = (parsed as { password?: unknown }).password;
  return typeof password === 'string' && password.length > 0 ? password : undefined;
}

async function villageSecretPath(dir: string, village: string): Promise<string> {
  const villagesDir = join(dir, 'villages');
  await mkdir(villagesDir, { recursive: true, mode: 0o700 });
  const path = join(villagesDir, `${village}.secret`);
  if (!(await pathExists(path))) await createVillageSecret(path);
  return path;
}

async function writeBundle(
  options: AccountBundleOptions,
  account: Account,
): Promise<{ dir: string; password: string }> {
  const bundleDir = join(options.dir, 'accounts', account.username);
  await mkdir(bundleDir, { recursive: true, mode: 0o700 });
  const configPath = join(bundleDir, 'mqtt.json');
  // 24 random bytes: 192 bits, base64url so it survives shells and JSON unquoted.
  const password = (await existingPassword(configPath)) ?? randomBytes(24).toString('base64url');

  const leaf = leafPaths(options.dir, account.username);
  if (!(await pathExists(leaf.certFile))) {
    await issueCertificate({ dir: options.dir, name: account.username, role: 'client' });
  }
  await copyFile(caPaths(options.dir).certFile, join(bundleDir, 'ca.crt'));
  await copyFile(leaf.certFile, join(bundleDir, 'client.crt'));
  await writePrivateFile(join(bundleDir, 'client.key'), await readFile(leaf.keyFile));
  // The pseudonym key goes only to who makes or reads pseudonyms within the village, not to a bridge or the district.
  if (account.role === 'gateway' || account.role === 'record') {
    await writePrivateFile(
      join(bundleDir, 'village.secret'),
      await readFile(await villageSecretPath(options.dir, account.village)),
    );
  }

  const config = {
    url: options.brokerUrl,
    username: account.username,
    password,
    ca_file: 'ca.crt',
    cert_file: 'client.crt',
    key_file: 'client.key',
  };
  await writePrivateFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return { dir: bundleDir, password };
}

export async function writeAccountBundles(options: AccountBundleOptions): Promise<AccountBundles> {
  if (!(await pathExists(caPaths(options.dir).keyFile))) {
    throw new Error(`${caPaths(options.dir).keyFile} not found: run 'tikar pki init' first`);
  }
  const hashes = new Map<string, string>();
  const bundles = new Map<string, string>();
  for (const account of options.roster.accounts) {
    const bundle = await writeBundle(options, account);
    bundles.set(account.username, bundle.dir);
    hashes.set(
      account.username,
      await hashPassword(bundle.password, options.passwordIterations ?? defaultPasswordIterations),
    );
  }
  const brokerDir = join(options.dir, 'mosquitto');
  await mkdir(brokerDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(brokerDir, 'password_file');
  const aclFile = join(brokerDir, 'acl_file');
  await writePrivateFile(passwordFile, renderPasswordFile(hashes));
  await writePrivateFile(aclFile, renderAclFile(aclTableFromRoster(options.roster)));
  return { passwordFile, aclFile, bundles };
}
