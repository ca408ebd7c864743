import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startMosquitto } from './mosquitto.ts';
import { openPtyPair } from './pty-pair.ts';

describe('test harness', () => {
  it('starts a real mosquitto that accepts TCP and stops it', async () => {
    const broker = await startMosquitto();
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(broker.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    await broker.stop();
    expect(accepted).toBe(true);
  });

  it('links two PTYs: bytes written to one end are read at the other', async () => {
    const pair = await openPtyPair();
    const a = openSync(pair.a, 'r+');
    const b = openSync(pair.b, 'r+');
    writeSync(a, 'hello\n');
    const buffer = Buffer.alloc(16);
    const n = readSync(b, buffer, 0, 16, null);
    closeSync(a);
    closeSync(b);
    await pair.close();
    expect(buffer.subarray(0, n).toString()).toBe('hello\n');
  });
});
