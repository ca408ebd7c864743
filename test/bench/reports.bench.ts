// Reports over 100,000 measurements: SKDN + growth-mat recap + 12-month prevalence for one posyandu,
// from rows in memory and from a real SQLite file (load included). Target: under 2 s here.
// Peer, measured in the same run: the naive SKDN (every child scans every row), the obviously-correct
// reference the property tests use.
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { listKinds, renderList } from '../../gateway/reports/lists.ts';
import { loadReportData } from '../../gateway/reports/load.ts';
import { computePrevalence } from '../../gateway/reports/prevalence.ts';
import { computeRecap } from '../../gateway/reports/recap.ts';
import { defaultReportSettings } from '../../gateway/reports/settings.ts';
import { computeSkdn } from '../../gateway/reports/skdn.ts';
import type { ReportData } from '../../gateway/reports/types.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { writeFixtureDb } from '../reports/db-fixture.ts';
import { naiveSkdn, randomReportData } from '../reports/naive.ts';

const month = '2026-11';

function allReports(data: ReportData): number {
  const options = { posyanduId: 'pos-1', month, settings: defaultReportSettings };
  const skdn = computeSkdn(data, options);
  const recap = computeRecap(data, options);
  const prevalence = computePrevalence(data, options);
  return skdn.d + recap.quarter.total + prevalence.current.cells.stunting.measured;
}

const verdict = (ms: number): string => (ms < 2000 ? 'met' : 'MISSED');

function timed<T>(work: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = work();
  return { ms: performance.now() - start, value };
}

export default async function bench(): Promise<void> {
  // 6,200 children with about 16 visits each over 24 months -> just over 100,000 rows (seeded).
  const data = randomReportData(20261128, 6_200, 24);
  process.stdout.write(`rows: ${data.children.length} children, ${data.measurements.length} measurements\n`);

  allReports(data); // warm-up
  const fast = timed(() => allReports(data));
  process.stdout.write(`SKDN + recap + prevalence (12 months), in memory: ${fast.ms.toFixed(0)} ms\n`);

  const listOptions = { posyanduId: 'pos-1', month, settings: defaultReportSettings };
  for (const kind of listKinds) renderList(kind, data, listOptions).csv({}); // warm-up
  const lists = timed(() => listKinds.map((kind) => renderList(kind, data, listOptions).csv({}).length));
  process.stdout.write(`rujukan + kunjungan + F2 + KPM 2.B as CSV, in memory: ${lists.ms.toFixed(0)} ms\n`);

  // The naive peer is quadratic: compared on a 1,000-child slice so the run stays short.
  const slice = randomReportData(20261128, 1_000, 24);
  const skdnOptions = { posyanduId: 'pos-1', month, settings: defaultReportSettings };
  computeSkdn(slice, skdnOptions);
  const ours = timed(() => computeSkdn(slice, skdnOptions));
  const naive = timed(() => naiveSkdn(slice, 'pos-1', month, defaultReportSettings.kbmTable));
  const s = ours.value;
  const same = [s.s, s.k, s.d, s.n, s.t, s.o, s.b].join() === naive.value.join();
  process.stdout.write(
    `SKDN on ${slice.measurements.length} rows: ours ${ours.ms.toFixed(1)} ms, naive peer ${naive.ms.toFixed(0)} ms, ` +
      `ratio naive/ours ${(naive.ms / ours.ms).toFixed(0)}x; same numbers: ${same}\n`,
  );

  const dir = await tmpDir('tikar-bench-reports-');
  try {
    const db = await writeFixtureDb(join(dir.path, 'bench.db'), data);
    const reports: [string, (loaded: ReportData) => unknown][] = [
      [
        'skdn',
        (loaded) => computeSkdn(loaded, { posyanduId: 'pos-1', month, settings: defaultReportSettings }),
      ],
      [
        'recap',
        (loaded) => computeRecap(loaded, { posyanduId: 'pos-1', month, settings: defaultReportSettings }),
      ],
      ['prevalence', (loaded) => computePrevalence(loaded, { posyanduId: 'pos-1', month })],
    ];
    for (const [name, report] of reports) {
      // What `tikar report <name>` does: load one posyandu's rows from SQLite, then compute. CPU time
      // (all threads, SQLite's included) is printed too: on a shared 2-core machine wall time also
      // counts waiting for other processes.
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      const loaded = await loadReportData(db, 'pos-1');
      const loadMs = performance.now() - start;
      report(loaded);
      const totalMs = performance.now() - start;
      const cpu = process.cpuUsage(cpuStart);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      process.stdout.write(
        `${name} from SQLite (${loaded.measurements.length} rows of pos-1): load ${loadMs.toFixed(0)} ms + ` +
          `report ${(totalMs - loadMs).toFixed(0)} ms = ${totalMs.toFixed(0)} ms wall, ` +
          `${cpuMs.toFixed(0)} ms CPU (target < 2000 ms: wall ${verdict(totalMs)}, CPU ${verdict(cpuMs)}; ` +
          `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)\n`,
      );
    }
    await db.close();
  } finally {
    await dir.cleanup();
  }
}
