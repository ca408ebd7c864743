// The zero-config default runs the broker, the gateway and the village record in one process. The broker still
// must not trust every process on the box (any of them could read the register or forge receipts), so each
// start draws a fresh password for the gateway and for the record, and the broker applies the same rights as
// a secured broker: nobody else can log in.

import { randomBytes } from 'node:crypto';
import { type AclTable, aclTableFromRoster } from './acl.ts';
import { hashPassword, type PasswordTable } from './passwords.ts';

export interface ZeroConfigAccount {
  username: string;
  password: string;
}

export interface ZeroConfigAccounts {
  credentials: PasswordTable;
  acl: AclTable;
  gateway: ZeroConfigAccount;
  record: ZeroConfigAccount;
}

/** A 192-bit random password lives only in this process's memory: a few PBKDF2 rounds are enough. */
const iterations = 1000;

export async function zeroConfigAccounts(villageId: string, posyanduId: string): Promise<ZeroConfigAccounts> {
  const gateway = { username: `gw-${posyanduId}`, password: randomBytes(24).toString('base64url') };
  const record = { username: `record-${villageId}`, password: randomBytes(24).toString('base64url') };
  const credentials = new Map([
    [gateway.username, await hashPassword(gateway.password, iterations)],
    [record.username, await hashPassword(record.password, iterations)],
  ]);
  const acl = aclTableFromRoster({
    accounts: [
      { role: 'gateway', username: gateway.username, village: villageId, posyandu: posyanduId },
      { role: 'record', username: record.username, village: villageId },
    ],
  });
  return { credentials, acl, gateway, record };
}
