// Run by gateway.bench.ts in its own process: starts the gateway on a given database, does what a posyandu
// morning does with it (lists, searches, today's list, a child's history), and prints the process RSS.
import { simCalibrationProfiles } from '../../calibration/index.ts';
import { startGateway } from '../../gateway/app/start-gateway.ts';

const [dbPath, mqttUrl, serialPath] = process.argv.slice(2);
if (!dbPath || !mqttUrl || !serialPath)
  throw new Error('usage: gateway-memory-child DB MQTT_URL SERIAL_PATH');
// As deploy/systemd runs it: a mat on a serial port, an external broker, the screens on.
const gateway = await startGateway({
  dbPath,
  posyanduId: 'melati',
  villageId: 'sukamaju',
  serial: { path: serialPath, baudRate: 115_200 },
  profiles: Object.values(simCalibrationProfiles()),
  mqtt: { url: mqttUrl },
  record: { enabled: false },
  http: { host: '127.0.0.1', port: 0 },
});
const s = gateway.services;
const children = await s.listChildren();
const ids = children.ok ? children.value.map((c) => c.id) : [];
for (const query of ['Anak 123', 'anak 9999', 'Siti']) await s.findChildren(query);
await s.todayList();
for (const id of ids.slice(0, 200)) await s.listMeasurements(id);
await new Promise((resolve) => setTimeout(resolve, 500));
(globalThis as { gc?: () => void }).gc?.(); // steady state, not the garbage of the last query
const usage = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({ rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, children: ids.length })}\n`,
);
await gateway.stop();
