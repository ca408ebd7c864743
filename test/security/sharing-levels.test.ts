// What leaves a gateway at each sharing level, seen on the wire of a real mosquitto, and what the village record
// and the other posyandu make of it. Two gateways of one village share the village secret: melati shares
// `pseudonymous`, mawar the default `register`.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../gateway/app/start-gateway.ts';
import {
  createVillageSecret,
  pseudonymousChildId,
  type SharingLevel,
} from '../../gateway/security/privacy.ts';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import {
  fastRelay,
  saveManual,
  startTestRecord,
  type TestRecord,
  undelivered,
} from '../integration/fixtures.ts';
import { birthDateForAge, waitFor } from '../integration/helpers.ts';
import { connectOnce } from './secure-brokers.ts';

const birthDateP = birthDateForAge(7);
const birthDateR = birthDateForAge(19);
const childP = {
  name: 'Wulandari Sekarjagad',
  sex: 2,
  birth_date: birthDateP,
  nik: '3301111122220001',
  mother_name: 'Parmiyem Kusumastuti',
};
const childR = {
  name: 'Bagaskara Tirtonadi',
  sex: 1,
  birth_date: birthDateR,
  nik: '3301111122220002',
  mother_name: 'Sulastri Wiryokusumo',
};
const personal = (child: typeof childP) => [
  child.name,
  ...child.name.split(' '),
  child.mother_name,
  ...child.mother_name.split(' '),
  child.birth_date,
  child.nik,
];

let broker: Awaited<ReturnType<typeof startMosquitto>>;
let dir: Awaited<ReturnType<typeof tmpDir>>;
let record: TestRecord;
let secret: Buffer;
const gateways: RunningGateway[] = [];
const wire: { topic: string; text: string }[] = [];

async function gatewayAt(posyanduId: string, level: SharingLevel): Promise<RunningGateway> {
  const gateway = await startGateway({
    dbPath: join(dir.path, posyanduId, 'gateway.db'),
    posyanduId,
    villageId: 'sukamaju',
    sim: { scenario: 'calm', timeScale: 1 },
    mqtt: { url: broker.url },
    record: { enabled: false },
    relay: fastRelay,
    mqttReconnect: { minMs: 100, maxMs: 400 },
    share: { level, villageSecretFile: join(dir.path, 'village.secret') },
  });
  gateways.push(gateway);
  return gateway;
}

async function register(gateway: RunningGateway, child: typeof childP): Promise<string> {
  const result = await gateway.services.registerChild(child);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.id;
}

const delivered = (gateway: RunningGateway) =>
  waitFor('the outbox delivered', async () => (await undelivered(gateway.db)) === 0);

let idP = '';
let idR = '';

beforeAll(async () => {
  broker = await startMosquitto();
  dir = await tmpDir('tikar-sharing-');
  secret = await createVillageSecret(join(dir.path, 'village.secret'));
  record = await startTestRecord({ dbPath: join(dir.path, 'record.db'), mqttUrl: broker.url });
  const watcher = await connectOnce(broker.url);
  watcher.on('message', (topic, payload) => wire.push({ topic, text: payload.toString() }));
  await watcher.subscribeAsync('tikar/#', { qos: 1 });
  gateways.length = 0;
  const melati = await gatewayAt('melati', 'pseudonymous');
  const mawar = await gatewayAt('mawar', 'register');

  idP = await register(melati, childP);
  await saveManual(melati, idP, 1);
  await delivered(melati);
  idR = await register(mawar, childR);
  await saveManual(mawar, idR, 2);
  await delivered(mawar);
  // The village register brings mawar's child to melati, which measures it too.
  await waitFor('the register at melati', async () => {
    const found = await melati.services.findChildren('Bagaskara');
    return found.ok && found.value.some((match) => match.child.id === idR);
  });
  await saveManual(melati, idR, 3);
  await delivered(melati);
  await watcher.endAsync();
}, 90_000);

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await record?.stop();
  await broker?.stop();
  await dir?.cleanup();
});

