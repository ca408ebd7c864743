// The `tikar` command: each subcommand lives in its own module, loaded only when asked for,
// so `tikar zscore` does not pay for the gateway's sqlite3 or mqtt start-up.

type Subcommand = { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> };

const subcommands: Record<string, Subcommand> = {
  zscore: {
    summary: 'WHO 2006 z-scores and Permenkes status for a CSV of children',
    load: () => import('./zscore.ts'),
  },
  sim: { summary: 'a simulated growth mat speaking the wire protocol', load: () => import('./sim.ts') },
  mat: {
    summary: "run the mat program on the mat's board (StandardFirmata), towards a gateway",
    load: () => import('./mat.ts'),
  },
  monitor: {
    summary: 'decode the mat wire live, one JSON object per frame',
    load: () => import('./monitor.ts'),
  },
  calibrate: {
    summary: 'calibrate a mat against reference rods, or check it',
    load: () => import('./calibrate.ts'),
  },
  gateway: {
    summary: 'run the posyandu gateway (mat, store, MQTT, screens)',
    load: () => import('./gateway.ts'),
  },
  record: { summary: 'run or query the village record service', load: () => import('./record.ts') },
  district: {
    summary: 'the district: completeness check of the villages, summaries for the dashboard',
    load: () => import('./district.ts'),
  },
  dashboard: {
    summary: 'the district dashboard (read-only web screens on PostgreSQL)',
    load: () => import('./dashboard.ts'),
  },
  report: { summary: 'SKDN, growth-mat recap, prevalence reports', load: () => import('./report.ts') },
  export: { summary: 'e-PPGBM CSV/XLSX and FHIR R4 exports', load: () => import('./export.ts') },
  import: {
    summary: 'children and past weighings from CSV or an e-PPGBM export',
    load: () => import('./import.ts'),
  },
  sasaran: {
    summary: "set a month's sasaran (target count of balita), S of the SKDN",
    load: () => import('./sasaran.ts'),
  },
  pki: { summary: 'create the CA and certificates for MQTT over TLS', load: () => import('./pki.ts') },
  backup: { summary: 'consistent (optionally encrypted) database backup', load: () => import('./backup.ts') },
};

function usage(): string {
  const width = Math.max(...Object.keys(subcommands).map((name) => name.length));
  const lines = Object.entries(subcommands).map(([name, sub]) => `  ${name.padEnd(width)}  ${sub.summary}`);
  return `usage: tikar <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'tikar <command> --help' for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const sub = subcommands[name];
  if (!sub) {
    process.stderr.write(`tikar: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const module = await sub.load();
  return module.run(rest);
}
