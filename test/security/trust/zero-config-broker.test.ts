// Issue 11 item 3: in the zero-config mode the built-in broker admits only the in-process gateway and record
// (fresh credentials each start, the secured mode's rights), and the record recomputes every z-score.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../../gateway/app/start-gateway.ts';
import {
  type MeasurementMessage,
  measurementMessage,
  parsePayload,
} from '../../../gateway/publish/payloads.ts';
import { zScoreDisagreement } from '../../../gateway/record/zscore-check.ts';
import { startMosquitto } from '../../helpers/mosquitto.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';
import {
  fastRelay,
  registerChildren,
  saveManual,
  startTestGateway,
  startTestRecord,
  type TestRecord,
  undelivered,
} from '../../integration/fixtures.ts';
import { waitFor } from '../../integration/helpers.ts';
import { connectOnce } from '../secure-brokers.ts';

describe('zero-config broker: nobody but the gateway and its record', { timeout: 60_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let gateway: RunningGateway;
  beforeAll(async () => {
    dir = await tmpDir('tikar-zero-config-');
    gateway = await startGateway({
      dbPath: join(dir.path, 'tikar.db'),
      posyanduId: 'melati',
      villageId: 'sukamaju',
      sim: { scenario: 'calm', timeScale: 1 },
      relay: fastRelay,
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await dir?.cleanup();
  });

  it('refuses a local process without the generated credentials', async () => {
    await expect(connectOnce(gateway.mqttUrl, { clientId: 'snoop' })).rejects.toThrow(/authori[sz]ed/i);
    await expect(
      connectOnce(gateway.mqttUrl, { clientId: 'snoop', username: 'gw-melati', password: 'guess' }),
    ).rejects.toThrow(/authori[sz]ed/i);
    await expect(
      connectOnce(gateway.mqttUrl, { clientId: 'snoop', username: 'record-sukamaju', password: '' }),
    ).rejects.toThrow(/authori[sz]ed/i);
  });

  it('still delivers the gateway to its in-process record', async () => {
    const [childId = ''] = await registerChildren(gateway, 1);
    await saveManual(gateway, childId, 1);
    await waitFor('delivered', async () => (await undelivered(gateway.db)) === 0, 20_000);
    expect(gateway.record).not.toBeNull();
  });
});

describe('the record recomputes z-scores', { timeout: 60_000 }, () => {
  let broker: Awaited<ReturnType<typeof startMosquitto>>;
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let record: TestRecord;
  let gateway: RunningGateway;
  let wire: MqttClient;
  const captured: MeasurementMessage[] = [];
  const rejected: string[] = [];
  beforeAll(async () => {
    broker = await startMosquitto();
    dir = await tmpDir('tikar-zcheck-');
    record = await startTestRecord({ dbPath: join(dir.path, 'record.db'), mqttUrl: broker.url });
    record.service.on('rejected', (event) => rejected.push(event.error));
    wire = await connectOnce(broker.url);
    wire.on('message', (_topic, payload) => {
      const parsed = parsePayload(measurementMessage, payload);
      if (parsed.ok) captured.push(parsed.value);
    });
    await wire.subscribeAsync('tikar/v1/sukamaju/+/measurements', { qos: 1 });
    gateway = await startTestGateway({ dir: dir.path, mqttUrl: broker.url });
    const [childId = ''] = await registerChildren(gateway, 1);
    await saveManual(gateway, childId, 1);
    await waitFor('delivered', async () => (await undelivered(gateway.db)) === 0, 20_000);
  });
  afterAll(async () => {
    await gateway?.stop();
    await wire?.endAsync();
    await record?.stop();
    await broker?.stop();
    await dir?.cleanup();
  });

  it('agrees with a genuine measurement', () => {
    const genuine = captured[0] as MeasurementMessage;
    expect(zScoreDisagreement(genuine.measurement, genuine.child.sex)).toBeUndefined();
  });

  it('stores no measurement whose z-scores, flags or status disagree with its values', async () => {
    const genuine = captured[0] as MeasurementMessage;
    const forge = (change: (m: MeasurementMessage['measurement']) => void) => {
      const copy = structuredClone(genuine);
      copy.id = randomUUID();
      copy.measurement.id = randomUUID();
      copy.readings = [];
      change(copy.measurement);
      return copy;
    };
    const forgeries = [
      forge((m) => {
        m.zlen = 1.5; // a stunted child shown as tall
      }),
      forge((m) => {
        m.lenhei_cm = (m.lenhei_cm ?? 70) - 8; // values changed, z-scores kept
      }),
      forge((m) => {
        m.status_tbu = 'normal';
        m.zlen = -3.5;
      }),
      forge((m) => {
        m.weight_kg = 1e6;
      }),
    ];
    const before = (await record.db.get<{ n: number }>('SELECT count(*) AS n FROM measurements'))?.n;
    for (const message of forgeries)
      await wire.publishAsync('tikar/v1/sukamaju/melati/measurements', JSON.stringify(message), { qos: 1 });
    await waitFor(
      'the forgeries rejected',
      () => rejected.filter((e) => e.startsWith('z-scores')).length >= 3,
    );
    const after = (await record.db.get<{ n: number }>('SELECT count(*) AS n FROM measurements'))?.n;
    expect(after).toBe(before);
  });
});