describe('sharing levels on the wire', () => {
  it('pseudonymous: no payload carries the name, mother name, birth date or NIK, and no register is sent', () => {
    expect(wire.length).toBeGreaterThan(5);
    for (const { topic, text } of wire) {
      for (const value of personal(childP)) expect(text, `${topic} carries ${value}`).not.toContain(value);
    }
    expect(wire.filter(({ topic }) => topic === 'tikar/v1/sukamaju/melati/children')).toEqual([]);
    expect(wire.filter(({ topic }) => topic === 'tikar/v1/sukamaju/melati/measurements')).toHaveLength(2);
  });

  it('register (default): measurements carry no personal field, the register no NIK', () => {
    const measurements = wire.filter(({ topic }) => topic.endsWith('/measurements'));
    expect(measurements).toHaveLength(3);
    for (const { text } of measurements) {
      for (const value of [...personal(childP), ...personal(childR)]) expect(text).not.toContain(value);
    }
    for (const { text } of wire) expect(text).not.toContain(childR.nik);
    const registered = wire.filter(({ topic }) => topic === 'tikar/v1/sukamaju/mawar/children');
    expect(registered).toHaveLength(1);
    expect(JSON.parse(registered[0]?.text ?? '{}').child).toMatchObject({
      id: idR,
      name: childR.name,
      mother_name: childR.mother_name,
      birth_date: childR.birth_date,
      birth_month: childR.birth_date.slice(0, 7),
    });
  });

  it('every child travels under its stable village pseudonym', () => {
    const pseudonyms = new Map([
      [idP, pseudonymousChildId(idP, secret)],
      [idR, pseudonymousChildId(idR, secret)],
    ]);
    let children = 0;
    for (const { text } of wire) {
      const child = (JSON.parse(text) as { child?: { id: string; pseudo_id: string } }).child;
      if (!child) continue;
      children++;
      expect(child.pseudo_id).toBe(pseudonyms.get(child.id));
    }
    expect(children).toBeGreaterThanOrEqual(5); // 3 measurements, 1 child, the register
  });

  it('a gateway merges only register children it can find by name', async () => {
    const melati = gateways[0] as RunningGateway;
    const sender = await connectOnce(broker.url);
    const base = {
      pseudo_id: 'a'.repeat(32),
      sex: 1,
      birth_month: '2025-01',
      posyandu_id: 'mawar',
      village_id: 'sukamaju',
      has_kia: false,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    };
    const nameless = { ...base, id: 'child-without-name' };
    const named = {
      ...base,
      id: 'child-with-name',
      pseudo_id: 'b'.repeat(32),
      name: 'Anak Terdaftar',
      mother_name: 'Ibu Terdaftar',
      birth_date: '2025-01-15',
    };
    for (const child of [nameless, named]) {
      await sender.publishAsync(
        'tikar/v1/sukamaju/register',
        JSON.stringify({ schema: 'tikar.register/1', child }),
        {
          qos: 1,
        },
      );
    }
    await sender.endAsync();
    await waitFor('the named child merged', async () => {
      const row = await melati.db.get('SELECT 1 AS here FROM children WHERE id = ?', [named.id]);
      return row !== undefined;
    });
    expect(await melati.db.get('SELECT 1 AS here FROM children WHERE id = ?', [nameless.id])).toBeUndefined();
  });

  it('the record keeps what it receives: a pseudonym only for melati, the register fields for mawar', async () => {
    const rows = await record.db.all(
      'SELECT id, pseudo_id, name, birth_date, mother_name, nik, posyandu_id FROM children ORDER BY posyandu_id',
    );
    expect(rows).toEqual([
      {
        id: idR,
        pseudo_id: pseudonymousChildId(idR, secret),
        name: childR.name,
        birth_date: childR.birth_date,
        mother_name: childR.mother_name,
        nik: null,
        posyandu_id: 'mawar',
      },
      {
        id: idP,
        pseudo_id: pseudonymousChildId(idP, secret),
        name: null,
        birth_date: null,
        mother_name: null,
        nik: null,
        posyandu_id: 'melati',
      },
    ]);
    const measured = await record.db.all<{ child_id: string; posyandu_id: string }>(
      'SELECT child_id, posyandu_id FROM measurements ORDER BY created_at',
    );
    expect(measured).toEqual([
      { child_id: idP, posyandu_id: 'melati' },
      { child_id: idR, posyandu_id: 'mawar' },
      { child_id: idR, posyandu_id: 'melati' },
    ]);
  });
});
