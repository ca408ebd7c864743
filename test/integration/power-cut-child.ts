// The process the power-cut test kills with SIGKILL: the gateway's services over its store and outbox, saving
// measurements as fast as it can and printing `SAVED <id>` only after the service said saved — what a screen
// would have shown. (No MQTT here: the test drains the outbox afterwards; loading mqtt would double the cost
// of each of the 100 starts.)
import { GatewayServicesImpl } from '../../gateway/app/gateway-services.ts';
import { Clock } from '../../gateway/clock/clock.ts';
import { createLogger } from '../../gateway/log/logger.ts';
import { posyanduTopics } from '../../gateway/publish/topics.ts';
import { openDb } from '../../gateway/store/db.ts';

const [dbPath, ...childIds] = process.argv.slice(2);
if (!dbPath || childIds.length === 0) throw new Error('usage: power-cut-child DB CHILD_ID...');
const db = await openDb(dbPath);
const services = new GatewayServicesImpl({
  db,
  clock: new Clock(),
  posyanduId: 'melati',
  villageId: 'sukamaju',
  topics: posyanduTopics('sukamaju', 'melati'),
  log: createLogger('power-cut-child'),
});
await services.init();
process.stdout.write('READY\n');
for (let k = 0; ; k++) {
  const result = await services.saveManualMeasurement({
    child_id: childIds[k % childIds.length],
    lenhei_cm: 70 + (k % 10) * 0.1,
    weight_kg: 8.5,
  });
  if (!result.ok) {
    process.stdout.write(`ERROR ${result.error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`SAVED ${result.value.measurement.id}\n`);
}
