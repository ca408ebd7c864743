import { type Logger, pino } from 'pino';

// Personal data must never reach a log line, even by accident: these keys are removed wherever they appear
// (one level deep and at the top), whatever the module logged.
const personalKeys = [
  'name',
  'nik',
  'birth_date',
  'birthDate',
  'mother_name',
  'motherName',
  'pin',
  'password',
];
const redactPaths = personalKeys.flatMap((key) => [key, `*.${key}`]);

let root: Logger | undefined;

function rootLogger(): Logger {
  root ??= pino(
    {
      level: process.env.TIKAR_LOG_LEVEL ?? 'info',
      base: undefined,
      redact: { paths: redactPaths, remove: true },
    },
    pino.destination({ dest: process.env.TIKAR_LOG_FILE ?? 2, sync: false }),
  );
  return root;
}

/** A logger for one module; its lines carry `module` so levels can be read per module. */
export function createLogger(module: string): Logger {
  return rootLogger().child({ module });
}

export type { Logger };
