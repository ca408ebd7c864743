// The record trusts a message only when its payload names the posyandu and village of its topic (the ACL
// vouches for the topic only). Real mosquitto, a real gateway and the record on their own links: a genuine
// measurement is captured off the wire, then replayed with forged origins, each with fresh ids so that only the
// origin check can stop it.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import {
  type ChildMessage,
  childMessage,
  type MeasurementMessage,
  measurementMessage,
  parsePayload,
  receiptMessage,
} from '../../gateway/publish/payloads.ts';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import {
  registerChildren,
  saveManual,
  startTestGateway,
  startTestRecord,
  type TestRecord,
  undelivered,
} from '../integration/fixtures.ts';
import { waitFor } from '../integration/helpers.ts';
import { connectOnce } from './secure-brokers.ts';

const melati = 'tikar/v1/sukamaju/melati';
const mawar = 'tikar/v1/sukamaju/mawar';

let broker: Awaited<ReturnType<typeof startMosquitto>>;
let dir: Awaited<ReturnType<typeof tmpDir>>;
let record: TestRecord;
let gateway: RunningGateway;
let wire: MqttClient;
const measurements: MeasurementMessage[] = [];
const children: ChildMessage[] = [];
const receipted = new Set<string>();
const rejected: { topic: string; error: string }[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
  dir = await tmpDir('tikar-record-origin-');
  record = await startTestRecord({ dbPath: join(dir.path, 'record.db'), mqttUrl: broker.url });
  record.service.on('rejected', (event) => rejected.push(event));
  wire = await connectOnce(broker.url);
  wire.on('message', (topic, payload) => {
    if (topic.endsWith('/measurements')) {
      const parsed = parsePayload(measurementMessage, payload);
      if (parsed.ok) measurements.push(parsed.value);
    } else if (topic.endsWith('/children')) {
      const parsed = parsePayload(childMessage, payload);
      if (parsed.ok) children.push(parsed.value);
    } else if (topic.endsWith('/receipts')) {
      const parsed = parsePayload(receiptMessage, payload);
      if (parsed.ok) for (const id of parsed.value.ids) receipted.add(id);
    }
  });
  await wire.subscribeAsync('tikar/v1/sukamaju/+/+', { qos: 1 });
  gateway = await startTestGateway({ dir: dir.path, mqttUrl: broker.url });
  const [childId = ''] = await registerChildren(gateway, 1);
  await saveManual(gateway, childId, 1);
  await waitFor('the genuine messages delivered', async () => (await undelivered(gateway.db)) === 0);
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await wire?.endAsync();
  await record?.stop();
  await broker?.stop();
  await dir?.cleanup();
});

/** A copy of a captured message with fresh message and measurement ids, changed by `forge`. */
function replayMeasurement(forge: (message: MeasurementMessage) => void): MeasurementMessage {
  const copy = structuredClone(measurements[0]) as MeasurementMessage;
  copy.id = randomUUID();
  copy.measurement.id = randomUUID();
  copy.readings = copy.readings.map((reading) => ({
    ...reading,
    id: randomUUID(),
    measurement_id: copy.measurement.id,
  }));
  forge(copy);
  return copy;
}

async function countRows(sql: string): Promise<number> {
  return (await record.db.get<{ n: number }>(sql))?.n ?? -1;
}

describe('the record checks the origin of each message', () => {
  it('ignores and logs messages whose payload names another posyandu or village than the topic', async () => {
    expect(measurements).toHaveLength(1);
    expect(children).toHaveLength(1);
    const genuineChild = children[0] as ChildMessage;
    const forgeries: { topic: string; message: MeasurementMessage | ChildMessage }[] = [
      // Melati's account writes a measurement "from" mawar on its own topic.
      {
        topic: `${melati}/measurements`,
        message: replayMeasurement((m) => {
          m.measurement.posyandu_id = 'mawar';
        }),
      },
      // Mawar's topic carrying a measurement that says it was taken at melati.
      { topic: `${mawar}/measurements`, message: replayMeasurement(() => undefined) },
      // Another village in the measurement, or in the child copy inside it.
      {
        topic: `${melati}/measurements`,
        message: replayMeasurement((m) => {
          m.measurement.village_id = 'tetangga';
        }),
      },
      {
        topic: `${melati}/measurements`,
        message: replayMeasurement((m) => {
          m.child.village_id = 'tetangga';
        }),
      },
      // Melati re-registering the child as one of mawar's.
      {
        topic: `${melati}/children`,
        message: {
          ...genuineChild,
          id: randomUUID(),
          child: { ...genuineChild.child, posyandu_id: 'mawar', updated_at: new Date().toISOString() },
        },
      },
    ];
    for (const { topic, message } of forgeries) {
      await wire.publishAsync(topic, JSON.stringify(message), { qos: 1 });
    }
    // A genuine replay after them: once it is receipted, every forgery before it has been judged.
    const control = replayMeasurement(() => undefined);
    await wire.publishAsync(`${melati}/measurements`, JSON.stringify(control), { qos: 1 });
    await waitFor('the control receipt', () => receipted.has(control.id));

    expect(rejected.map((event) => event.topic)).toEqual(forgeries.map((forgery) => forgery.topic));
    for (const event of rejected)
      expect(event.error).toMatch(/^origin: payload \S+ is .* but the topic says/);
    for (const { message } of forgeries) expect(receipted.has(message.id)).toBe(false);
    // Nothing of the forgeries is stored: no message, no measurement, and the child still belongs to melati.
    expect(await countRows('SELECT count(*) AS n FROM record_messages')).toBe(3); // child, measurement, control
    expect(await countRows('SELECT count(*) AS n FROM measurements')).toBe(2);
    expect(await countRows("SELECT count(*) AS n FROM measurements WHERE posyandu_id != 'melati'")).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM children WHERE posyandu_id != 'melati'")).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM children WHERE village_id != 'sukamaju'")).toBe(0);
  }, 60_000);
});
