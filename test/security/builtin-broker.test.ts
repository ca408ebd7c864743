// The zero-config broker: anyone on this machine may use it, nobody else.
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, startBuiltinBroker } from '../../gateway/publish/builtin-broker.ts';
import { needs } from '../helpers/prerequisite.ts';
import { connectOnce } from './secure-brokers.ts';

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((info) => info && info.family === 'IPv4' && !info.internal)?.address;

describe('built-in broker, zero-config default', () => {
  it('picks a free port, serves loopback clients and stops', async () => {
    const broker = await startBuiltinBroker({ port: 0 });
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    const client = await connectOnce(broker.url);
    const received = new Promise<string>((resolve) =>
      client.on('message', (_topic, payload) => resolve(`${payload}`)),
    );
    await client.subscribeAsync('tikar/v1/x/y/status', { qos: 1 });
    await client.publishAsync('tikar/v1/x/y/status', 'online', { qos: 1 });
    expect(await received).toBe('online');
    await client.endAsync();
    await broker.stop();
    await broker.stop(); // idempotent
    await expect(connectOnce(broker.url)).rejects.toThrow();
  });

  it('listens on 127.0.0.1 only unless told otherwise', async () => {
    const broker = await startBuiltinBroker({ port: 0 });
    try {
      // Linux answers all of 127.0.0.0/8 on lo: another loopback address reaches only what listens on it.
      await expect(connectOnce(`mqtt://127.0.0.2:${broker.port}`)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await broker.stop();
    }
  });

  it('without credentials, refuses non-loopback clients even on 0.0.0.0', async () => {
    needs(
      lanAddress !== undefined,
      'a non-loopback IPv4 address on this machine (a client from off the box)',
    );
    const broker = await startBuiltinBroker({ host: '0.0.0.0', port: 0 });
    try {
      await expect(connectOnce(`mqtt://${lanAddress}:${broker.port}`)).rejects.toThrow(/closed before/);
      const local = await connectOnce(`mqtt://127.0.0.1:${broker.port}`);
      await local.endAsync();
    } finally {
      await broker.stop();
    }
  });

  it('refuses an ACL without accounts, as a configuration error', async () => {
    await expect(startBuiltinBroker({ port: 0, acl: new Map() })).rejects.toThrow(/acl needs credentials/);
  });

  it('reports a port already in use as a clear error', async () => {
    const first = await startBuiltinBroker({ port: 0 });
    try {
      await expect(startBuiltinBroker({ port: first.port })).rejects.toThrow(/cannot listen on 127.0.0.1/);
    } finally {
      await first.stop();
    }
  });

  it('knows loopback addresses', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(address)).toBe(true);
    for (const address of ['192.0.2.2', '::ffff:10.0.0.1', 'fd00::2', '', undefined])
      expect(isLoopbackAddress(address)).toBe(false);
  });
});
